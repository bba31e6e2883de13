/**
 * The synchronous core of module-zip hashing, shared by the worker threads (worker.ts) and the in-thread
 * fallback: a zip central-directory reader (zip64 included) and a loop that streams every entry's
 * compressed bytes through one reused raw-inflate handle straight into SHA-256. Nothing is allocated per
 * entry but the hash object: the inflate output goes through one fixed buffer, zips up to
 * {@link WHOLE_READ_MAX} are read with one `read` into a reused buffer, larger ones in chunks.
 *
 * What Go's archive/zip + dirhash `HashZip` accept, this accepts, with the same names (raw bytes) and
 * contents; an entry whose inflated size differs from its header, an encrypted entry, a method other than
 * store/deflate, or a truncated stream throws a {@link ZipError}. (CRC-32 is not checked; Go checks it.)
 *
 * Node has no public API to reuse a zlib handle across inputs synchronously: {@link Inflater} drives the
 * handle behind `zlib.createInflateRaw()` (`_handle.writeSync`/`reset`, the calls `zlib.inflateRawSync`
 * makes, unchanged since Node 10) and falls back to one `inflateRawSync` per entry if they are missing.
 * Reuse saves ~3 µs of handle set-up per entry; a module zip has ~60 entries per 100 KB.
 */
import * as crypto from "node:crypto";
import { createHash, type Hash } from "node:crypto";
import { closeSync, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import * as zlib from "node:zlib";
import { type HashedFile, hash1 } from "./hash1.js";

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** One-shot SHA-256 (crypto.hash, Node ≥ 20.12), else through a Hash object. */
const hashOnce: (b: Buffer) => string =
  typeof crypto.hash === "function"
    ? (b) => crypto.hash("sha256", b, "hex")
    : (b) => createHash("sha256").update(b).digest("hex");

export class ZipError extends Error {
  readonly code = "BAD_ZIP";
}

/** Go refuses module zips above 500 MiB uncompressed (mod.md zip size constraints). */
export const MAX_ENTRY = 500 << 20;
/** Go refuses go.mod files above 16 MiB (mod.md zip size constraints); we stop capturing there too. */
export const MAX_GOMOD = 16 << 20;
/** Zips up to this size are read whole (one read into a reused buffer); larger ones entry by entry. */
export const WHOLE_READ_MAX = 16 << 20;
/** Read size for large zips and for the files of extracted trees. */
const CHUNK = 1 << 20;
/** Inflate output buffer: larger than most Go source files, so most entries inflate in one call. */
const OUT = 256 << 10;

/** One central-directory entry. */
export interface ZipEntry {
  name: Buffer;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** Random access to a zip: `read` returns a view valid until the next call. */
export interface ZipSource {
  readonly size: number;
  read(pos: number, len: number): Buffer;
}

export function bufferSource(buf: Buffer): ZipSource {
  return {
    size: buf.length,
    read: (pos, len) => {
      if (pos < 0 || pos + len > buf.length) throw new ZipError("zip structure beyond end of file");
      return buf.subarray(pos, pos + len);
    },
  };
}

/** Positioned reads from an open file through one scratch buffer (grown on demand). */
function fdSource(fd: number, size: number): ZipSource & { scratch: Buffer } {
  const src = {
    size,
    scratch: Buffer.allocUnsafe(CHUNK),
    read(pos: number, len: number): Buffer {
      if (pos < 0 || pos + len > size) throw new ZipError("zip structure beyond end of file");
      if (len > src.scratch.length) src.scratch = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const n = readSync(fd, src.scratch, got, len - got, pos + got);
        if (n === 0) throw new ZipError("zip file shrank while it was read");
        got += n;
      }
      return src.scratch.subarray(0, len);
    },
  };
  return src;
}

const u64 = (b: Buffer, off: number): number => {
  const v = b.readBigUInt64LE(off);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError("zip64 value out of range");
  return Number(v);
};

/** The offset of the end-of-central-directory record in `tail`, or -1 (its comment must fit). */
function findEnd(tail: Buffer): number {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (
      tail[i] === 0x50 &&
      tail.readUInt32LE(i) === 0x06054b50 &&
      i + 22 + tail.readUInt16LE(i + 20) <= tail.length
    )
      return i;
  }
  return -1;
}

