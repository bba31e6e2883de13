/**
 * procfs collector: reads a process's exec-time environment, identity and ancestry from `/proc`
 * (through a {@link HostFs}, so a fixture tree can stand in for the real `/proc`).
 *
 * Partial failure is data: a process that is unreadable (`EACCES`), vanished mid-read (`ENOENT`/`ESRCH`)
 * or a kernel thread (empty `environ`) yields `CollectionIssue`s, never an exception.
 */
import type { CollectionIssue, EnvMap, ProcessInfo, ProcessSnapshot } from "../model/index.js";
import { parseEnviron } from "./environ.js";
import { type HostFs, isErrno, issueFromError } from "./host-fs.js";

/** USER_HZ: the unit of `stat` times. It is 100 on every Linux architecture userspace sees. */
export const CLOCK_TICKS_PER_SECOND = 100;
const PF_KTHREAD = 0x00200000;
const MAX_DEPTH = 4096;

export interface ProcRead {
  snapshot: ProcessSnapshot | null;
  issues: CollectionIssue[];
  kernelThread: boolean;
}

/** Parses `/proc/<pid>/stat`; the comm may hold spaces and parentheses, so fields start after the last `)`. */
export function parseStat(text: string): {
  comm: string;
  ppid: number;
  ttyNr: number;
  flags: number;
  startTicks: number;
} | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const num = (field: number) => Number(rest[field - 3]);
  const ppid = num(4);
  const startTicks = num(22);
  if (!Number.isFinite(ppid) || !Number.isFinite(startTicks)) return null;
  return { comm: text.slice(open + 1, close), ppid, ttyNr: num(7) || 0, flags: num(9) || 0, startTicks };
}

export function parseStatus(text: string): { ppid?: number; uid?: number; name?: string } {
  const out: { ppid?: number; uid?: number; name?: string } = {};
  for (const line of text.split("\n")) {
    const [k, v] = [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()];
    if (k === "PPid") out.ppid = Number(v);
    else if (k === "Uid") out.uid = Number(v.split(/\s+/)[0]);
    else if (k === "Name") out.name = v;
  }
  return out;
}

export function parseCmdline(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes).toString("utf8");
  const parts = text.split("\0");
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Reads processes from one procfs, each at most once per reader (a scan shares ancestors). */
export class ProcReader {
  private readonly cache = new Map<number, Promise<ProcRead>>();
  private btime: Promise<number | undefined> | undefined;

  constructor(
    readonly fs: HostFs,
    readonly procRoot = "/proc",
  ) {}

  read(pid: number): Promise<ProcRead> {
    let p = this.cache.get(pid);
    if (!p) {
      p = this.readUncached(pid);
      this.cache.set(pid, p);
    }
    return p;
  }

  /**
   * Drops every process read so far. A long-lived reader (the agent's, one per session of many scans) calls it
   * before each scan: a pid seen earlier may now be another process, and its environ is not kept meanwhile.
   */
  forget(): void {
    this.cache.clear();
  }

  /** Boot time in seconds since the epoch (`btime` in `/proc/stat`). */
  bootTime(): Promise<number | undefined> {
    this.btime ??= this.fs
      .readFile(`${this.procRoot}/stat`)
      .then((b) => {
        const m = /^btime\s+(\d+)/m.exec(b.toString("utf8"));
        return m ? Number(m[1]) : undefined;
      })
      .catch(() => undefined);
    return this.btime;
  }

  async listPids(): Promise<number[]> {
    const names = await this.fs.readdir(this.procRoot);
    return names
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  }

  private readSafe<T>(read: () => T): { ok: true; value: T } | { ok: false; err: unknown } {
    try {
      return { ok: true, value: read() };
    } catch (err) {
      return { ok: false, err };
    }
  }

  private async readUncached(pid: number): Promise<ProcRead> {
    const btime = await this.bootTime();
    return this.readSync(pid, btime);
  }

