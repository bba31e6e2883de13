/** The findings block every text report ends with: severity, id, key, message and the fix, worst first. */
import { type CollectionIssue, type Finding, SEVERITY_RANK } from "../../model/index.js";
import { type Paint, table } from "./layout.js";

export function findingLines(findings: readonly Finding[], paint: Paint): string[] {
  if (findings.length === 0) return [];
  const sorted = [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const lines: string[] = ["", paint(`Findings (${findings.length})`, "bold")];
  const rows: string[][] = [["SEVERITY", "ID", "KEY", "FINDING"].map((h) => paint(h, "dim"))];
  for (const f of sorted) {
    const sev =
      SEVERITY_RANK[f.severity] >= SEVERITY_RANK.high
        ? paint(f.severity, "red")
        : f.severity === "medium"
          ? paint(f.severity, "yellow")
          : f.severity;
    rows.push([sev, f.id, f.key ?? "", f.message.replace(/\n/g, " ")]);
  }
  lines.push(...table(rows).map((l) => `  ${l}`));
  // The fix once per rule (and message), not once per finding.
  const seen = new Set<string>();
  for (const f of sorted) {
    if (!f.remediation) continue;
    const k = `${f.id}\0${f.remediation}`;
    if (seen.has(k)) continue;
    seen.add(k);
    lines.push(`  ${paint(f.id, "bold")} fix: ${f.remediation}`);
    if (f.references?.length) lines.push(paint(`    see ${f.references.join(" ")}`, "dim"));
  }
  return lines;
}

export function issueLines(issues: readonly CollectionIssue[], paint: Paint): string[] {
  return issues.map((i) => paint(`  ! ${i.subject}: ${i.code}: ${i.detail.replace(/\n/g, " ")}`, "yellow"));
}
