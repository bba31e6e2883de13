/**
 * The event stream of a report: one object per attributed variable, Go setting, check result, drift entry,
 * finding and collection issue, each carrying its subject. `jsonl` prints them, `syslog` formats them as
 * RFC 5424 lines, `k8s` as EnvAuditEvent objects, and the audit trail hash-chains them. Values are the
 * report's masked values (revealed only under `--reveal`).
 */
import type { CollectionIssue, Finding, Report, Severity, Subject } from "../model/index.js";
import { settingJson, sourceJson, variableJson } from "./json.js";

export type EventType = "variable" | "setting" | "check" | "drift" | "finding" | "issue";

export interface EventSubject {
  id: string;
  kind: Subject["kind"];
  name: string;
}

export interface ReportEvent {
  type: EventType;
  /** The run that produced it (also the audit trail's `run`). */
  run: string;
  time: string;
  host: string;
  subject: EventSubject;
  /** Variable, setting or finding key, when there is one. */
  key?: string;
  /** Findings: the finding's severity; other events: none. */
  severity?: Severity;
  /** Source kind (variables, settings), rule id (findings), check id, issue code, drift change. */
  code: string;
  /** The rest of the event (masked). */
  data: Record<string, unknown>;
}

export function reportEvents(r: Report): ReportEvent[] {
  const out: ReportEvent[] = [];
  forEachEvent(r, (e) => {
    out.push(e);
  });
  return out;
}

/**
 * Calls `fn` with each event of {@link reportEvents}, in order, without holding them all: a reporter that
 * writes one event at a time keeps the garbage collector's young generation small.
 *
 * The objects are written as literals in their (observable: `jsonl` prints them in order) key order.
 */
export function forEachEvent(r: Report, fn: (e: ReportEvent, index: number) => void): void {
  const reveal = r.run.revealed;
  const run = r.run.id;
  const time = r.run.endedAt;
  const host = r.run.host;
  let n = 0;
  for (const s of r.subjects) {
    const subject: EventSubject = { id: s.id, kind: s.kind, name: s.name };
    if (s.variables)
      for (const v of s.variables) {
        const data = variableJson(v, reveal);
        const code = v.winner?.kind ?? "unknown";
        fn({ type: "variable", run, time, host, subject, key: v.key, code, data }, n++);
      }
    if (s.settings)
      for (const st of s.settings) {
        // Run first: setting events have always been written in this order.
        const data = settingJson(st, reveal);
        fn({ run, time, host, type: "setting", subject, key: st.key, code: st.source.kind, data }, n++);
      }
    if (s.checks)
      for (const c of s.checks)
        fn({ type: "check", run, time, host, subject, code: c.id, data: { ...c } }, n++);
    if (s.drift)
      for (const d of s.drift)
        fn({ type: "drift", run, time, host, subject, key: d.key, code: d.change, data: { ...d } }, n++);
    for (const f of s.findings) fn(findingEvent(run, time, host, subject, f), n++);
    for (const i of s.issues) fn(issueEvent(run, time, host, subject, i), n++);
  }
  const inputs: EventSubject = { id: "inputs", kind: "inputs", name: "inputs" };
  for (const i of r.issues) fn(issueEvent(run, time, host, inputs, i), n++);
}

function findingEvent(
  run: string,
  time: string,
  host: string,
  subject: EventSubject,
  f: Finding,
): ReportEvent {
  const data: Record<string, unknown> = { ...f };
  if (f.attribution) data.attribution = sourceJson(f.attribution);
  const e: ReportEvent = {
    type: "finding",
    run,
    time,
    host,
    subject,
    severity: f.severity,
    code: f.id,
    data,
  };
  if (f.key !== undefined) e.key = f.key;
  return e;
}

function issueEvent(
  run: string,
  time: string,
  host: string,
  subject: EventSubject,
  i: CollectionIssue,
): ReportEvent {
  return { type: "issue", run, time, host, subject, code: i.code, data: { ...i } };
}