/** Reads the central directory (end record, zip64 locator and record, every file header). */
export function readCentralDirectory(src: ZipSource): ZipEntry[] {
  const EOCD = 22;
  if (src.size < EOCD) throw new ZipError("not a zip file (too short)");
  // As Go's archive/zip: look in the last 1 KB first, then in the largest window a comment allows.
  let tail = Buffer.alloc(0);
  let e = -1;
  for (const window of [1024, EOCD + 0xffff + 20]) {
    const tailLen = Math.min(src.size, window);
    // Copied: the source's view may be overwritten by the next read.
    tail = Buffer.from(src.read(src.size - tailLen, tailLen));
    e = findEnd(tail);
    if (e >= 0 || tailLen === src.size) break;
  }
  if (e < 0) throw new ZipError("not a zip file (no end of central directory)");
  let disk = tail.readUInt16LE(e + 4);
  let count = tail.readUInt16LE(e + 10);
  let cdSize = tail.readUInt32LE(e + 12);
  let cdOffset = tail.readUInt32LE(e + 16);
  let zip64 = false;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff || disk === 0xffff) {
    const loc = e - 20;
    if (loc >= 0 && tail.readUInt32LE(loc) === 0x07064b50) {
      const recOff = u64(tail, loc + 8);
      const rec = src.read(recOff, 56);
      if (rec.readUInt32LE(0) !== 0x06064b50) throw new ZipError("bad zip64 end of central directory");
      disk = rec.readUInt32LE(16);
      count = u64(rec, 32);
      cdSize = u64(rec, 40);
      cdOffset = u64(rec, 48);
      zip64 = true;
    }
  }
  if (disk !== 0) throw new ZipError("multi-disk zip files are not supported");
  if (cdOffset + cdSize > src.size) throw new ZipError("central directory beyond end of file");
  // Each header is at least 46 bytes: a count the directory cannot hold is a lie, not an allocation.
  if (count * 46 > cdSize) throw new ZipError("central directory too small for its entry count");
  const cd = Buffer.from(src.read(cdOffset, cdSize));
  const out: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50) {
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cd.length) throw new ZipError("central directory entry beyond the directory");
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressedSize = cd.readUInt32LE(p + 24);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    if (
      uncompressedSize === 0xffffffff ||
      compressedSize === 0xffffffff ||
      localHeaderOffset === 0xffffffff
    ) {
      // zip64 extended information: only the fields whose 32-bit value is 0xffffffff, in this order.
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      let found = false;
      while (x + 4 <= xEnd) {
        const id = cd.readUInt16LE(x);
        const len = cd.readUInt16LE(x + 2);
        const d = x + 4;
        if (d + len > xEnd) break;
        if (id === 0x0001) {
          let q = d;
          const next = (): number => {
            if (q + 8 > d + len) throw new ZipError("zip64 extra field too short");
            const v = u64(cd, q);
            q += 8;
            return v;
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
          found = true;
          break;
        }
        x = d + len;
      }
      if (!found) throw new ZipError("zip64 sizes without a zip64 extra field");
    }
    out.push({
      name: cd.subarray(p + 46, p + 46 + nameLen),
      method: cd.readUInt16LE(p + 10),
      flags: cd.readUInt16LE(p + 8),
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
    p = end;
  }
  // Go checks the count modulo 2^16 for plain zips (the field is 16 bits wide), exactly for zip64.
  if (zip64 ? out.length !== count : (out.length & 0xffff) !== count)
    throw new ZipError("central directory entry count does not match its end record");
  return out;
}

interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  reset(): void;
  close(): void;
  onerror: (message: string, errno: number) => void;
}

/**
 * One raw-inflate stream reused for every entry; output goes through one fixed buffer to a sink.
 * `begin()` starts an entry, `push(chunk, last)` feeds its compressed bytes.
 */
