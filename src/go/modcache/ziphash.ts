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
import { inflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import { type HashedFile, hash1, sha256Hex } from "./hash1.js";
import type { HashPool } from "./pool.js";

export interface ZipHashResult {
  h1: string;
  files: HashedFile[];
  /** Compressed size of the archive on disk. */
  bytes: number;
  /** Content of `<prefix>/go.mod` when the archive has one at its top level. */
  goMod?: Buffer;
}

/** Go refuses module zips above 500 MiB uncompressed (mod.md zip size constraints). */
const MAX_ENTRY = 500 << 20;
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

/** Zips up to this size are read whole and their entries inflated from memory (fast path). */
const IN_MEMORY_MAX = 64 << 20;

function entriesOf(zf: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    zf.on("error", reject);
    zf.on("entry", (e: yauzl.Entry) => {
      out.push(e);
      zf.readEntry();
    });
    zf.on("end", () => resolve(out));
    zf.readEntry();
  });
}

/**
 * The fast path: the zip is in memory; with a pool, a worker parses (yauzl), inflates and hashes it;
 * without one, this thread does the same.
 */
export async function hashZipBuffer(
  buf: Buffer,
  goModName?: string,
  pool?: HashPool,
): Promise<Omit<ZipHashResult, "bytes">> {
  if (pool) {
    const r = await pool.hash(buf, goModName);
    const files = r.names.map((name, i) => ({ name, sha256: r.digests[i]! }));
    const out: Omit<ZipHashResult, "bytes"> = { h1: hash1(files), files };
    if (r.keep !== undefined) out.goMod = r.keep;
    return out;
  }
  const zf = await yauzl.fromBufferPromise(buf, {
    lazyEntries: true,
    decodeStrings: false,
    validateEntrySizes: true,
  });
  const entries = await entriesOf(zf);
  const wanted = goModName ? Buffer.from(goModName) : undefined;
  const spans: EntrySpan[] = [];
  const names: Buffer[] = [];
  let want = -1;
  for (const [i, entry] of entries.entries()) {
    if (entry.isEncrypted()) throw new Error("encrypted zip entry");
    const { fileDataStart } = await zf.readLocalFileHeaderPromise(entry, { minimal: true });
    const end = fileDataStart + entry.compressedSize;
    if (end > buf.length) throw new Error("zip entry data beyond end of file");
    if (entry.uncompressedSize > MAX_ENTRY) throw new Error("zip entry larger than Go allows");
    const name = Buffer.from(entry.fileName as unknown as Buffer);
    if (wanted && name.equals(wanted) && entry.uncompressedSize <= MAX_GOMOD) want = i;
    names.push(name);
    spans.push([fileDataStart, end, entry.compressionMethod, entry.uncompressedSize]);
  }
  const r = hashSpans(buf, spans, want);
  const files = names.map((name, i) => ({ name, sha256: r.digests[i]! }));
  const out: Omit<ZipHashResult, "bytes"> = { h1: hash1(files), files };
  if (r.keep !== undefined) out.goMod = r.keep;
  return out;
}

/** [dataStart, dataEnd, compressionMethod, uncompressedSize] of one entry inside the zip buffer. */
type EntrySpan = [number, number, number, number];

function hashSpans(buf: Buffer, spans: EntrySpan[], want: number): { digests: string[]; keep?: Buffer } {
  const digests: string[] = [];
  let keep: Buffer | undefined;
  for (const [i, [s, e, m, size]] of spans.entries()) {
    const raw = buf.subarray(s, e);
    let data: Buffer;
    if (m === 0) data = raw;
    else if (m === 8)
      data = inflateRawSync(raw, {
        maxOutputLength: Math.max(1, size + 1),
        chunkSize: Math.max(64, Math.min(size + 1, 67108864)),
      });
    else throw new Error(`unsupported zip compression method ${m}`);
    if (data.length !== size) throw new Error("zip entry size does not match its header");
    digests.push(sha256Hex(data));
    if (i === want) keep = Buffer.from(data);
  }
  return keep ? { digests, keep } : { digests };
}

/**
 * Hashes every entry of the zip at `file` (in memory up to 64 MiB, streamed above). `goModName` (e.g. `example.com/m@v1.0.0/go.mod`) selects the
 * entry whose bytes are returned as `goMod`. Rejects on a corrupt or truncated archive.
 */
export async function hashZip(file: string, goModName?: string, pool?: HashPool): Promise<ZipHashResult> {
  const { size } = await fsp.stat(file);
  if (size <= IN_MEMORY_MAX) {
    return { ...(await hashZipBuffer(await fsp.readFile(file), goModName, pool)), bytes: size };
  }
  return hashZipStreaming(file, size, goModName);
}

/** The streaming path for large zips (toolchain modules): memory bounded by one chunk per entry. */
export async function hashZipStreaming(
  file: string,
  size: number,
  goModName?: string,
): Promise<ZipHashResult> {
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
