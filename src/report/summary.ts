import type { DisplayValue, ExplainResult } from "../model/index.js";

export interface ScanSummary {
  processes: number;
  variables: number;
  byKind: Record<string, number>;
  unknown: number;
  secrets: number;
  issues: Record<string, number>;
}

export function summarize(results: ReadonlyArray<ExplainResult<DisplayValue>>): ScanSummary {
  const s: ScanSummary = {
    processes: results.length,
    variables: 0,
    byKind: {},
    unknown: 0,
    secrets: 0,
    issues: {},
  };
  for (const r of results) {
    for (const v of r.variables) {
      s.variables++;
      const kind = v.winner?.kind ?? "unknown";
      s.byKind[kind] = (s.byKind[kind] ?? 0) + 1;
      if (kind === "unknown" || kind === "inherited") s.unknown++;
    }
    s.secrets += r.findings.filter((f) => f.id === "ENVT-SECRET-001").length;
    for (const i of r.issues) s.issues[i.code] = (s.issues[i.code] ?? 0) + 1;
  }
  s.byKind = Object.fromEntries(Object.entries(s.byKind).sort((a, b) => b[1] - a[1]));
  return s;
}
