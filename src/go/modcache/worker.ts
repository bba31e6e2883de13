/**
 * The worker thread of {@link HashPool} (pool.ts): hashes module zips and extracted trees with the
 * synchronous core of zipread.ts, one job at a time, reusing one inflater and one read buffer.
 * Loaded as compiled JavaScript from dist/, or as TypeScript through tsx's require hook from src/
 * (vitest, tsx); it must not use `import.meta`, which that hook's CommonJS output lacks.
 */
import { parentPort } from "node:worker_threads";
import type { WorkerReply, WorkerRequest } from "./pool.js";
import { HashContext } from "./zipread.js";

const ctx = new HashContext();
const port = parentPort;
if (!port) throw new Error("modcache worker: not started as a worker thread");

/** One job; failures become the reply's error (and code), never an exception. */
function run(job: WorkerRequest): WorkerReply {
  let reply: WorkerReply;
  try {
    if (job.op === "zip") {
      const r = ctx.zipFile(job.file, job.want, job.files);
      reply = { id: job.id, h1: r.h1, bytes: r.bytes };
      // Own buffers only: a pooled Buffer would carry its whole 8 KB slab across.
      if (r.goMod) reply.goMod = new Uint8Array(r.goMod);
      // Names as latin1 strings (byte-exact), digests as hex: cheaper to clone than 70k small buffers.
      if (r.files) reply.files = r.files.map((f) => [f.name.toString("latin1"), f.sha256]);
    } else {
      reply = { id: job.id, h1: ctx.dir(job.dir, job.prefix) };
    }
  } catch (err) {
    const e = err as { message?: unknown; code?: unknown };
    reply = { id: job.id, error: String(e?.message ?? err) };
    if (typeof e?.code === "string") reply.code = e.code;
  }
  return reply;
}

// A batch of jobs in one message, their replies in one message, in the same order (a single job, as an
// older pool in a stale build posts it, gets a single reply).
port.on("message", (jobs: WorkerRequest[] | WorkerRequest) => {
  port.postMessage(Array.isArray(jobs) ? jobs.map(run) : run(jobs));
});
