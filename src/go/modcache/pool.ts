/**
 * A small worker-thread pool that inflates and SHA-256-hashes the entries of module zips, so that hashing
 * uses every core (the main thread only parses zip directories with yauzl). The worker is plain Node code
 * (zlib + crypto) given as a string, so it runs the same from src/ under vitest/tsx and from dist/.
 * Inflation is capped at each entry's declared size + 1 (a zip bomb cannot make a worker allocate more).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

const WORKER = `
const { parentPort } = require("node:worker_threads");
const { inflateRawSync } = require("node:zlib");
const { createHash } = require("node:crypto");
parentPort.on("message", ({ id, buf, entries, want }) => {
  try {
    const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const digests = [];
    let keep;
    for (let i = 0; i < entries.length; i++) {
      const [s, e, m, size] = entries[i];
      const raw = b.subarray(s, e);
      let data;
      if (m === 0) data = raw;
      else if (m === 8) data = inflateRawSync(raw, { maxOutputLength: Math.max(1, size + 1) });
      else throw new Error("unsupported zip compression method " + m);
      if (data.length !== size) throw new Error("zip entry size does not match its header");
      digests.push(createHash("sha256").update(data).digest("hex"));
      if (i === want) keep = Buffer.from(data);
    }
    parentPort.postMessage({ id, digests, keep });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

/** [dataStart, dataEnd, compressionMethod, uncompressedSize] of one entry inside the zip buffer. */
export type EntrySpan = [number, number, number, number];

interface Job {
  id: number;
  buf: Uint8Array;
  entries: EntrySpan[];
  want: number;
  resolve: (r: { digests: string[]; keep?: Buffer }) => void;
  reject: (e: Error) => void;
}

export class HashPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<number, Job>();
  private nextId = 0;

  constructor(readonly size = Math.max(1, Math.min(availableParallelism(), 8))) {}

  /** Hashes the entries of `buf` (transferred to the worker; do not use it afterwards). */
  hash(buf: Buffer, entries: EntrySpan[], want = -1): Promise<{ digests: string[]; keep?: Buffer }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, buf, entries, want, resolve, reject });
      this.pump();
    });
  }

  private spawn(): Worker {
    const w = new Worker(WORKER, { eval: true });
    w.on("message", (m: { id: number; digests?: string[]; keep?: Uint8Array; error?: string }) => {
      const job = this.running.get(m.id);
      this.running.delete(m.id);
      this.idle.push(w);
      if (job) {
        if (m.error !== undefined || !m.digests) job.reject(new Error(m.error ?? "worker failed"));
        else job.resolve(m.keep ? { digests: m.digests, keep: Buffer.from(m.keep) } : { digests: m.digests });
      }
      this.pump();
    });
    w.on("error", (err) => {
      for (const [id, job] of this.running) {
        this.running.delete(id);
        job.reject(err);
      }
    });
    this.workers.push(w);
    return w;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const w = this.idle.pop() ?? (this.workers.length < this.size ? this.spawn() : undefined);
      if (!w) return;
      const job = this.queue.shift()!;
      this.running.set(job.id, job);
      // Transfer the bytes when the buffer owns its whole ArrayBuffer; copy otherwise.
      const own = job.buf.byteOffset === 0 && job.buf.byteLength === job.buf.buffer.byteLength;
      const buf = own ? job.buf : new Uint8Array(job.buf);
      w.postMessage({ id: job.id, buf, entries: job.entries, want: job.want }, [buf.buffer as ArrayBuffer]);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }
}
