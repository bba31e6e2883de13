/**
 * A worker-thread pool that hashes module zips and extracted module trees (worker.ts), one module per job,
 * so that every core inflates and hashes while the main thread only lists the cache and compares hashes.
 * Workers read the files themselves; nothing but paths and hashes crosses threads.
 *
 * Where the worker code is: compiled JavaScript next to this file in dist/ (`dist/go/modcache/worker.js`),
 * reached from the bundled CLI (`dist/bundle/…`) by its path inside dist/; from source (vitest, tsx) it is
 * `worker.ts`, loaded through tsx's in-thread require hook, because Node 20 does not hand module loader hooks
 * on to worker threads. When neither can be found, {@link HashPool.create} returns undefined and callers hash
 * in their own thread with the same code.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { HashedFile } from "./hash1.js";

export type WorkerRequest =
  | { id: number; op: "zip"; file: string; want?: string; files?: boolean }
  | { id: number; op: "dir"; dir: string; prefix: string };

export interface WorkerReply {
  id: number;
  h1?: string;
  bytes?: number;
  goMod?: Uint8Array;
  files?: Array<[string, string]>;
  error?: string;
  code?: string;
}

export interface ZipJobResult {
  h1: string;
  /** Size of the zip file. */
  bytes: number;
  goMod?: Buffer;
  files?: HashedFile[];
}

/** An error from a worker, with the code (`ENOENT`, `EACCES`, `BAD_ZIP`…) of the original. */
export class WorkerJobError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Batches posted to one worker at a time. */
const DEPTH = 2;
/**
 * Jobs per message at most. One message per module cost a wake-up of each thread per module (on a loaded
 * 2-core machine, a context switch each); jobs queued in the same turn of the event loop go as one message
 * and come back as one.
 */
const BATCH = 8;

type Pending = { req: WorkerRequest; resolve: (r: WorkerReply) => void; reject: (e: Error) => void };

/** How to start a worker from where this module was loaded, or undefined. */
export function workerEntry(): { file: string | URL; eval: boolean } | undefined {
  const here = import.meta.url;
  // dist/go/modcache/pool.js → ./worker.js; dist/bundle/cli.js → ../go/…; dist/bundle/chunks/x.js → ../../go/….
  for (const rel of ["./worker.js", "../go/modcache/worker.js", "../../go/modcache/worker.js"]) {
    const u = new URL(rel, here);
    if (u.protocol === "file:" && existsSync(u)) return { file: u, eval: false };
  }
  const ts = new URL("./worker.ts", here);
  if (ts.protocol !== "file:" || !existsSync(ts)) return undefined;
  let api: string;
  try {
    api = createRequire(here).resolve("tsx/cjs/api");
  } catch {
    return undefined;
  }
  const file = fileURLToPath(ts);
  return {
    file: `require(${JSON.stringify(api)}).require(${JSON.stringify(file)}, ${JSON.stringify(file)});`,
    eval: true,
  };
}

export class HashPool {
  private readonly workers: Worker[] = [];
  private readonly queue: Pending[] = [];
  /** Batches posted to each worker, oldest first (a worker answers in order, a batch in one message). */
  private readonly running = new Map<Worker, Pending[][]>();
  private nextId = 0;
  private closed = false;
  private pumpScheduled = false;

  private constructor(
    private readonly entry: { file: string | URL; eval: boolean },
    readonly size: number,
  ) {}

  /** A pool of `size` workers (default: one per core, at most 8), or undefined if no worker code is found. */
  static create(size = Math.max(1, Math.min(availableParallelism(), 8))): HashPool | undefined {
    const entry = workerEntry();
    return entry ? new HashPool(entry, size) : undefined;
  }

  /** Jobs worth keeping in flight so that every worker always has a full batch queued behind its current one. */
  get capacity(): number {
    return this.size * (DEPTH + 1) * BATCH;
  }

  /** Starts the workers now (their start-up then overlaps the caller's own work, such as listing). */
  warm(): void {
    while (!this.closed && this.workers.length < this.size) this.spawn();
  }

  /** `h1:` of the zip at `file`; `want` names the entry returned as `goMod`; `files` adds per-entry digests. */
  async zip(file: string, want?: string, files = false): Promise<ZipJobResult> {
    const req: WorkerRequest = { id: this.nextId++, op: "zip", file };
    if (want !== undefined) req.want = want;
    if (files) req.files = true;
    const r = await this.run(req);
    const out: ZipJobResult = { h1: r.h1!, bytes: r.bytes! };
    if (r.goMod) out.goMod = Buffer.from(r.goMod.buffer, r.goMod.byteOffset, r.goMod.byteLength);
    if (r.files) out.files = r.files.map(([name, sha256]) => ({ name: Buffer.from(name, "latin1"), sha256 }));
    return out;
  }

  /** `h1:` of the extracted tree `dir`, names prefixed with `prefix/` (dirhash HashDir). */
  async dir(dir: string, prefix: string): Promise<string> {
    return (await this.run({ id: this.nextId++, op: "dir", dir, prefix })).h1!;
  }

  private run(req: WorkerRequest): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new Error("hash pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.schedulePump();
    });
  }

  private spawn(): Worker {
    const w = new Worker(this.entry.file, { eval: this.entry.eval, stdout: false, stderr: false });
    w.on("message", (replies: WorkerReply[]) => {
      const batch = this.running.get(w)?.shift() ?? [];
      for (let i = 0; i < batch.length; i++) {
        const m = replies[i];
        const job = batch[i]!;
        if (!m) job.reject(new Error("hash worker answered fewer jobs than it was given"));
        else if (m.error !== undefined) job.reject(new WorkerJobError(m.error, m.code));
        else job.resolve(m);
      }
      this.schedulePump();
    });
    // A worker that dies (out of memory, a failed start) fails its job; the next job starts a new one.
    const gone = (err: Error) => {
      const i = this.workers.indexOf(w);
      if (i < 0) return;
      this.workers.splice(i, 1);
      const batches = this.running.get(w) ?? [];
      this.running.delete(w);
      for (const job of batches.flat()) job.reject(err);
      if (!this.closed) this.pump();
    };
    w.on("error", gone);
    w.on("exit", (code) => gone(new Error(`hash worker exited with code ${code}`)));
    this.workers.push(w);
    this.running.set(w, []);
    return w;
  }

  /**
   * Runs {@link pump} once the jobs of this turn of the event loop are queued (the callers woken by one
   * batch's answers queue their next jobs in the same turn), so that they go out as one batch.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /**
   * Hands queued jobs to workers in batches of up to {@link BATCH}, up to {@link DEPTH} batches each: a
   * worker that finishes one starts the next without waiting for this thread to be scheduled (on a busy
   * machine that wait left workers idle a fifth of the time).
   */
  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let best: Worker | undefined;
      let load = DEPTH;
      for (const w of this.workers) {
        const n = this.running.get(w)!.length;
        if (n < load) {
          best = w;
          load = n;
        }
      }
      if (load > 0 && this.workers.length < this.size) best = this.spawn();
      if (!best) return;
      const batch = this.queue.splice(0, BATCH);
      this.running.get(best)!.push(batch);
      best.postMessage(batch.map((j) => j.req));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const ws = [...this.workers];
    this.workers.length = 0;
    this.running.clear();
    for (const job of this.queue.splice(0)) job.reject(new Error("hash pool is closed"));
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
