/**
 * Renders a {@link DriftReport}: text for people, JSON (`schemaVersion` 1) for machines. Values come from
 * snapshots, where secrets are already stored as masks; nothing here can reveal one.
 */
import { SEVERITY_RANK } from "../model/index.js";
import { type DriftReport, type DriftSide, describeSource } from "./diff.js";

export function renderDriftJson(r: DriftReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

const ANSI = { red: "\x1b[31m", yellow: "\x1b[33m", dim: "\x1b[2m", bold: "\x1b[1m", reset: "\x1b[0m" };

function short(s: string, max = 48): string {
  const one = s.replace(/\n/g, "\\n");
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function sideText(s: DriftSide | undefined): string {
  if (!s) return "—";
  return `${short(s.value)}  [${describeSource(s.source)}]`;
}

export function renderDriftText(r: DriftReport, color = false): string {
  const paint = (s: string, k: keyof typeof ANSI) => (color && s ? `${ANSI[k]}${s}${ANSI.reset}` : s);
  const lines: string[] = [];
  const head = (x: DriftReport["a"]) => `${x.label} (${x.file}, ${x.createdAt}${x.go ? `, ${x.go}` : ""})`;
  lines.push(paint(`envtrace diff: ${head(r.a)} → ${head(r.b)}`, "bold"));
  if (r.changes.length === 0) lines.push("no drift");
  const rows = r.changes.map((c) => [
    c.change,
    `${c.scope === "go" ? "go:" : ""}${c.key}`,
    sideText(c.before),
    sideText(c.after),
  ]);
  const header = ["CHANGE", "KEY", r.a.label.toUpperCase(), r.b.label.toUpperCase()];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  if (rows.length > 0) {
    for (const [n, row] of all.entries()) {
      const line = row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd();
      lines.push(n === 0 ? paint(line, "dim") : line);
    }
  }
  if (r.findings.length > 0) {
    lines.push("", paint("Findings", "bold"));
    for (const f of r.findings) {
      const sev = f.severity.toUpperCase().padEnd(8);
      lines.push(
        `  ${paint(sev, SEVERITY_RANK[f.severity] >= SEVERITY_RANK.high ? "red" : "yellow")} ${f.id} ${f.messageId}: ${f.message}`,
      );
      if (f.remediation) lines.push(paint(`           fix: ${f.remediation}`, "dim"));
    }
  }
  for (const n of r.notes) lines.push(paint(`note: ${n}`, "dim"));
  const counts = { added: 0, removed: 0, changed: 0, "source-changed": 0 };
  for (const c of r.changes) counts[c.change]++;
  lines.push(
    paint(
      `${counts.added} added, ${counts.removed} removed, ${counts.changed} changed, ${counts["source-changed"]} moved source; ${r.findings.length} finding(s)`,
      "dim",
    ),
  );
  return `${lines.join("\n")}\n`;
}
