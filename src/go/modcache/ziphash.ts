/**
 * `h1:` of a module zip (dirhash `HashZip`): every entry name of the archive, as raw bytes (Go does not
 * decode CP437 or Unicode extra fields), with the SHA-256 of its uncompressed content. Entries are streamed
 * with yauzl (no extraction to disk, memory bounded by one chunk per entry); directory entries count,
 * as they do for Go.
 */

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import yauzl from "yauzl";
import { type HashedFile, hash1, sha256Hex } from "./hash1.js";

export interface ZipHashResult {
  h1: string;
  files: HashedFile[];
  /** Compressed size of the archive on disk. */
  bytes: number;
  /** Content of `<prefix>/go.mod` when the archive has one at its top level. */
  goMod?: Buffer;
}

/** Go refuses go.mod files above 16 MiB (mod.md zip size constraints); we stop capturing there too. */
const MAX_GOMOD = 16 << 20;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true },
      (err, zf) => (err || !zf ? reject(err ?? new Error("cannot open zip")) : resolve(zf)),
    );
  });
}

/**
 * Hashes every entry of the zip at `file`. `goModName` (e.g. `example.com/m@v1.0.0/go.mod`) selects the
 * entry whose bytes are returned as `goMod`. Rejects on a corrupt or truncated archive.
 */
export async function hashZip(file: string, goModName?: string): Promise<ZipHashResult> {
  const { size } = await fsp.stat(file);
  const zf = await openZip(file);
  const wanted = goModName ? Buffer.from(goModName) : undefined;
  const files: HashedFile[] = [];
  let goMod: Buffer | undefined;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      zf.close();
      reject(err);
    };
    zf.on("error", fail);
    zf.on("end", () => resolve());
    zf.on("entry", (entry: yauzl.Entry) => {
      const name = entry.fileName as unknown as Buffer;
      const capture = wanted !== undefined && name.equals(wanted) && entry.uncompressedSize <= MAX_GOMOD;
      zf.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err ?? new Error("cannot read zip entry"));
        const h = createHash("sha256");
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => {
          h.update(c);
          if (capture) chunks.push(c);
        });
        stream.on("error", fail);
        stream.on("end", () => {
          files.push({ name: Buffer.from(name), sha256: h.digest("hex") });
          if (capture) goMod = Buffer.concat(chunks);
          zf.readEntry();
        });
      });
    });
    zf.readEntry();
  });
  const out: ZipHashResult = { h1: hash1(files), files, bytes: size };
  if (goMod !== undefined) out.goMod = goMod;
  return out;
}

/**
 * `h1:` of an extracted module directory (dirhash `HashDir(dir, prefix)`, as `go mod verify` uses it with
 * prefix `<module>@<version>`): every non-directory under `dir`, named `prefix/relpath`.
 */
export async function hashDir(dir: string, prefix: string): Promise<string> {
  const files: HashedFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await fsp.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else files.push({ name: Buffer.from(`${prefix}/${r}`), sha256: await hashFile(path.join(dir, r)) });
    }
  };
  await walk("");
  return hash1(files);
}

export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(file)
      .on("data", (c) => h.update(c))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

export { sha256Hex };
