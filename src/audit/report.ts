/**
 * Audit results as the one Report model: `audit verify` → a subject of kind `audit-log` with one finding per
 * damage (ids ENVT-AUDIT-0NN); `audit show` → the recorded runs rebuilt as subjects with their variables,
 * settings, checks, drift, findings and issues, so any reporter prints them. Recorded values are masks;
 * a rebuilt flagged value is a SecretValue whose mask is the recorded mask and whose raw value is empty.
 */

import { SecretValue } from "../detect/secret-value.js";
import { fingerprint } from "../model/fingerprint.js";
import type {
  Attribution,
  CheckResult,
  CollectionIssue,
  DisplayValue,
  DriftEntry,
  Finding,
  Lineage,
  RunInfo,
  Setting,
  Severity,
  Subject,
} from "../model/index.js";
import { TOOL } from "../report/build.js";
import type { DamageKind, VerifyResult } from "./verify.js";
import { fileLines } from "./verify.js";

/** One finding id per damage kind (docs/audit.md "Damage kinds"). */
export const AUDIT_IDS: Record<DamageKind, string> = {
  edited: "ENVT-AUDIT-001",
  deleted: "ENVT-AUDIT-002",
  inserted: "ENVT-AUDIT-003",
  reordered: "ENVT-AUDIT-004",
  truncated: "ENVT-AUDIT-005",
  "bad-mac": "ENVT-AUDIT-006",
  "unknown-schema": "ENVT-AUDIT-007",
  corrupted: "ENVT-AUDIT-008",
};

/** Catalogue names and titles of the damage ids (help: docs/audit.md, section "Damage kinds"). */
export const AUDIT_TITLES: Record<DamageKind, { name: string; title: string }> = {
  edited: { name: "audit-record-edited", title: "An audit record was changed" },
  deleted: { name: "audit-records-deleted", title: "Audit records are missing" },
  inserted: { name: "audit-record-inserted", title: "A record that is not part of the chain was inserted" },
  reordered: { name: "audit-records-reordered", title: "Audit records are out of order" },
  truncated: { name: "audit-log-truncated", title: "The audit log was cut short" },
  "bad-mac": { name: "audit-record-bad-mac", title: "An audit record's MAC does not verify" },
  "unknown-schema": { name: "audit-record-unknown-schema", title: "An audit record of an unknown schema" },
  corrupted: { name: "audit-line-corrupted", title: "A line of the audit log is no record" },
};

export const AUDIT_SEVERITY: Record<DamageKind, Severity> = {
  edited: "critical",
  deleted: "critical",
  inserted: "critical",
  reordered: "high",
  truncated: "high",
  "bad-mac": "critical",
  "unknown-schema": "medium",
  corrupted: "high",
};

const REMEDIATION =
  "Treat the trail as tampered with from this record on: keep the file as evidence, compare it with the heads your collector received (audit verify --witness), and find who could write it.";

export function verifySubject(files: readonly string[], r: VerifyResult): Subject {
  const id = `audit-log/${files.at(-1) ?? ""}`;
  const details: Subject["details"] = {
    files: [...files],
    records: r.records,
    runs: r.runs,
    openRuns: r.openRuns,
    macs: r.macs,
    macChecked: r.macChecked,
    perFile: r.files,
    ...(r.head ? { head: r.head } : {}),
    intact: r.damages.length === 0,
  };
  const findings = r.damages.map((d): Finding => {
    const fid = AUDIT_IDS[d.kind];
    const torn = d.kind === "truncated" && /cut off|no newline/.test(d.detail);
    return {
      id: fid,
      severity: torn ? "medium" : AUDIT_SEVERITY[d.kind],
      messageId: `audit.${d.kind}`,
      message: `${d.file} line ${d.line}${d.seq !== undefined ? ` (seq ${d.seq})` : ""}: ${d.kind}: ${d.detail}`,
      subject: id,
      key: d.seq !== undefined ? `seq ${d.seq}` : `line ${d.line}`,
      location: { file: d.file, line: d.line },
      fingerprint: fingerprint(fid, d.file, String(d.line), d.kind),
      remediation: REMEDIATION,
      references: ["https://www.rfc-editor.org/rfc/rfc8785", "https://www.rfc-editor.org/rfc/rfc9162"],
    };
  });
  return {
    id,
    kind: "audit-log",
    name: files.length === 1 ? files[0]! : `${files[0]} … ${files.at(-1)} (${files.length} files)`,
    details,
    findings,
    issues: [],
  };
}

interface ParsedRecord {
  seq: number;
  time: string;
  host: string;
  run: string;
  type: string;
  payload: Record<string, unknown>;
}

