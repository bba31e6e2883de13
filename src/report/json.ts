/**
 * JSON reporter: the published, versioned schema (`schema/report.v2.schema.json`): `{ schemaVersion, run,
 * subjects: [{ id, kind, name, details, variables?, missing?, settings?, checks?, drift?, findings, issues,
 * notes? }], issues, summary }`. Pretty for one subject, one compact line for many (a scan runs to megabytes).
 */
import {
  type Attribution,
  type DisplayValue,
  type ExplainResult,
  isFileLocation,
  isProcessActor,
  type Lineage,
  type Report,
  type Setting,
  type Subject,
} from "../model/index.js";
import { explainSubject } from "./build.js";
import type { Reporter } from "./reporter.js";
import { summarize } from "./summary.js";
import { displayString, isMasked } from "./values.js";

/** The JSON form of an attribution (flattened location; `actor` as pid/comm/exe or field manager). */
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
  if (a.times && a.times.length > 0) out.times = a.times;
  out.evidence = a.evidence;
  if (a.candidates && a.candidates.length > 0) out.candidates = a.candidates;
  if (a.snippet !== undefined) out.snippet = a.snippet;
  return out;
}

const UNKNOWN_SOURCE = { kind: "unknown", confidence: "possible", evidence: [] };

export function variableJson(l: Lineage<DisplayValue>, reveal: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    key: l.key,
    value: displayString(l.value, reveal),
    masked: isMasked(l.value, reveal),
    source: l.winner ? sourceJson(l.winner) : UNKNOWN_SOURCE,
    shadowed: l.shadowed.map((s) => ({
      value: displayString(s.value, reveal),
      masked: isMasked(s.value, reveal),
      source: sourceJson(s.attribution),
    })),
  };
  if (l.escaped) out.escaped = true;
  if (l.segments && l.segments.length > 0) out.segments = l.segments;
  if (l.notes.length > 0) out.notes = l.notes;
  return out;
}

export function settingJson(s: Setting, reveal: boolean): Record<string, unknown> {
  return {
    key: s.key,
    value: displayString(s.value, reveal),
    masked: isMasked(s.value, reveal),
    source: s.source,
    ...(s.shadowed
      ? { shadowed: s.shadowed.map((x) => ({ value: displayString(x.value, reveal), source: x.source })) }
      : {}),
    probed: s.probed,
    ...(s.notes ? { notes: s.notes } : {}),
  };
}

export function subjectJson(s: Subject, reveal: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: s.id, kind: s.kind, name: s.name, details: s.details };
  if (s.variables) out.variables = s.variables.map((v) => variableJson(v, reveal));
  if (s.missing) out.missing = s.missing;
  if (s.settings) out.settings = s.settings.map((x) => settingJson(x, reveal));
  if (s.checks) out.checks = s.checks;
  if (s.drift) out.drift = s.drift;
  out.findings = s.findings;
  out.issues = s.issues;
  if (s.notes) out.notes = s.notes;
  return out;
}

export function reportJson(r: Report): Record<string, unknown> {
  return {
    schemaVersion: r.schemaVersion,
    run: r.run,
    subjects: r.subjects.map((s) => subjectJson(s, r.run.revealed)),
    issues: r.issues,
    summary: summarize(r.subjects, r.issues),
  };
}

export const jsonReporter: Reporter = {
  id: "json",
  description: "the versioned report document (schema/report.v2.schema.json)",
  extension: "json",
  render(r) {
    const doc = reportJson(r);
    return r.subjects.length > 1 ? `${JSON.stringify(doc)}\n` : `${JSON.stringify(doc, null, 2)}\n`;
  },
};

/** The JSON form of one explain result's subject (as it appears in `subjects[]`). */
export function resultJson(r: ExplainResult<DisplayValue>, reveal = false): Record<string, unknown> {
  return subjectJson(explainSubject(r), reveal);
}
