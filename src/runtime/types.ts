/**
 * Types of the in-process library (`init`, `sourceOf`, the `process.env` guard, middleware). Nothing in
 * here holds a variable's value in clear: snapshots carry keyed digests, events carry no values, and
 * `explainAll` masks what the secret rules flag.
 */

/** The JSON form of an attribution, as `source` in `schema/report.v2.schema.json`. */
export interface Source {
  kind: string;
  mechanism?: string;
  file?: string;
  line?: number;
  column?: number;
  resource?: string;
  resourceKey?: string;
  actor?: { pid?: number; comm?: string; exe?: string; fieldManager?: string; operation?: string };
  confidence: "certain" | "likely" | "possible";
  time?: { at: string; what: string };
  times?: Array<{ at: string; what: string }>;
  evidence: string[];
  candidates?: Array<{ file?: string; line?: number; resource?: string; key?: string }>;
}

/** A place in the program: the first stack frame outside envtrace and Node's internals. */
export interface CallSite {
  file: string;
  line: number;
  column?: number;
  /** The function name V8 printed, when there was one. */
  fn?: string;
}

/** One change to `process.env` after `init`, as the guard or an observation saw it. */
export interface EnvChange {
  key: string;
  op: "set" | "delete";
  /** ISO 8601: when the guard saw the write, or when an observation found the difference. */
  at: string;
  /** `guard`: caught by the `process.env` guard (call site known); `observed`: found by diffing. */
  via: "guard" | "observed" | "loadEnvFile";
  site?: CallSite;
  /** A dotenv loader's frame was on the stack (`dotenv`, `dotenvx`, `dotenv-flow`). */
  loader?: string;
  /** The file a `process.loadEnvFile(path)` call read. */
  file?: string;
}

/** What the runtime hands an audit sink. The shape of `src/audit` events: a type, a time, a payload. */
export interface RuntimeAuditEvent {
  type: "runtime-init" | "runtime-env-set" | "runtime-env-delete" | "runtime-drift-served" | "runtime-seal";
  time: string;
  /** Never a variable's value: key, call site, snapshot ids, counts. */
  payload: Record<string, unknown>;
}

/** Where runtime events go; the audit trail plugs its writer in here. `emit` must not throw. */
export interface AuditSink {
  emit(event: RuntimeAuditEvent): void;
}

export type GuardMode = "proxy" | "observe" | "off";

export interface InitOptions {
  /**
   * `proxy` (default): `process.env` becomes a Proxy whose set/delete traps write the real object and
   * record the call site, and whose reads come from a mirror of the environment (see `src/runtime/guard.ts`); `observe`: `process.env` is left alone and changes are found by diffing at
   * observation points (no read cost, no call site); `off`: no change tracking beyond drift.
   */
  guard?: GuardMode;
  sink?: AuditSink;
  /** Extra dotenv files to consider (besides `.env`, `.env.local`, `.env.<NODE_ENV>[.local]`, …). */
  dotenvFiles?: readonly string[];
  /** Directory the loaders resolve `.env` against. Default: `process.cwd()` at init. */
  cwd?: string;
  /** A report (`envtrace explain --pid <self> --format json`) to read exec-time attributions from. */
  report?: string;
  /** Root of `/proc` (a fixture tree in tests). Default `/proc`. */
  procRoot?: string;
  /**
   * How often (ms) the whole environment is re-read to catch writes that bypassed the guard (a reference
   * to the real object kept from before `init`, native code, `SHARE_ENV` workers): by middleware, and by an
   * unref'd timer that keeps the guard's read mirror in step. Default 1000; 0: middleware re-reads on
   * every request and there is no timer.
   */
  recheckMs?: number;
}

/** One variable of a sealed snapshot. */
export interface SnapshotVariable {
  key: string;
  /** Keyed digest of the value (HMAC-SHA-256 under a per-process random key, 16 hex digits). */
  digest: string;
  /**
   * `exec`: in `/proc/self/environ`; `pre-init`: set in-process before `init`; `changed-pre-init`: in environ
   * but changed before `init`; `post-init`: changed after `init` (snapshots sealed later by `seal()`).
   */
  origin: "exec" | "pre-init" | "changed-pre-init" | "post-init";
  /** Known at init for `pre-init` variables (dotenv file:line or runtime); exec-time ones are attributed lazily. */
  source?: Source;
}

/** The environment at `init`, frozen and sealed: `hash` is SHA-256 over the canonical JSON of the rest. */
export interface RuntimeSnapshot {
  /** `sha256:` + the first 16 hex digits of `hash`: what middleware puts on spans and logs. */
  id: string;
  hash: string;
  /** The snapshot this one follows (a later `seal()`), or null for the one taken at `init`. */
  prev: string | null;
  pid: number;
  takenAt: string;
  label: string;
  variables: readonly SnapshotVariable[];
}

/** A variable that differs from the sealed snapshot now. */
export interface DriftItem {
  key: string;
  change: "added" | "removed" | "changed";
  /** The last recorded change (call site, time), when the guard or an observation saw one. */
  last?: EnvChange;
}

export interface ExplainedVariable {
  key: string;
  /** The live value; masked when a secret rule flags it. */
  value: string;
  masked: boolean;
  source: Source;
  /** Changes after `init`, oldest first. */
  changes: EnvChange[];
}
