/**
 * A worker-thread pool that hashes module zips: each worker parses the zip's central directory with yauzl
 * (from memory; the fixed local header it reads itself), inflates every entry with zlib and SHA-256-hashes it, so that all cores
 * work and the main thread only reads files. The worker is plain CommonJS given as a string (it loads yauzl
 * by its resolved path), so it runs the same from src/ under vitest/tsx and from dist/. Inflation is capped
 * at each entry's declared size + 1, so a zip bomb cannot make a worker allocate more than the zip claims;
 * the output chunk is sized to the entry (one allocation, about twice as fast as 16 KB chunks for Go files).
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { inflateRawSync } = require("node:zlib");
const { createHash } = require("node:crypto");
const yauzl = require(workerData.yauzl);
const MAX_ENTRY = 500 * 1024 * 1024;
function hashZip(b, want, done) {
  yauzl.fromBuffer(b, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zf) => {
    if (err) return done(err);
    const names = [], digests = [];
    let keep, failed = false;
    const fail = (e) => { if (!failed) { failed = true; done(e); } };
    zf.on("error", fail);
    zf.on("end", () => { if (!failed) done(null, { names, digests, keep }); });
    zf.on("entry", (entry) => {
      if (entry.isEncrypted()) return fail(new Error("encrypted zip entry"));
      if (entry.uncompressedSize > MAX_ENTRY) return fail(new Error("zip entry larger than Go allows"));
      // The local header's fixed part (what yauzl's readLocalFileHeader {minimal} reads), from memory:
      // its async round trip per entry cost more than inflating a small Go file.
      try {
        const off = entry.relativeOffsetOfLocalHeader;
        if (off + 30 > b.length || b.readUInt32LE(off) !== 0x04034b50) throw new Error("invalid local file header");
        const start = off + 30 + b.readUInt16LE(off + 26) + b.readUInt16LE(off + 28);
        const end = start + entry.compressedSize;
        if (end > b.length) throw new Error("zip entry data beyond end of file");
        const raw = b.subarray(start, end);
        const m = entry.compressionMethod, size = entry.uncompressedSize;
        let data;
        if (m === 0) data = raw;
        else if (m === 8) data = inflateRawSync(raw, { maxOutputLength: Math.max(1, size + 1), chunkSize: Math.max(64, Math.min(size + 1, 67108864)) });
        else throw new Error("unsupported zip compression method " + m);
        if (data.length !== size) throw new Error("zip entry size does not match its header");
        const name = entry.fileName;
        names.push(name);
        digests.push(createHash("sha256").update(data).digest("hex"));
        if (want && size <= 16 * 1024 * 1024 && Buffer.compare(name, want) === 0) keep = Buffer.from(data);
      } catch (e) { return fail(e); }
      zf.readEntry();
    });
    zf.readEntry();
  });
}
parentPort.on("message", ({ id, buf, want }) => {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  hashZip(b, want ? Buffer.from(want) : undefined, (err, r) => {
    if (err) parentPort.postMessage({ id, error: String((err && err.message) || err) });
    else parentPort.postMessage({ id, names: r.names, digests: r.digests, keep: r.keep });
  });
});
`;

export interface PoolResult {
  names: Buffer[];
  digests: string[];
  keep?: Buffer;
}

interface Job {
  id: number;
  buf: Uint8Array;
  want?: string;
  resolve: (r: PoolResult) => void;
  reject: (e: Error) => void;
}

export class HashPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<Worker, Job>();
  private nextId = 0;
  private readonly yauzlPath = createRequire(import.meta.url).resolve("yauzl");

  constructor(readonly size = Math.max(1, Math.min(availableParallelism(), 8))) {}

  /** Hashes every entry of the zip in `buf` (transferred to a worker; do not use it afterwards). */
  hash(buf: Buffer, want?: string): Promise<PoolResult> {
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, buf, resolve, reject };
      if (want !== undefined) job.want = want;
      this.queue.push(job);
      this.pump();
    });
  }

  private spawn(): Worker {
    const w = new Worker(WORKER, { eval: true, workerData: { yauzl: this.yauzlPath } });
    w.on("message", (m: { digests?: string[]; names?: Uint8Array[]; keep?: Uint8Array; error?: string }) => {
      const job = this.running.get(w);
      this.running.delete(w);
      this.idle.push(w);
      if (job) {
        if (m.error !== undefined || !m.digests || !m.names)
          job.reject(new Error(m.error ?? "worker failed"));
        else {
          const r: PoolResult = { names: m.names.map((n) => Buffer.from(n)), digests: m.digests };
          if (m.keep) r.keep = Buffer.from(m.keep);
          job.resolve(r);
        }
      }
      this.pump();
    });
    w.on("error", (err) => {
      const job = this.running.get(w);
      this.running.delete(w);
      job?.reject(err);
    });
    this.workers.push(w);
    return w;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const w = this.idle.pop() ?? (this.workers.length < this.size ? this.spawn() : undefined);
      if (!w) return;
      const job = this.queue.shift()!;
      this.running.set(w, job);
      // Transfer the bytes when the buffer owns its whole ArrayBuffer; copy otherwise.
      const own = job.buf.byteOffset === 0 && job.buf.byteLength === job.buf.buffer.byteLength;
      const buf = own ? job.buf : new Uint8Array(job.buf);
      w.postMessage({ id: job.id, buf, want: job.want }, [buf.buffer as ArrayBuffer]);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }
}
