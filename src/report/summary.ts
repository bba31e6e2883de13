/** Counts over a report's subjects, shared by the text, markdown and JSON forms. */
import { type Report, SEVERITY_RANK, type Severity, type Subject } from "../model/index.js";

export interface ReportSummary {
  subjects: number;
  variables: number;
  byKind: Record<string, number>;
  /** Variables whose source is `unknown` or only `inherited`. */
  unknown: number;
  secrets: number;
  findings: Partial<Record<Severity, number>>;
  issues: Record<string, number>;
}

export const SECRET_FINDING = "ENVT-SECRET-001";

export function summarize(subjects: readonly Subject[], extraIssues: Report["issues"] = []): ReportSummary {
  const s: ReportSummary = {
    subjects: subjects.length,
    variables: 0,
    byKind: {},
    unknown: 0,
    secrets: 0,
    findings: {},
    issues: {},
  };
  for (const subj of subjects) {
    for (const v of subj.variables ?? []) {
      s.variables++;
      const kind = v.winner?.kind ?? "unknown";
      s.byKind[kind] = (s.byKind[kind] ?? 0) + 1;
      if (kind === "unknown" || kind === "inherited") s.unknown++;
    }
    for (const f of subj.findings) {
      if (f.id === SECRET_FINDING) s.secrets++;
      s.findings[f.severity] = (s.findings[f.severity] ?? 0) + 1;
    }
    for (const i of subj.issues) s.issues[i.code] = (s.issues[i.code] ?? 0) + 1;
  }
  for (const i of extraIssues) s.issues[i.code] = (s.issues[i.code] ?? 0) + 1;
  s.byKind = Object.fromEntries(Object.entries(s.byKind).sort((a, b) => b[1] - a[1]));
  s.findings = Object.fromEntries(
    Object.entries(s.findings).sort(
      (a, b) => SEVERITY_RANK[b[0] as Severity] - SEVERITY_RANK[a[0] as Severity],
    ),
  );
  return s;
}
