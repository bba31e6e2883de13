/**
 * The node agent (`envtrace agent`): one per node as a DaemonSet. Scans the node's processes on an interval,
 * explains only processes it has not seen (keyed by pid and start time, so a reused pid is a new process),
 * and hands each scan's new subjects to the caller as a Report. Keeps per-process counts for the metrics,
 * never the variables themselves: memory stays bounded by the number of live processes.
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ExplainSession } from "../explain.js";
import type { CollectionIssue, Subject } from "../model/index.js";
import { explainSubject } from "../report/build.js";
import { summarize } from "../report/summary.js";

/** What the agent remembers of a process between scans. */
export interface SeenProcess {
  key: string;
  pid: number;
  variables: number;
  unknown: number;
  secrets: number;
  byKind: Record<string, number>;
  findings: Partial<Record<string, number>>;
}

export interface ScanResult {
  /** Processes explained in this scan (new since the last scan, or every process on the first). */
  explained: number;
  /** Collection issues of the processes explained. */
  issueCodes: CollectionIssue["code"][];
  /** Processes seen in this scan (new and old). */
  live: number;
  /** Processes gone since the last scan. */
  gone: number;
  durationMs: number;
}

/** Receives the subjects of new processes, a batch at a time (memory stays bounded on the first scan). */
export type BatchSink = (subjects: Subject[]) => Promise<void>;

/** Scans reuse one session (parsed startup files, unit files) for this many scans, then start afresh. */
const SESSION_SCANS = 20;
const BATCH = 64;

export interface AgentOptions {
  root?: string;
  reveal?: boolean;
}

/** One incremental scanner; call `scan()` on every tick. */
export class ProcessScanner {
  private readonly seen = new Map<string, SeenProcess>();
  private session: ExplainSession | undefined;
  scans = 0;

  constructor(private readonly opts: AgentOptions = {}) {}

  /** What is known about the processes alive at the last scan. */
  processes(): IterableIterator<SeenProcess> {
    return this.seen.values();
  }

  async scan(sink: BatchSink = async () => {}): Promise<ScanResult> {
    const t0 = performance.now();
    // One session serves a few scans (its memo tables hold parsed startup files), then is dropped, so
    // that memory does not grow with the files ever seen.
    if (!this.session || this.scans % SESSION_SCANS === 0) {
      this.session = new ExplainSession({ root: this.opts.root, reveal: !!this.opts.reveal });
    }
    const session = this.session;
    // Within a session a pid may now be another process: re-read every process (and ancestor) each scan.
    session.reader.forget();
    const pids = await session.reader.listPids();
    let batch: Subject[] = [];
    let explained = 0;
    const alive = new Set<string>();
    const issueCodes: CollectionIssue["code"][] = [];
    for (const pid of pids) {
      const key = this.keyOf(session, pid);
      if (key === undefined) continue; // exited before it could be read
      alive.add(key);
      if (this.seen.has(key)) continue;
      const r = await session.explain(pid);
      // Kernel threads have no environment: not processes for this purpose.
      if (r.issues.some((i) => i.code === "KTHREAD") && r.variables.length === 0) {
        this.seen.set(key, { key, pid, variables: 0, unknown: 0, secrets: 0, byKind: {}, findings: {} });
        continue;
      }
      const subject = explainSubject(r);
      const s = summarize([subject]);
      this.seen.set(key, {
        key,
        pid,
        variables: s.variables,
        unknown: s.unknown,
        secrets: s.secrets,
        byKind: s.byKind,
        findings: s.findings,
      });
      for (const i of subject.issues) issueCodes.push(i.code);
      explained++;
      batch.push(subject);
      if (batch.length >= BATCH) {
        await sink(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await sink(batch);
    let gone = 0;
    for (const k of [...this.seen.keys()]) {
      if (!alive.has(k)) {
        this.seen.delete(k);
        gone++;
      }
    }
    this.scans++;
    return { explained, issueCodes, live: alive.size, gone, durationMs: performance.now() - t0 };
  }

  /** `pid:starttime` from /proc/<pid>/stat (field 22), or undefined when the process is gone. */
  private keyOf(session: ExplainSession, pid: number): string | undefined {
    try {
      // Synchronous: thousands of tiny procfs reads per scan; a promise each costs more than the read.
      const stat = session.fs.readFileSync(`/proc/${pid}/stat`);
      const text = stat.toString("latin1");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      return `${pid}:${fields[19] ?? "?"}`;
    } catch {
      return undefined;
    }
  }
}

/** The next delay: the interval, or twice the last scan's duration when a scan overran it (back-off). */
export function nextDelay(intervalMs: number, lastScanMs: number): number {
  return lastScanMs > intervalMs ? Math.min(2 * lastScanMs, 10 * intervalMs) : intervalMs;
}

/**
 * Bounds the heap of a long-running agent process (issue 15: < 100 MB RSS in the steady state) and returns
 * the collection to run after each scan. Call it once, before the first scan, in the agent's own process.
 *
 * Two things held the RSS at 160–250 MB while the live heap was ~17 MB: (1) the young generation grows up to
 * `--max-semi-space-size` (64 MB in bin/envtrace.js, for one-shot scans) during the first scan and V8 never
 * shrinks it back (measured on Node 20, 22, 24: 128 MB of semispaces stay committed after any GC); the growth
 * factor is read each time the space grows, so setting it to 1 at run time keeps the initial 1 MB semispaces;
 * (2) what a scan promotes stays in old space until V8's next major GC, which its limits put minutes away; a
 * full collection after each scan (~20 ms of CPU for the ~17 MB live heap: < 0.1% of a core at 30 s)
 * returns those pages.
 */
export function boundAgentHeap(): () => void {
  setFlagsFromString("--semi-space-growth-factor=1");
  // `--expose-gc` set at run time installs `gc` in contexts created afterwards: one, never the main global.
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  setFlagsFromString("--no-expose-gc");
  return () => gc();
}
