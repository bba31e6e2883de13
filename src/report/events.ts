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
  const reveal = r.run.revealed;
  const base = { run: r.run.id, time: r.run.endedAt, host: r.run.host };
  const push = ({ type, ...rest }: ReportEvent) => out.push({ type, ...rest });
  const inputs: EventSubject = { id: "inputs", kind: "inputs", name: "inputs" };
  for (const s of r.subjects) {
    const subject: EventSubject = { id: s.id, kind: s.kind, name: s.name };
    for (const v of s.variables ?? []) {
      const data = variableJson(v, reveal);
      push({ ...base, type: "variable", subject, key: v.key, code: v.winner?.kind ?? "unknown", data });
    }
    for (const st of s.settings ?? []) {
      out.push({
        ...base,
        type: "setting",
        subject,
        key: st.key,
        code: st.source.kind,
        data: settingJson(st, reveal),
      });
    }
    for (const c of s.checks ?? []) {
      push({ ...base, type: "check", subject, code: c.id, data: { ...c } });
    }
    for (const d of s.drift ?? []) {
      push({ ...base, type: "drift", subject, key: d.key, code: d.change, data: { ...d } });
    }
    for (const f of s.findings) push(findingEvent(base, subject, f));
    for (const i of s.issues) push(issueEvent(base, subject, i));
  }
  for (const i of r.issues) push(issueEvent(base, inputs, i));
  return out;
}

function findingEvent(
  base: Pick<ReportEvent, "run" | "time" | "host">,
  subject: EventSubject,
  f: Finding,
): ReportEvent {
  const data: Record<string, unknown> = { ...f };
  if (f.attribution) data.attribution = sourceJson(f.attribution);
  const e: ReportEvent = { ...base, type: "finding", subject, severity: f.severity, code: f.id, data };
  if (f.key !== undefined) e.key = f.key;
  return e;
}

function issueEvent(
  base: Pick<ReportEvent, "run" | "time" | "host">,
  subject: EventSubject,
  i: CollectionIssue,
): ReportEvent {
  return { ...base, type: "issue", subject, code: i.code, data: { ...i } };
}
