/**
 * The in-process library: one `init()` at start-up (or `node --import envtrace/register`), then ask from
 * anywhere. One runtime per process: a second `init()` returns the first (options of later calls are
 * ignored, and said in `notes`).
 */
import { type Runtime, runtime } from "./runtime.js";
import type { DriftItem, EnvChange, ExplainedVariable, RuntimeSnapshot, Source } from "./types.js";

export { init, Runtime, runtime, shutdown, verifySnapshot } from "./runtime.js";

function need(): Runtime {
  const current = runtime();
  if (!current)
    throw new Error("envtrace: call init() first (or start node with --import envtrace/register)");
  return current;
}

/** Where `key`'s current value came from (the report schema's `source`); null when `key` is not set. */
export function sourceOf(key: string): Promise<Source | null> {
  return need().sourceOf(key);
}

/** Every variable set now: value (masked when a secret rule flags it), source, changes since init. */
export function explainAll(): Promise<ExplainedVariable[]> {
  return need().explainAll();
}

/** The latest sealed snapshot (frozen; keyed digests, no values). */
export function snapshot(): RuntimeSnapshot {
  return need().snapshot();
}

/** What differs now from the latest sealed snapshot. */
export function drift(): DriftItem[] {
  return need().drift();
}

/** Seals the live environment as a new snapshot chained to the previous one. */
export function seal(label?: string): RuntimeSnapshot {
  return need().seal(label);
}

/** Changes to `process.env` since init (one key, or all), oldest first. */
export function envChanges(key?: string): EnvChange[] {
  return need().changes(key);
}

export { jsonlFileSink, memorySink, stderrSink } from "./sink.js";
export type {
  AuditSink,
  CallSite,
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
