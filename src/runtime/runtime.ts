/**
 * The in-process runtime: `init()` once at start-up, then `sourceOf(key)`, `explainAll()`, `snapshot()`,
 * `drift()` from anywhere. Start-up stays cheap: init reads `process.env` once and installs the guard;
 * `/proc/self/environ`, the pre-init attribution and the sealed snapshot (keyed digests, never values) are
 * made on the first look, from what init captured; the host attribution engine (shell, systemd,
 * containers, Kubernetes …) and the secret rules are imported on the first query only. This file also
 * holds the `/proc/self/environ` reader and sealing, and the process's one runtime (`init`): register
 * loads this module, the guard and dotenv.ts only.
 */
import { DotenvFiles, dotenvCandidates, dotenvLikeFiles, loadedLoaders } from "./dotenv.js";
import { EnvGuard } from "./guard.js";
import type {
  AuditSink,
  DriftItem,
  EnvChange,
  ExplainedVariable,
  GuardMode,
  InitOptions,
  RuntimeAuditEvent,
  RuntimeSnapshot,
  SnapshotVariable,
  Source,
} from "./types.js";

/** Builtins through process.getBuiltinModule: an ESM `import` of node:fs/node:path costs start-up (~2 ms). */
const fs = () => process.getBuiltinModule("node:fs");
const path = () => process.getBuiltinModule("node:path");

type Env = Record<string, string | undefined>;

/** At most this many changes are kept per key (the oldest are dropped; counts stay exact). */
const MAX_CHANGES_PER_KEY = 64;

const UNKNOWN_EVIDENCE = "no attribution was available for this variable";

function siteText(c: EnvChange): string {
  if (!c.site) return "an unknown site";
  return `${c.site.file}:${c.site.line}${c.site.fn ? ` (${c.site.fn})` : ""}`;
}

