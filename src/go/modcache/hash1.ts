/**
 * `h1:` hashes as the go command computes them (golang.org/x/mod/sumdb/dirhash `Hash1`):
 * for each file, sorted byte-wise by name, the line `<hex sha256 of content>  <name>\n`; the hash is
 * `h1:` + base64(sha256(all lines)). Names are kept as bytes: Go sorts UTF-8 byte strings, which differs
 * from JavaScript's UTF-16 order for characters outside the BMP.
 */
import { createHash } from "node:crypto";

/** One file of a hashed tree: its slash-separated name (bytes) and the lowercase hex SHA-256 of its content. */
export interface HashedFile {
  name: Buffer;
  sha256: string;
}

export class Hash1Error extends Error {
  readonly code = "BAD_NAME";
}

/** Combines per-file digests into the `h1:` hash. Throws {@link Hash1Error} on a name containing a newline. */
export function hash1(files: readonly HashedFile[]): string {
  // Names as latin1 strings, one character per byte: JavaScript's string order is then Go's byte order, and
  // the summary is one string written back byte for byte (one hash call per module, not three per file).
  const keyed = files.map((f) => ({ sha256: f.sha256, name: f.name.toString("latin1") }));
  keyed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let summary = "";
  for (const f of keyed) {
    if (f.name.includes("\n")) throw new Hash1Error("dirhash: filename with newline");
    summary += `${f.sha256}  ${f.name}\n`;
  }
  return `h1:${createHash("sha256").update(Buffer.from(summary, "latin1")).digest("base64")}`;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The `/go.mod` hash of a go.sum line: Hash1 over one file named `go.mod` (fetch.go `goModSum`). */
export function goModHash(goMod: Uint8Array | string): string {
  return hash1([{ name: Buffer.from("go.mod"), sha256: sha256Hex(goMod) }]);
}

/** Hash1 over in-memory files, for tests and small trees. */
export function hash1Of(files: ReadonlyArray<{ name: string | Buffer; data: Uint8Array | string }>): string {
  return hash1(
    files.map((f) => ({
      name: typeof f.name === "string" ? Buffer.from(f.name) : f.name,
      sha256: sha256Hex(f.data),
    })),
  );
}
