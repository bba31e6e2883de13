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

const NEWLINE = 0x0a;

/** Combines per-file digests into the `h1:` hash. Throws {@link Hash1Error} on a name containing a newline. */
export function hash1(files: readonly HashedFile[]): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(a.name, b.name));
  const summary = createHash("sha256");
  for (const f of sorted) {
    if (f.name.includes(NEWLINE)) throw new Hash1Error("dirhash: filename with newline");
    summary.update(`${f.sha256}  `);
    summary.update(f.name);
    summary.update("\n");
  }
  return `h1:${summary.digest("base64")}`;
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
