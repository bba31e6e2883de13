/**
 * The exec tree of a recording: processes (pids, linked by the clone/fork/vfork that made them) and the
 * program images each one ran (one per successful exec). Built incrementally from {@link TraceEvent}s; a
 * child's events may arrive before its parent's `clone` returns, so links are made whenever both are known.
 *
 * For every image the tree knows its *caller*: the image whose code issued the exec — the previous image of
 * the same pid, or, for the first exec of a forked pid, the parent's image at the time of the fork (the
 * child ran a copy of it). The caller's exec-time environment against the image's is the ground truth of
 * what the caller changed in-process before exec'ing.
 */
import type { EnvEntry, EnvMap } from "../model/index.js";
import type { ExecEvent, TraceEvent } from "./parse.js";

export interface Image {
  /** Order of appearance in the trace (0 = the baseline). */
  seq: number;
  pid: number;
  /** The exec that started the image; undefined for a baseline (the environment envtrace passed on). */
  exec?: ExecEvent;
  /** The program: the exec'd path (the baseline: what was there before). */
  path: string;
  argv: string[];
  env: EnvMap;
  /** The environment was abbreviated or cut by strace: comparisons with it are not exact. */
  partial: boolean;
  time: number;
  caller: Image | null;
  /** The caller's code ran in this pid as a fork of the caller's own pid (a subshell, a fork before exec). */
  forked: boolean;
  proc: Proc;
  /** Failed exec attempts of this pid just before the image (PATH search: ENOENT, EACCES). */
  failed: Array<{ path: string; errno: string }>;
}

export interface Proc {
  pid: number;
  parent?: Proc;
  /** The parent's image when it forked this pid. */
  parentImage?: Image;
  forkTime?: number;
  images: Image[];
  exit?: { time: number; code?: number; signal?: string; core?: boolean };
  /** Failed execs not (yet) followed by a successful one. */
  failed: Array<{ path: string; errno: string }>;
}

/** Turns an env list into a map; like getenv(3), the first of duplicate keys wins. */
export function envMap(entries: readonly EnvEntry[]): EnvMap {
  const m: EnvMap = new Map();
  for (const e of entries) if (!m.has(e.key)) m.set(e.key, e);
  return m;
}

/**
 * The program an exec ran, for people and for resolvers: the path, or argv[0] when the path says nothing
 * (`execveat(fd, "", …, AT_EMPTY_PATH)`, runc's `/proc/self/exe` re-exec).
 */
export function programPath(e: ExecEvent): string {
  if ((e.path === "" || e.path.startsWith("/proc/self/") || /^\/dev\/fd\//.test(e.path)) && e.argv[0])
    return e.argv[0];
  return e.path;
}

export class ExecTree {
  readonly procs = new Map<number, Proc>();
  readonly images: Image[] = [];
  /** Thread ids → their process's pid. */
  private readonly threads = new Map<number, number>();
  /** The process started (or attached to) first; the tree's root. */
  root?: Proc;
  events = 0;
  failedExecs = 0;

  /**
   * @param baseline the environment the root received from outside (what envtrace passed to strace, or
   * the attached process's exec-time environment), with its program when known.
   */
  constructor(readonly baseline: Image) {
    this.images.push(baseline);
  }

  static baselineImage(
    pid: number,
    env: EnvMap,
    o: { path?: string; argv?: string[]; time?: number } = {},
  ): Image {
    const proc: Proc = { pid, images: [], failed: [] };
    const img: Image = {
      seq: 0,
      pid,
      path: o.path ?? "",
      argv: o.argv ?? [],
      env,
      partial: false,
      time: o.time ?? 0,
      caller: null,
      forked: false,
      proc,
      failed: [],
    };
    proc.images.push(img);
    return img;
  }

  private proc(pid: number): Proc {
    const tgid = this.threads.get(pid) ?? pid;
    let p = this.procs.get(tgid);
    if (!p) {
      p = { pid: tgid, images: [], failed: [] };
      this.procs.set(tgid, p);
      this.root ??= p;
    }
    return p;
  }

  /** The image `p` runs now: its last, or (a fork that has not exec'd) the parent's image at the fork. */
  current(p: Proc): Image | undefined {
    return p.images.at(-1) ?? p.parentImage ?? (p === this.root ? this.baseline : undefined);
  }

  add(e: TraceEvent): void {
    this.events++;
    switch (e.kind) {
      case "clone": {
        if (e.child === undefined) return;
        if (e.thread) {
          this.threads.set(e.child, this.threads.get(e.pid) ?? e.pid);
          return;
        }
        const parent = this.proc(e.pid);
        const child = this.proc(e.child);
        if (child === this.root && parent !== child) this.root = parent;
        child.parent = parent;
        child.forkTime = e.time;
        const at = this.current(parent);
        if (at) child.parentImage = at;
        // Images the child made before its parent's clone returned were callerless: link them now.
        const first = child.images[0];
        if (first && !first.caller && at) {
          first.caller = at;
          first.forked = true;
        }
        return;
      }
      case "exec": {
        const p = this.proc(e.pid);
        if (e.ret !== 0) {
          if (e.ret === undefined && e.errno === undefined) {
            // `= ?`: the process died in the call; nothing ran.
          }
          this.failedExecs++;
          p.failed.push({ path: e.path, errno: e.errno ?? "?" });
          return;
        }
        const caller = p.images.at(-1) ?? p.parentImage ?? (p === this.root ? this.baseline : null);
        const img: Image = {
          seq: this.images.length,
          pid: p.pid,
          exec: e,
          path: programPath(e),
          argv: e.argv,
          env: e.env ? envMap(e.env) : new Map(),
          partial: e.env === null || e.truncated,
          time: e.time,
          caller,
          forked: p.images.length === 0 && !!caller && caller !== this.baseline,
          proc: p,
          failed: p.failed,
        };
        p.failed = [];
        p.images.push(img);
        this.images.push(img);
        return;
      }
      case "exit": {
        const p = this.procs.get(this.threads.get(e.pid) ?? e.pid);
        if (!p || this.threads.has(e.pid)) return;
        p.exit = { time: e.time };
        if (e.code !== undefined) p.exit.code = e.code;
        if (e.signal) p.exit.signal = e.signal;
        if (e.core) p.exit.core = true;
        return;
      }
      default:
        return;
    }
  }

  /** Processes in order of appearance, root first. */
  processes(): Proc[] {
    return [...this.procs.values()];
  }

  /** The exec ancestry of an image, outermost (the baseline) first, ending with `img`. */
  ancestry(img: Image): Image[] {
    const out: Image[] = [];
    const seen = new Set<Image>();
    for (let i: Image | null = img; i && !seen.has(i); i = i.caller) {
      seen.add(i);
      out.push(i);
    }
    return out.reverse();
  }
}