export class Inflater {
  private handle: ZlibHandle | undefined;
  private state: Uint32Array | undefined;
  private readonly out = Buffer.allocUnsafe(OUT);
  private error: string | undefined;
  private fallback: Buffer[] | undefined;

  constructor() {
    this.open();
  }

  private open(): void {
    const z = zlib.createInflateRaw() as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array };
    const h = z._handle;
    if (h && typeof h.writeSync === "function" && typeof h.reset === "function" && z._writeState) {
      h.onerror = (message) => {
        this.error = message;
      };
      this.handle = h;
      this.state = z._writeState;
    } else {
      this.handle = undefined;
    }
  }

  begin(): void {
    this.error = undefined;
    if (this.handle) this.handle.reset();
    else this.fallback = [];
  }

  /**
   * Feeds compressed bytes; `sink` receives output views (valid only during the call). Throws a
   * {@link ZipError} on corrupt or truncated data (truncation shows when `last` is set).
   */
  push(chunk: Buffer, last: boolean, sink: (out: Buffer) => void): void {
    const h = this.handle;
    if (!h) {
      this.fallback!.push(Buffer.from(chunk));
      if (last) {
        let data: Buffer;
        try {
          data = zlib.inflateRawSync(Buffer.concat(this.fallback!), { maxOutputLength: MAX_ENTRY + 1 });
        } catch (err) {
          throw new ZipError(`corrupt deflate data: ${(err as Error).message}`);
        }
        this.fallback = [];
        sink(data);
      }
      return;
    }
    const st = this.state!;
    const flush = last ? zlib.constants.Z_FINISH : zlib.constants.Z_NO_FLUSH;
    let inOff = 0;
    let inLen = chunk.length;
    for (;;) {
      h.writeSync(flush, chunk, inOff, inLen, this.out, 0, OUT);
      if (this.error !== undefined) {
        const msg = this.error;
        // The stream is in an error state: start over with a fresh one.
        h.close();
        this.open();
        throw new ZipError(`corrupt deflate data: ${msg}`);
      }
      const availOut = st[0]!;
      const availIn = st[1]!;
      if (availOut < OUT) sink(this.out.subarray(0, OUT - availOut));
      inOff += inLen - availIn;
      inLen = availIn;
      // A full output buffer means more output may be pending, even with no input left.
      if (availOut !== 0) break;
    }
  }

  close(): void {
    this.handle?.close();
    this.handle = undefined;
  }
}

/** What hashing a zip yields: names (raw bytes) and hex SHA-256 of every entry, in directory order. */
export interface ZipDigests {
  names: Buffer[];
  digests: string[];
  /** Content of the entry named `want`, when there is one (and it is at most {@link MAX_GOMOD}). */
  keep?: Buffer;
}