export class Runtime {
  readonly pid = process.pid;
  readonly guardMode: GuardMode;
  readonly cwd: string;
  private readonly sink: AuditSink | undefined;
  private readonly digester = new ValueDigester();
  private readonly guard: EnvGuard;
  private readonly history: RuntimeSnapshot[] = [];
  /** When init ran (ms since the epoch; formatted on first look: the first toISOString costs ~0.2 ms). */
  private readonly takenAtMs = Date.now();
  private takenAtIso: string | undefined;
  /** The live environment at init, in the real object's order (private: never exposed, never logged). */
  private readonly captured: ReadonlyMap<string, string>;
  /** `/proc/self/environ` and the pre-init analysis, made on first look (see `preInitState`). */
  private pre: { exec: ReadonlyMap<string, string> | null; keys: string[] } | undefined;
  /** Dotenv loaders loaded when init ran (what pre-init variables are attributed against). */
  private readonly loadersAtInit: string[];
  private readonly notesList: string[] = [];
  /** Builds the init snapshot from what init captured; run once, on first use. */
  private pendingInit: (() => RuntimeSnapshot) | undefined;
  /** Live values when the latest snapshot was sealed (private: never exposed, never logged). */
  private baseline: Map<string, string>;
  /** Values as last observed, to find changes that bypassed the guard. */
  private observed: Map<string, string>;
  private readonly preInit = new Map<string, Source>();
  private readonly changeLog = new Map<string, EnvChange[]>();
  private host: Promise<Map<string, Source>> | undefined;
  private readonly recheckMs: number;
  private lastFullCheck = Date.now();
  private seenVersion = 0;
  private driftNow = false;
  private servedGeneration = 0;
  private generation = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Start-up stays cheap: init reads `process.env` once (into the snapshot's captured values and the
   * guard's mirror) and installs the guard. What only a look at the result needs — `/proc/self/environ`,
   * which variables changed before init and their dotenv files, hashing — is done on the first look, from
   * what init captured (the kernel's copy of the exec-time environment does not change afterwards).
   */
  constructor(private readonly opts: InitOptions = {}) {
    this.guardMode = opts.guard ?? "proxy";
    this.sink = opts.sink;
    this.cwd = opts.cwd ?? process.cwd();
    this.recheckMs = opts.recheckMs ?? 1000;
    const real = process.env as Env;
    const live = liveMap(real);
    this.captured = live;
    this.baseline = live;
    this.observed = new Map(live);
    this.loadersAtInit = loadedLoaders();

    // Sealing needs node:crypto (a large module to load): the captured values and sources are kept
    // privately, unchanged, and hashed on the first look at the snapshot, with the same result as at init.
    this.pendingInit = () => {
      const { exec } = this.preInitState();
      const sources = this.preInit;
      const variables: SnapshotVariable[] = [...live.keys()].sort().map((k) => {
        const pi = sources.get(k);
        const sv: SnapshotVariable = {
          key: k,
          digest: this.digester.digest(k, live.get(k) ?? ""),
          origin: pi ? (exec?.has(k) ? "changed-pre-init" : "pre-init") : "exec",
        };
        if (pi) sv.source = pi;
        return sv;
      });
      return sealSnapshot({ prev: null, pid: this.pid, takenAt: this.takenAt, label: "init", variables });
    };

    this.guard = new EnvGuard(real, (c) => this.recordChange(c));
    this.guard.install(this.guardMode, live);
    // Reads through the guard come from its mirror: re-read the real environment every recheckMs, so a
    // write that bypassed the guard shows in process.env reads within that time even with no middleware.
    if (this.guard.installed && this.recheckMs > 0) {
      this.timer = setInterval(() => this.observe(), this.recheckMs);
      this.timer.unref();
    }
    if (this.sink)
      this.emit("runtime-init", {
        snapshot: this.snapshot().id,
        guard: this.guardMode,
        variables: live.size,
        preInit: this.preInitState().keys.length,
      });
  }

  /** When init ran (ISO 8601). */
  get takenAt(): string {
    this.takenAtIso ??= new Date(this.takenAtMs).toISOString();
    return this.takenAtIso;
  }

  /** The exec-time environment (`/proc/self/environ`), or null when procfs could not be read. */
  get execEnv(): ReadonlyMap<string, string> | null {
    return this.preInitState().exec;
  }

  /** Why some answers are weaker than they could be (procfs unreadable, engine unavailable); said once each. */
  get notes(): string[] {
    this.preInitState();
    return this.notesList;
  }

  /**
   * Reads `/proc/self/environ` and attributes the variables that differ from it in the environment init
   * captured (set or changed in-process before init: a dotenv file:line, or `runtime`). Once.
   */
  private preInitState(): { exec: ReadonlyMap<string, string> | null; keys: string[] } {
    if (this.pre) return this.pre;
    const live = this.captured;
    const execEnv = readExecEnviron(this.opts.procRoot);
    if (!execEnv)
      this.notesList.push("/proc/self/environ could not be read: every variable is treated as exec-time");
    const exec = execEnv ?? live;
    const keys = [...live.keys()].filter((k) => exec.get(k) !== live.get(k));
    this.pre = { exec: execEnv, keys };
    if (keys.length === 0) return this.pre;
    const opts = this.opts;
    const files = new DotenvFiles(dotenvCandidates(Object.fromEntries(live), this.cwd, opts.dotenvFiles));
    const loaders = this.loadersAtInit;
    const loader = loaders.length === 1 ? loaders[0] : undefined;
    let likeFiles: DotenvFiles | undefined;
    for (const k of keys) {
      const v = live.get(k) ?? "";
      let fromFile = files.attribute(k, v, loader, undefined, false);
      if (!fromFile && loaders.length > 0) {
        likeFiles ??= new DotenvFiles(
          dotenvLikeFiles([this.cwd]).map((file) => ({ file, reader: loader ?? "dotenv" })),
        );
        fromFile = likeFiles.attribute(k, v, loader, undefined, false);
      }
      if (fromFile) {
        if (loaders.length > 0)
          fromFile.evidence.push(`loaders loaded in this process: ${loaders.join(", ")}`);
        fromFile.evidence.push(
          exec.has(k) ? "differs from /proc/self/environ: changed before init" : "not in /proc/self/environ",
        );
        this.preInit.set(k, fromFile);
      } else {
        this.preInit.set(k, {
          kind: "runtime",
          mechanism: "process.env",
          actor: this.actor(),
          confidence: "likely",
          evidence: [
            exec.has(k)
              ? "differs from /proc/self/environ: changed in-process before envtrace.init()"
              : "not in /proc/self/environ: set in-process before envtrace.init()",
            "no dotenv file read by dotenv, dotenvx, dotenv-flow or --env-file assigns this value; the call site was not seen",
          ],
        });
      }
    }
    return this.pre;
  }

  private actor(): Source["actor"] {
    return { pid: this.pid, comm: path().basename(process.argv0 || "node"), exe: process.execPath };
  }

  private emit(type: RuntimeAuditEvent["type"], payload: Record<string, unknown>): void {
    if (!this.sink) return;
    try {
      this.sink.emit({ type, time: new Date().toISOString(), payload });
    } catch {
      // A sink that throws must not break the program whose environment it audits.
    }
  }

  private recordChange(c: EnvChange): void {
    let list = this.changeLog.get(c.key);
    if (!list) {
      list = [];
      this.changeLog.set(c.key, list);
    }
    list.push(c);
    if (list.length > MAX_CHANGES_PER_KEY) list.shift();
    const v = (this.guard?.real ?? (process.env as Env))[c.key];
    if (v === undefined) this.observed.delete(c.key);
    else this.observed.set(c.key, v);
    this.generation++;
    if (!this.sink) return;
    const payload: Record<string, unknown> = { key: c.key, via: c.via, snapshot: this.snapshot().id };
    if (c.site) payload.site = { file: c.site.file, line: c.site.line };
    if (c.loader) payload.loader = c.loader;
    if (c.file) payload.file = c.file;
    this.emit(c.op === "set" ? "runtime-env-set" : "runtime-env-delete", payload);
  }

  /**
   * Diffs the live environment against the last observation (changes that bypassed the guard are
   * recorded as `observed`) and brings the guard's read mirror in step with it. Returns the live entries
   * when all keys were read.
   */
  observe(keys?: readonly string[]): Map<string, string> | undefined {
    const env = this.currentEnv();
    let at: string | undefined;
    const check = (k: string, now: string | undefined) => {
      if (now === this.observed.get(k)) return;
      at ??= new Date().toISOString();
      this.recordChange({ key: k, op: now === undefined ? "delete" : "set", at, via: "observed" });
    };
    if (keys) {
      for (const k of keys) check(k, env[k]);
      this.guard.sync(keys);
      return undefined;
    }
    const live = liveMap(env);
    for (const [k, v] of live) check(k, v);
    for (const k of [...this.observed.keys()]) if (!live.has(k)) check(k, undefined);
    this.guard.sync(undefined, live);
    return live;
  }

  /** The environment itself: the real object behind the guard (never the guard's mirror). */
  private currentEnv(): Env {
    const e = process.env as Env;
    return this.guard.installed ? this.guard.real : e;
  }

  private materialize(): void {
    if (!this.pendingInit) return;
    const build = this.pendingInit;
    this.pendingInit = undefined;
    this.history.unshift(build());
  }

  /** The snapshot sealed last (at init, or by `seal()`). */
  snapshot(): RuntimeSnapshot {
    this.materialize();
    return this.history[this.history.length - 1] as RuntimeSnapshot;
  }

  /** Every sealed snapshot, oldest first; each names the one before it. */
  snapshots(): readonly RuntimeSnapshot[] {
    this.materialize();
    return [...this.history];
  }

  /** Changes recorded after init (all keys, or one), oldest first. */
  changes(key?: string): EnvChange[] {
    this.observe(key === undefined ? undefined : [key]);
    if (key !== undefined) return [...(this.changeLog.get(key) ?? [])];
    return [...this.changeLog.values()].flat().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  /** What differs now from the latest sealed snapshot. */
  drift(): DriftItem[] {
    const live = this.observe() ?? liveMap(this.currentEnv());
    const out: DriftItem[] = [];
    const last = (k: string) => {
      const l = this.changeLog.get(k);
      return l?.[l.length - 1];
    };
    for (const [k, v] of live) {
      const b = this.baseline.get(k);
      if (b === v) continue;
      const item: DriftItem = { key: k, change: b === undefined ? "added" : "changed" };
      const c = last(k);
      if (c) item.last = c;
      out.push(item);
    }
    for (const k of this.baseline.keys()) {
      if (live.has(k)) continue;
      const item: DriftItem = { key: k, change: "removed" };
      const c = last(k);
      if (c) item.last = c;
      out.push(item);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /**
   * Seals the live environment as a new snapshot that names the previous one (history is appended to,
   * never rewritten); drift is measured against it from now on. Call it once configuration is loaded.
   */
  seal(label = "seal"): RuntimeSnapshot {
    const live = this.observe() ?? liveMap(this.currentEnv());
    const prevSnap = this.snapshot();
    const prevVars = new Map(prevSnap.variables.map((v) => [v.key, v]));
    const variables: SnapshotVariable[] = [...live.keys()].sort().map((k) => {
      const v = live.get(k) ?? "";
      const digest = this.digester.digest(k, v);
      const before = prevVars.get(k);
      if (before && before.digest === digest) return before;
      const sv: SnapshotVariable = { key: k, digest, origin: "post-init" };
      const s = this.localSource(k, v);
      if (s) sv.source = s;
      return sv;
    });
    const snap = sealSnapshot({
      prev: prevSnap.hash,
      pid: this.pid,
      takenAt: new Date().toISOString(),
      label,
      variables,
    });
    this.history.push(snap);
    this.baseline = live;
    this.driftNow = false;
    this.emit("runtime-seal", { snapshot: snap.id, prev: prevSnap.id, label, variables: variables.length });
    return snap;
  }

  /** The source known without the host engine: a change after init, or a pre-init dotenv/runtime set. */
  private localSource(key: string, value: string | undefined): Source | undefined {
    const list = this.changeLog.get(key);
    const c = list?.[list.length - 1];
    if (c && value !== undefined) {
      if (c.loader || c.via === "loadEnvFile") {
        const extra = c.file ? [c.file] : [];
        const env = this.currentEnv();
        const opt = [...extra, ...(this.opts.dotenvFiles ?? [])];
        let s = new DotenvFiles(dotenvCandidates(env, this.cwd, opt)).attribute(
          key,
          value,
          c.loader ?? "process.loadEnvFile",
          c.at,
          true,
        );
        // A loader called with its own path: look at dotenv-named files where the program runs and calls.
        if (!s && c.loader) {
          const dirs = [this.cwd, ...(c.site ? [path().dirname(c.site.file)] : [])];
          const files = dotenvLikeFiles(dirs).map((file) => ({ file, reader: c.loader ?? "dotenv" }));
          s = new DotenvFiles(files).attribute(key, value, c.loader, c.at, true);
        }
        if (s) {
          if (c.site) s.evidence.push(`loaded by the call at ${siteText(c)}`);
          s.evidence.push(`set after envtrace.init() at ${c.at}`);
          return s;
        }
      }
      const s = {
        kind: "runtime",
        mechanism: c.via === "loadEnvFile" ? "process.loadEnvFile" : c.loader ? c.loader : "process.env",
      } as Source;
      if (c.site) {
        s.file = c.site.file;
        s.line = c.site.line;
        if (c.site.column) s.column = c.site.column;
      }
      s.actor = this.actor();
      s.confidence = c.via === "observed" ? "possible" : "certain";
      s.time = { at: c.at, what: "observed" };
      s.evidence = [
        c.via === "observed"
          ? `changed after envtrace.init(); found by an observation at ${c.at}, past the guard, so the call site is unknown`
          : `set at ${siteText(c)} after envtrace.init()`,
      ];
      if (list && list.length > 1) s.evidence.push(`${list.length} writes recorded for this key since init`);
      return s;
    }
    this.preInitState();
    return this.preInit.get(key);
  }

  /** Where `key`'s current value came from; null when it is not set now. */
  async sourceOf(key: string): Promise<Source | null> {
    this.observe([key]);
    const v = this.currentEnv()[key];
    if (v === undefined) return null;
    const local = this.localSource(key, v);
    if (local) return local;
    const host = await this.hostSources();
    return (
      host.get(key) ?? {
        kind: "unknown",
        confidence: "possible",
        evidence: [this.notes[0] ?? UNKNOWN_EVIDENCE],
      }
    );
  }

  /** Every variable set now, with its (masked when flagged) value, source and changes since init. */
  async explainAll(): Promise<ExplainedVariable[]> {
    const live = this.observe() ?? liveMap(this.currentEnv());
    const [{ detectSecret }, { maskFor }] = await Promise.all([
      import("../detect/index.js"),
      import("../detect/mask.js"),
    ]);
    const host = await this.hostSources();
    const out: ExplainedVariable[] = [];
    for (const k of [...live.keys()].sort()) {
      const v = live.get(k) ?? "";
      const hit = detectSecret(k, v);
      out.push({
        key: k,
        value: hit ? maskFor(v, hit) : v,
        masked: hit !== null,
        source: this.localSource(k, v) ??
          host.get(k) ?? {
            kind: "unknown",
            confidence: "possible",
            evidence: [this.notes[0] ?? UNKNOWN_EVIDENCE],
          },
        changes: [...(this.changeLog.get(k) ?? [])],
      });
    }
    return out;
  }

  /** Exec-time attributions, computed once: a report file, else the host engine in-process. */
  private hostSources(): Promise<Map<string, Source>> {
    this.host ??= this.loadHostSources().then((m) => {
      for (const s of m.values()) deepFreezeSource(s);
      return m;
    });
    return this.host;
  }

  private async loadHostSources(): Promise<Map<string, Source>> {
    const report = this.opts.report ?? process.env.ENVTRACE_REPORT;
    if (report) {
      try {
        return sourcesFromReport(JSON.parse(fs().readFileSync(report, "utf8")), this.pid);
      } catch (e) {
        this.notes.push(
          `the report ${report} could not be read (${(e as Error).message}); using the host engine`,
        );
      }
    }
    try {
      const { ExplainSession } = await import("../explain.js");
      const { toSource } = await import("./source.js");
      const session = new ExplainSession({});
      const r = await session.explain(this.pid);
      const m = new Map<string, Source>();
      for (const l of r.variables) m.set(l.key, l.winner ? toSource(l.winner) : unknownSource());
      if (r.variables.length === 0 && r.issues.length > 0)
        this.notes.push(
          `the host engine could not read this process: ${r.issues.map((i) => i.code).join(", ")}`,
        );
      return m;
    } catch (e) {
      this.notes.push(`the host engine failed: ${(e as Error).message}`);
      return new Map();
    }
  }

  /**
   * Per-request state for middleware: the snapshot id and whether the environment drifted from it.
   * When nothing was written since the last call this is a few property reads and one clock read.
   */
  requestState(): { snapshotId: string; drift: boolean; firstAfterChange: boolean } {
    const now = Date.now();
    if (this.guard.version !== this.seenVersion || now - this.lastFullCheck >= this.recheckMs) {
      this.seenVersion = this.guard.version;
      this.lastFullCheck = now;
      this.driftNow = this.driftFlag(this.observe() ?? liveMap(this.currentEnv()));
    }
    const id = this.snapshot().id;
    let first = false;
    if (this.generation !== this.servedGeneration) {
      this.servedGeneration = this.generation;
      first = this.driftNow;
      if (first)
        this.emit("runtime-drift-served", { snapshot: id, changedKeys: this.drift().map((d) => d.key) });
    }
    return { snapshotId: id, drift: this.driftNow, firstAfterChange: first };
  }

  private driftFlag(live: ReadonlyMap<string, string>): boolean {
    if (live.size !== this.baseline.size) return true;
    for (const [k, v] of live) if (this.baseline.get(k) !== v) return true;
    return false;
  }

  /** Removes the guard (tests; a program that wants `process.env` back as it was). */
  shutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.guard.uninstall();
  }

  get guardInstalled(): boolean {
    return this.guard.installed;
  }
}

// One runtime per process. It lives here rather than in index.ts so that `envtrace/register` loads this
// module and the guard only (index.ts re-exports these).
let current: Runtime | undefined;

/**
 * The in-process library: one `init()` at start-up (or `node --import envtrace/register`), then ask from
 * anywhere. One runtime per process: a second `init()` returns the first (options of later calls are
 * ignored, and said in `notes`).
 */
export function init(options: InitOptions = {}): Runtime {
  if (current) {
    if (Object.keys(options).length > 0)
      current.notes.push("init() called again: the first call's options stay");
    return current;
  }
  current = new Runtime(options);
  return current;
}

/** The runtime `init()` made, if any. */
export function runtime(): Runtime | undefined {
  return current;
}

/** Removes the guard and forgets the runtime (tests; hot reload). */
export function shutdown(): void {
  current?.shutdown();
  current = undefined;
}

function liveMap(env: Env): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of Object.keys(env)) {
    const v = env[k];
    if (v !== undefined) m.set(k, v);
  }
  return m;
}

function unknownSource(): Source {
  return { kind: "unknown", confidence: "possible", evidence: [UNKNOWN_EVIDENCE] };
}

function deepFreezeSource(s: Source): void {
  Object.freeze(s.evidence);
  if (s.actor) Object.freeze(s.actor);
  if (s.time) Object.freeze(s.time);
  Object.freeze(s);
}

/**
 * Sources from an `envtrace explain --format json` report, read tolerantly: a top-level `variables` array
 * (the v1 document) or `subjects[].variables` (v2); the subject whose pid is ours, else the first one.
 */
export function sourcesFromReport(doc: unknown, pid: number): Map<string, Source> {
  const m = new Map<string, Source>();
  if (!doc || typeof doc !== "object") return m;
  const d = doc as { variables?: unknown; subjects?: unknown };
  let vars: unknown[] | undefined;
  if (Array.isArray(d.variables)) vars = d.variables;
  else if (Array.isArray(d.subjects)) {
    const subjects = d.subjects as Array<{
      variables?: unknown;
      details?: { pid?: unknown; envPid?: unknown };
    }>;
    const mine = subjects.find((s) => s?.details?.pid === pid || s?.details?.envPid === pid);
    const pick = mine ?? subjects.find((s) => Array.isArray(s?.variables));
    if (pick && Array.isArray(pick.variables)) vars = pick.variables;
  }
  for (const v of vars ?? []) {
    const x = v as { key?: unknown; source?: unknown; winner?: unknown };
    if (typeof x?.key !== "string") continue;
    const s = (x.source ?? x.winner) as Source | undefined;
    if (s && typeof s === "object" && typeof s.kind === "string") {
      m.set(x.key, {
        ...s,
        confidence: s.confidence ?? "possible",
        evidence: Array.isArray(s.evidence) ? [...s.evidence] : [],
      });
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------------------------
// The exec-time environment of this process: `/proc/self/environ`, as the kernel kept it at `execve`.
// Decoded the way Node decodes `process.env` (UTF-8, invalid bytes replaced), so the two compare equal
// when nothing changed in-process. Later `setenv` calls never show here (they do not write into the
// kernel's copy), which is why reading it on first look gives what init would have read.
// (Environ, sealing and the runtime share this file: each module costs ~0.4 ms to load under --import.)

/** Returns null when procfs cannot be read (not Linux, hidepid, a sandbox): callers fall back to `process.env`. */
export function readExecEnviron(procRoot = "/proc"): Map<string, string> | null {
  // procfs reports size 0: readFileSync would read it in small chunks and join them (~0.2 ms at start-up);
  // one read into a 64 KiB buffer usually takes all of it.
  const f = fs();
  let fd: number;
  try {
    fd = f.openSync(`${procRoot}/self/environ`, "r");
  } catch {
    return null;
  }
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const buf = Buffer.allocUnsafe(65536);
      const n = f.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      chunks.push(buf.subarray(0, n));
    }
    return parseEnvironBuffer(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
  } catch {
    return null;
  } finally {
    f.closeSync(fd);
  }
}

/** `KEY=value\0…`: entries without `=` are skipped; for a duplicated key the first wins, as getenv(3) does. */
export function parseEnvironBuffer(buf: Buffer): Map<string, string> {
  // One decode for the whole block (NUL is ASCII, so no entry's bytes run into the next one's).
  const out = new Map<string, string>();
  for (const entry of buf.toString("utf8").split("\0")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    if (!out.has(key)) out.set(key, entry.slice(eq + 1));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Sealing: a snapshot is deep-frozen and its `hash` is SHA-256 over its canonical JSON (keys sorted,
// no whitespace) without `id`/`hash`. `verifySnapshot` recomputes it, so a copy that was edited on its way
// (a log, a span exporter, a file) is told apart from the one the process sealed.

/** node:crypto on first use (its load is most of what `init()` would otherwise cost). */
const crypto = () => process.getBuiltinModule("node:crypto");

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  const o = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) {
    if (o[k] === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  }
  return `{${parts.join(",")}}`;
}

export function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

export function sealSnapshot(body: Omit<RuntimeSnapshot, "id" | "hash">): RuntimeSnapshot {
  const hash = crypto().createHash("sha256").update(canonicalJson(body)).digest("hex");
  return deepFreeze({ id: `sha256:${hash.slice(0, 16)}`, hash, ...body });
}

/** True when `s` is exactly what was sealed (its hash matches its content). */
export function verifySnapshot(s: RuntimeSnapshot): boolean {
  const { id, hash, ...body } = s;
  const h = crypto().createHash("sha256").update(canonicalJson(body)).digest("hex");
  return h === hash && id === `sha256:${h.slice(0, 16)}`;
}

/** Keyed digests of values: a per-process random key, so a digest tells equal from different and no more. */
export class ValueDigester {
  private key: Buffer | undefined;
  digest(key: string, value: string): string {
    this.key ??= crypto().randomBytes(32);
    return crypto()
      .createHmac("sha256", this.key)
      .update(key)
      .update("\0")
      .update(value)
      .digest("hex")
      .slice(0, 16);
  }
}