/** The well-formed records of the files, in order (damaged lines are skipped: `verify` names them). */
export function readRecords(files: readonly string[]): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  for (const f of files) {
    for (const l of fileLines(f)) {
      if (l.tooLong || l.torn) continue;
      try {
        const r = JSON.parse(l.text) as ParsedRecord;
        if (
          typeof r.run === "string" &&
          typeof r.type === "string" &&
          r.payload &&
          typeof r.payload === "object"
        )
          out.push(r);
      } catch {}
    }
  }
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** The inverse of `sourceJson`. */
export function attributionOf(j: Record<string, unknown>): Attribution {
  const a: Attribution = {
    kind: (str(j.kind) ?? "unknown") as Attribution["kind"],
    confidence: (str(j.confidence) ?? "possible") as Attribution["confidence"],
    evidence: Array.isArray(j.evidence) ? j.evidence.map(String) : [],
  };
  if (j.mechanism) a.mechanism = String(j.mechanism);
  const line = typeof j.line === "number" ? { line: j.line } : {};
  if (j.resource)
    a.location = {
      resource: String(j.resource),
      ...(j.resourceKey ? { key: String(j.resourceKey) } : {}),
      ...(j.file ? { file: String(j.file) } : {}),
      ...line,
    };
  else if (j.file)
    a.location = {
      file: String(j.file),
      ...line,
      ...(typeof j.column === "number" ? { column: j.column } : {}),
    };
  const actor = j.actor as Record<string, unknown> | undefined;
  if (actor && typeof actor.pid === "number")
    a.actor = {
      pid: actor.pid,
      comm: String(actor.comm ?? "?"),
      ...(actor.exe ? { exe: String(actor.exe) } : {}),
    };
  else if (actor?.fieldManager)
    a.actor = {
      fieldManager: String(actor.fieldManager),
      ...(actor.operation ? { operation: String(actor.operation) } : {}),
    };
  if (j.time) a.time = j.time as Attribution["time"] & object;
  if (Array.isArray(j.times)) a.times = j.times as NonNullable<Attribution["times"]>;
  if (Array.isArray(j.candidates)) a.candidates = j.candidates as NonNullable<Attribution["candidates"]>;
  return a;
}

function value(v: unknown, masked: unknown): DisplayValue {
  const s = typeof v === "string" ? v : JSON.stringify(v ?? "");
  return masked ? new SecretValue("", s) : s;
}

function lineageOf(d: Record<string, unknown>): Lineage<DisplayValue> {
  const src = (d.source ?? {}) as Record<string, unknown>;
  const unknown = src.kind === "unknown" && (src.evidence as unknown[] | undefined)?.length === 0;
  const l: Lineage<DisplayValue> = {
    key: String(d.key ?? ""),
    value: value(d.value, d.masked),
    winner: unknown ? null : attributionOf(src),
    shadowed: (Array.isArray(d.shadowed) ? d.shadowed : []).map((s: Record<string, unknown>) => ({
      value: value(s.value, s.masked),
      attribution: attributionOf((s.source ?? {}) as Record<string, unknown>),
    })),
    notes: Array.isArray(d.notes) ? d.notes.map(String) : [],
  };
  if (d.escaped) l.escaped = true;
  if (Array.isArray(d.segments)) l.segments = d.segments as NonNullable<Lineage["segments"]>;
  return l;
}

export interface RecordedRun {
  run: RunInfo;
  subjects: Subject[];
  issues: CollectionIssue[];
}

/** The runs recorded in the files (optionally one), rebuilt. */
export function recordedRuns(records: readonly ParsedRecord[], only?: string): RecordedRun[] {
  const runs = new Map<string, RecordedRun & { byId: Map<string, Subject> }>();
  for (const r of records) {
    if (only && r.run !== only && !r.run.startsWith(only)) continue;
    let run = runs.get(r.run);
    if (!run) {
      run = {
        run: {
          id: r.run,
          tool: { ...TOOL, version: "?" },
          command: "?",
          argv: [],
          host: r.host,
          startedAt: r.time,
          endedAt: r.time,
          revealed: false,
        },
        subjects: [],
        issues: [],
        byId: new Map(),
      };
      runs.set(r.run, run);
    }
    const p = r.payload;
    if (r.type === "run-start") {
      run.run.command = String(p.command ?? "?");
      run.run.argv = Array.isArray(p.argv) ? p.argv.map(String) : [];
      const tool = p.tool as { version?: string } | undefined;
      run.run.tool = { ...TOOL, version: String(tool?.version ?? "?") };
      run.run.startedAt = String(p.startedAt ?? r.time);
      run.run.endedAt = String(p.endedAt ?? r.time);
      continue;
    }
    if (r.type === "run-end" || r.type === "rotate") continue;
    const subj = (p.subject ?? {}) as { id?: string; kind?: Subject["kind"]; name?: string };
    const d = (p.data ?? {}) as Record<string, unknown>;
    if (r.type === "issue" && subj.kind === "inputs") {
      run.issues.push(d as unknown as CollectionIssue);
      continue;
    }
    const sid = String(subj.id ?? "?");
    let s = run.byId.get(sid);
    if (!s) {
      s = {
        id: sid,
        kind: subj.kind ?? "inputs",
        name: String(subj.name ?? sid),
        details: {},
        findings: [],
        issues: [],
      };
      run.byId.set(sid, s);
      run.subjects.push(s);
    }
    switch (r.type) {
      case "variable":
        s.variables = s.variables ?? [];
        s.variables.push(lineageOf(d));
        break;
      case "setting":
        s.settings = s.settings ?? [];
        s.settings.push({
          ...(d as unknown as Setting),
          value: value(d.value, d.masked),
          ...(Array.isArray(d.shadowed)
            ? {
                shadowed: (d.shadowed as Array<Record<string, unknown>>).map((x) => ({
                  value: value(x.value, d.masked),
                  source: x.source as Setting["source"],
                })),
              }
            : {}),
        });
        break;
      case "check":
        s.checks = s.checks ?? [];
        s.checks.push(d as unknown as CheckResult);
        break;
      case "drift":
        s.drift = s.drift ?? [];
        s.drift.push(d as unknown as DriftEntry);
        break;
      case "finding": {
        const f = { ...(d as unknown as Finding) };
        if (d.attribution) f.attribution = attributionOf(d.attribution as Record<string, unknown>);
        s.findings.push(f);
        break;
      }
      case "issue":
        s.issues.push(d as unknown as CollectionIssue);
        break;
    }
  }
  return [...runs.values()].map(({ run, subjects, issues }) => ({ run, subjects, issues }));
}