/** Hashes every entry of `src`; `inflater` is reused across calls (one per thread). */
export function hashEntries(src: ZipSource, inflater: Inflater, want?: Buffer): ZipDigests {
  const entries = readCentralDirectory(src);
  const names: Buffer[] = [];
  const digests: string[] = [];
  let keep: Buffer | undefined;
  for (const e of entries) {
    if (e.flags & 0x1) throw new ZipError("encrypted zip entry");
    if (e.method !== 0 && e.method !== 8)
      throw new ZipError(`unsupported zip compression method ${e.method}`);
    if (e.uncompressedSize > MAX_ENTRY) throw new ZipError("zip entry larger than Go allows");
    const lh = src.read(e.localHeaderOffset, 30);
    if (lh.readUInt32LE(0) !== 0x04034b50) throw new ZipError("invalid local file header");
    const start = e.localHeaderOffset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
    if (start + e.compressedSize > src.size) throw new ZipError("zip entry data beyond end of file");
    const capture = want !== undefined && e.uncompressedSize <= MAX_GOMOD && e.name.equals(want);
    const parts: Buffer[] | undefined = capture ? [] : undefined;
    // Most entries arrive in one piece (the output buffer is larger than most files): hashed in one call,
    // without a Hash object; larger ones stream through one.
    let h: Hash | undefined;
    let whole: string | undefined;
    let produced = 0;
    const sink = (out: Buffer) => {
      const first = produced === 0;
      produced += out.length;
      if (produced > e.uncompressedSize) throw new ZipError("zip entry size does not match its header");
      if (first && produced === e.uncompressedSize) whole = hashOnce(out);
      else {
        h ??= createHash("sha256");
        h.update(out);
      }
      if (parts) parts.push(Buffer.from(out));
    };
    if (e.method === 0) {
      if (e.compressedSize !== e.uncompressedSize)
        throw new ZipError("zip entry size does not match its header");
      for (let off = 0; off < e.compressedSize; off += CHUNK)
        sink(src.read(start + off, Math.min(CHUNK, e.compressedSize - off)));
    } else {
      inflater.begin();
      let off = 0;
      do {
        const len = Math.min(CHUNK, e.compressedSize - off);
        inflater.push(src.read(start + off, len), off + len === e.compressedSize, sink);
        off += len;
      } while (off < e.compressedSize);
    }
    if (produced !== e.uncompressedSize) throw new ZipError("zip entry size does not match its header");
    names.push(e.name);
    digests.push(whole ?? h?.digest("hex") ?? EMPTY_SHA256);
    if (parts) keep = Buffer.concat(parts);
  }
  return keep ? { names, digests, keep } : { names, digests };
}

/** The `h1:` of a zip file and its size; read whole into `scratch.buf` (grown, reused) when small. */
export interface ZipFileHash {
  h1: string;
  bytes: number;
  goMod?: Buffer;
  files?: HashedFile[];
}

/** Per-thread reusable state: the inflater and the whole-file read buffer. */
export class HashContext {
  readonly inflater = new Inflater();
  private whole = Buffer.allocUnsafe(0);

  /** Hashes the zip at `file`; `want` names the entry returned as `goMod`; `files` also returns per-entry digests. */
  zipFile(file: string, want?: string, files = false): ZipFileHash {
    const fd = openSync(file, "r");
    try {
      const size = fstatSync(fd).size;
      let src: ZipSource;
      if (size <= WHOLE_READ_MAX) {
        if (this.whole.length < size) this.whole = Buffer.allocUnsafe(Math.max(size, 1 << 20));
        const buf = this.whole.subarray(0, size);
        let got = 0;
        while (got < size) {
          const n = readSync(fd, buf, got, size - got, got);
          if (n === 0) throw new ZipError("zip file shrank while it was read");
          got += n;
        }
        src = bufferSource(buf);
      } else {
        src = fdSource(fd, size);
      }
      const d = hashEntries(src, this.inflater, want === undefined ? undefined : Buffer.from(want));
      const list = d.names.map((name, i) => ({ name, sha256: d.digests[i]! }));
      const out: ZipFileHash = { h1: hash1(list), bytes: size };
      if (d.keep) out.goMod = d.keep;
      if (files) out.files = list;
      return out;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * `h1:` of an extracted module directory (dirhash `HashDir(dir, prefix)`): every non-directory under
   * `dir`, named `prefix/relpath`, read in chunks through the context's buffer.
   */
  dir(dir: string, prefix: string): string {
    const files: HashedFile[] = [];
    const walk = (rel: string): void => {
      for (const e of readdirSync(rel ? `${dir}/${rel}` : dir, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(r);
        else files.push({ name: Buffer.from(`${prefix}/${r}`), sha256: this.file(`${dir}/${r}`) });
      }
    };
    walk("");
    return hash1(files);
  }

  /** Hex SHA-256 of a file's content (follows symlinks, as Go's os.Open does). */
  file(path: string): string {
    const fd = openSync(path, "r");
    try {
      const h = createHash("sha256");
      if (this.whole.length < CHUNK) this.whole = Buffer.allocUnsafe(CHUNK);
      const buf = this.whole;
      let pos = 0;
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) break;
        h.update(buf.subarray(0, n));
        pos += n;
      }
      return h.digest("hex");
    } finally {
      closeSync(fd);
    }
  }
}
