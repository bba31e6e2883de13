/**
 * `h1:` of a module zip (dirhash `HashZip`): every entry name of the archive, as raw bytes (Go does not
 * decode CP437 or Unicode extra fields), with the SHA-256 of its uncompressed content; directory entries
 * count, as they do for Go. Entries are streamed from the archive through one reused inflater into the hash
 * (zipread.ts), on a {@link HashPool} worker when one is given, else in the calling thread (synchronously:
 * the work is all CPU).
 */
import { type HashedFile, hash1, sha256Hex } from "./hash1.js";
import { type HashPool, WorkerJobError } from "./pool.js";
import { bufferSource, HashContext, hashEntries } from "./zipread.js";

export interface ZipHashResult {
  h1: string;
  files: HashedFile[];
  /** Compressed size of the archive on disk. */
  bytes: number;
  /** Content of `<prefix>/go.mod` when the archive has one at its top level. */
  goMod?: Buffer;
}

let local: HashContext | undefined;
/** The calling thread's reusable inflater and buffers. */
export function localContext(): HashContext {
  local ??= new HashContext();
  return local;
}

/** Hashes the zip in memory (`buf`); rejects on a corrupt archive. */
export async function hashZipBuffer(buf: Buffer, goModName?: string): Promise<Omit<ZipHashResult, "bytes">> {
  const d = hashEntries(
    bufferSource(buf),
    localContext().inflater,
    goModName === undefined ? undefined : Buffer.from(goModName),
  );
  const files = d.names.map((name, i) => ({ name: Buffer.from(name), sha256: d.digests[i]! }));
  const out: Omit<ZipHashResult, "bytes"> = { h1: hash1(files), files };
  if (d.keep !== undefined) out.goMod = d.keep;
  return out;
}

/**
 * A pool job, done in this thread instead when the worker itself failed (it could not start, or died);
 * errors about the file (unreadable, corrupt) are the job's and pass through.
 */
export async function onPool<T>(
  pool: HashPool | undefined,
  job: (p: HashPool) => Promise<T>,
  here: () => T,
): Promise<T> {
  if (pool) {
    try {
      return await job(pool);
    } catch (err) {
      if (err instanceof WorkerJobError)
        throw Object.assign(new Error(err.message), err.code ? { code: err.code } : {});
    }
  }
  return here();
}

/**
 * Hashes every entry of the zip at `file`. `goModName` (e.g. `example.com/m@v1.0.0/go.mod`) selects the
 * entry whose bytes are returned as `goMod`. Rejects on a corrupt or truncated archive.
 */
export async function hashZip(file: string, goModName?: string, pool?: HashPool): Promise<ZipHashResult> {
  const r = await onPool(
    pool,
    (p) => p.zip(file, goModName, true),
    () => localContext().zipFile(file, goModName, true),
  );
  const out: ZipHashResult = { h1: r.h1, files: r.files ?? [], bytes: r.bytes };
  if (r.goMod !== undefined) out.goMod = r.goMod;
  return out;
}

/**
 * `h1:` of an extracted module directory (dirhash `HashDir(dir, prefix)`, as `go mod verify` uses it with
 * prefix `<module>@<version>`): every non-directory under `dir`, named `prefix/relpath`.
 */
export async function hashDir(dir: string, prefix: string, pool?: HashPool): Promise<string> {
  return onPool(
    pool,
    (p) => p.dir(dir, prefix),
    () => localContext().dir(dir, prefix),
  );
}

/** Hex SHA-256 of a file's content. */
export async function hashFile(file: string): Promise<string> {
  return localContext().file(file);
}

export { sha256Hex };
