/**
 * The node agent (`envtrace agent`): one per node as a DaemonSet. Scans the node's processes on an interval,
 * explains only processes it has not seen (keyed by pid and start time, so a reused pid is a new process),
 * and hands each scan's new subjects to the caller as a Report. Keeps per-process counts for the metrics,
 * never the variables themselves: memory stays bounded by the number of live processes.
 */

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
  /** Subjects of processes new since the last scan (or every process on the first scan). */
  fresh: Subject[];
  /** Processes seen in this scan (new and old). */
  live: number;
  /** Processes gone since the last scan. */
  gone: number;
  issues: CollectionIssue[];
  durationMs: number;
}

export interface AgentOptions {
  root?: string;
  reveal?: boolean;
}

/** One incremental scanner; call `scan()` on every tick. */
export class ProcessScanner {
  private readonly seen = new Map<string, SeenProcess>();
  scans = 0;

  constructor(private readonly opts: AgentOptions = {}) {}

  /** What is known about the processes alive at the last scan. */
  processes(): IterableIterator<SeenProcess> {
    return this.seen.values();
  }

  async scan(): Promise<ScanResult> {
    const t0 = performance.now();
    // A session per scan: its memo tables (parsed startup files, unit files) do not grow without bound.
    const session = new ExplainSession({ root: this.opts.root, reveal: !!this.opts.reveal });
    const pids = await session.reader.listPids();
    const fresh: Subject[] = [];
    const alive = new Set<string>();
    const issues: CollectionIssue[] = [];
    for (const pid of pids) {
      const key = await this.keyOf(session, pid);
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
      fresh.push(subject);
    }
    let gone = 0;
    for (const k of [...this.seen.keys()]) {
      if (!alive.has(k)) {
        this.seen.delete(k);
        gone++;
      }
    }
    this.scans++;
    return { fresh, live: alive.size, gone, issues, durationMs: performance.now() - t0 };
  }

  /** `pid:starttime` from /proc/<pid>/stat (field 22), or undefined when the process is gone. */
  private async keyOf(session: ExplainSession, pid: number): Promise<string | undefined> {
    try {
      const stat = await session.fs.readFile(`/proc/${pid}/stat`);
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