  private readSync(pid: number, btime: number | undefined): ProcRead {
    const fs = this.fs;
    const base = `${this.procRoot}/${pid}`;
    const subject = `pid ${pid}`;
    const issues: CollectionIssue[] = [];
    const statRead = this.readSafe(() => fs.readFileSync(`${base}/stat`).toString("utf8"));
    if (!statRead.ok) {
      const gone = isErrno(statRead.err, "ENOENT") || isErrno(statRead.err, "ESRCH");
      issues.push(
        gone
          ? { subject, code: "ESRCH", detail: "the process does not exist or exited while it was being read" }
          : issueFromError(subject, statRead.err, "read stat"),
      );
      return { snapshot: null, issues, kernelThread: false };
    }
    const stat = parseStat(statRead.value);
    if (!stat) {
      issues.push({ subject, code: "PARSE", detail: "could not parse /proc/<pid>/stat" });
      return { snapshot: null, issues, kernelThread: false };
    }
    const kernelThread = (stat.flags & PF_KTHREAD) !== 0;
    const status = this.readSafe(() => parseStatus(fs.readFileSync(`${base}/status`).toString("utf8")));
    const cmdline = this.readSafe(() => parseCmdline(fs.readFileSync(`${base}/cmdline`)));
    const exe = kernelThread ? undefined : this.readSafe(() => fs.readlinkSync(`${base}/exe`));
    const cgroup = this.readSafe(() =>
      fs.readFileSync(`${base}/cgroup`).toString("utf8").split("\n").filter(Boolean),
    );
    const environ = kernelThread ? undefined : this.readSafe(() => fs.readFileSync(`${base}/environ`));
    const st = status.ok ? status.value : {};
    const info: ProcessInfo = {
      pid,
      ppid: st.ppid ?? stat.ppid,
      comm: st.name ?? stat.comm,
      cmdline: cmdline.ok ? cmdline.value : [],
      ttyNr: stat.ttyNr,
      startTicks: stat.startTicks,
      cgroup: cgroup.ok ? cgroup.value : [],
    };
    if (exe?.ok) info.exe = exe.value.replace(/ \(deleted\)$/, "");
    if (st.uid !== undefined) info.uid = st.uid;
    if (btime !== undefined) {
      info.startTime = new Date((btime + stat.startTicks / CLOCK_TICKS_PER_SECOND) * 1000).toISOString();
    }
    let env: EnvMap | null = null;
    if (kernelThread || !environ) {
      issues.push({ subject, code: "KTHREAD", detail: `kernel thread [${info.comm}] has no environment` });
    } else if (environ.ok) {
      const parsed = parseEnviron(environ.value);
      env = parsed.env;
      if (parsed.duplicates.length > 0) {
        issues.push({
          subject,
          code: "DUPLICATE_KEY",
          detail: `environ holds ${parsed.duplicates.length} duplicate key(s) (${parsed.duplicates.slice(0, 5).join(", ")}); the first occurrence is used, as getenv(3) does`,
        });
      }
      if (environ.value.length === 0 && info.cmdline.length === 0) {
        issues.push({ subject, code: "ESRCH", detail: "empty environ and cmdline: the process is exiting" });
      }
    } else {
      const err = environ.err;
      issues.push(
        isErrno(err, "ENOENT") || isErrno(err, "ESRCH")
          ? { subject, code: "ESRCH", detail: "the process exited while its environment was being read" }
          : issueFromError(subject, err, "read environ"),
      );
    }
    return { snapshot: { info, env }, issues, kernelThread };
  }

  /**
   * The ancestry of `pid`, outermost first (`[init, …, pid]`). Ancestors that cannot be read end the
   * chain at that point (with an issue); the target is always last when it is readable.
   */
  async ancestry(pid: number): Promise<{ chain: ProcessSnapshot[]; issues: CollectionIssue[] }> {
    const chain: ProcessSnapshot[] = [];
    const issues: CollectionIssue[] = [];
    const seen = new Set<number>();
    let current = pid;
    while (current > 0 && chain.length < MAX_DEPTH) {
      if (seen.has(current)) {
        issues.push({ subject: `pid ${pid}`, code: "CYCLE", detail: `parent chain loops at pid ${current}` });
        break;
      }
      seen.add(current);
      const r = await this.read(current);
      issues.push(...r.issues);
      if (!r.snapshot) break;
      chain.push(r.snapshot);
      current = r.snapshot.info.ppid;
    }
    return { chain: chain.reverse(), issues };
  }
}
