/**
 * JSON reporter: the published, versioned schema (`schema/explain.v1.schema.json`).
 * One subject → one object; several (scan) → `{ schemaVersion, processes: [...], summary }`.
 */
import {
  type Attribution,
  type DisplayValue,
  type ExplainResult,
  isFileLocation,
  isProcessActor,
  type Lineage,
} from "../model/index.js";
import { displayString, type ExplainReporter, type RenderOptions } from "./reporter.js";
import { summarize } from "./summary.js";

export const SCHEMA_VERSION = 1;

export function sourceJson(a: Attribution): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: a.kind };
  if (a.mechanism) out.mechanism = a.mechanism;
  const loc = a.location;
  if (loc) {
    if (isFileLocation(loc)) {
      out.file = loc.file;
      if (loc.line !== undefined) out.line = loc.line;
      if (loc.column !== undefined) out.column = loc.column;
    } else {
      out.resource = loc.resource;
      if (loc.key !== undefined) out.resourceKey = loc.key;
      if (loc.file !== undefined) out.file = loc.file;
      if (loc.line !== undefined) out.line = loc.line;
    }
  }
  if (a.actor) {
    out.actor = isProcessActor(a.actor)
      ? { pid: a.actor.pid, comm: a.actor.comm, ...(a.actor.exe ? { exe: a.actor.exe } : {}) }
      : {
          fieldManager: a.actor.fieldManager,
          ...(a.actor.operation ? { operation: a.actor.operation } : {}),
        };
  }
  out.confidence = a.confidence;
  if (a.time) out.time = a.time;
  out.evidence = a.evidence;
  if (a.candidates && a.candidates.length > 0) out.candidates = a.candidates;
  return out;
}

function variableJson(l: Lineage<DisplayValue>, opts: RenderOptions): Record<string, unknown> {
  const masked = typeof l.value !== "string" && !opts.reveal;
  const out: Record<string, unknown> = {
    key: l.key,
    value: displayString(l.value, opts.reveal),
    masked,
    source: l.winner ? sourceJson(l.winner) : { kind: "unknown", confidence: "possible", evidence: [] },
    shadowed: l.shadowed.map((s) => ({
      value: displayString(s.value, opts.reveal),
      source: sourceJson(s.attribution),
    })),
  };
  if (l.escaped) out.escaped = true;
  if (l.segments && l.segments.length > 0) out.segments = l.segments;
  if (l.notes.length > 0) out.notes = l.notes;
  return out;
}

export function resultJson(r: ExplainResult<DisplayValue>, opts: RenderOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { schemaVersion: SCHEMA_VERSION, subject: r.subject };
  if (r.envPid !== undefined) out.envPid = r.envPid;
  if (opts.reveal) out.revealed = true;
  out.variables = r.variables.map((v) => variableJson(v, opts));
  out.findings = r.findings;
  out.issues = r.issues;
  return out;
}

export const jsonReporter: ExplainReporter = {
  id: "json",
  render(results, opts) {
    if (results.length === 1) return `${JSON.stringify(resultJson(results[0]!, opts), null, 2)}\n`;
    const doc = {
      schemaVersion: SCHEMA_VERSION,
      ...(opts.reveal ? { revealed: true } : {}),
      processes: results.map((r) => resultJson(r, opts)),
      summary: summarize(results),
    };
    // A scan's document is for machines and runs to megabytes: compact, one line.
    return `${JSON.stringify(doc)}\n`;
  },
};
