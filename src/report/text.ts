/**
 * Text reporter: what a person reads first. One section per subject, shaped by what the subject holds
 * (variables, Go settings, host checks, drift), each ending with its findings (severity, id, key, message,
 * fix) and what could not be read. A scan of many processes prints one row per process and a summary.
 * Colour only when the CLI asks (a TTY and no NO_COLOR).
 */
import type { Report, Subject } from "../model/index.js";
import type { RenderOptions, Reporter } from "./reporter.js";
import { summarize } from "./summary.js";
import { driftLines, driftTitle } from "./text/drift.js";
import { findingLines, issueLines } from "./text/findings.js";
import { goTitle, modcacheLines, settingLines } from "./text/go.js";
import { checkLines, hostTitle } from "./text/host.js";
import { type Paint, painter, table } from "./text/layout.js";
import { subjectTitle, variableLines } from "./text/variables.js";

function title(s: Subject): string {
  switch (s.kind) {
    case "go-toolchain":
      return goTitle(s);
    case "host":
      return hostTitle(s);
    case "drift":
      return driftTitle(s);
    case "module-cache":
      return `module cache ${s.name}`;
    default:
      return subjectTitle(s);
  }
}

function body(s: Subject, paint: Paint, reveal: boolean, opts: RenderOptions): string[] {
  switch (s.kind) {
    case "go-toolchain":
      return settingLines(s, paint, { reveal, ...(opts.width ? { width: opts.width } : {}) });
    case "host":
      return checkLines(s, paint);
    case "drift":
      return driftLines(s, paint);
    case "module-cache":
      return modcacheLines(s, paint);
    case "inputs":
      return [];
    case "audit-log":
      return auditLines(s, paint);
    default:
      return variableLines(s, paint, {
        reveal,
        ...(opts.width ? { width: opts.width } : {}),
        ...(opts.wide ? { wide: true } : {}),
      });
  }
}

/** An audit log that `audit verify` read: what it holds and whether the chain is intact. */
function auditLines(s: Subject, paint: Paint): string[] {
  const d = s.details as {
    files?: string[];
    records?: number;
    runs?: number;
    openRuns?: number;
    /** `none`, `all` or `some`. */
    macs?: string;
    macChecked?: boolean;
    head?: { seq: number; hash: string };
    intact?: boolean;
  };
  const lines = [
    `${d.records ?? 0} record(s), ${d.runs ?? 0} run(s)${d.openRuns ? `, ${d.openRuns} without a run-end` : ""} in ${(d.files ?? []).join(", ")}`,
    `MACs: ${!d.macs || d.macs === "none" ? "none" : `${d.macs} records, ${d.macChecked ? "checked with the key" : "not checked (no key given)"}`}`,
  ];
  if (d.head) lines.push(`head: seq ${d.head.seq} hash ${d.head.hash}`);
  lines.push(d.intact ? paint("chain intact", "green") : paint("chain damaged: see the findings", "red"));
  return lines;
}

function footer(s: Subject, reveal: boolean): string {
  const foot: string[] = [];
  if (s.variables) foot.push(`${s.variables.length} variable(s)`);
  if (s.settings) foot.push(`${s.settings.length} setting(s)`);
  if (s.checks) foot.push(`${s.checks.length} check(s)`);
  const secrets = summarize([s]).secrets;
  if (secrets > 0)
    foot.push(reveal ? `${secrets} secret(s) shown` : `${secrets} secret(s) masked (--reveal to show)`);
  foot.push(`${s.findings.length} finding(s)`);
  if (s.issues.length > 0) foot.push(`${s.issues.length} collection issue(s)`);
  return foot.join(", ");
}

export function renderSubject(s: Subject, paint: Paint, reveal: boolean, opts: RenderOptions): string[] {
  const lines = [paint(title(s), "bold"), ...body(s, paint, reveal, opts)];
  lines.push(...findingLines(s.findings, paint));
  lines.push(paint(footer(s, reveal), "dim"));
  lines.push(...issueLines(s.issues, paint));
  return lines;
}

/** Many processes (scan): one row each, then the summary and every finding. */
function renderScan(r: Report, paint: Paint): string[] {
  const rows: string[][] = [
    ["PID", "COMM", "VARS", "SECRETS", "FINDINGS", "UNATTRIBUTED", "TOP SOURCES"].map((h) => paint(h, "dim")),
  ];
  for (const s of r.subjects) {
    const sum = summarize([s]);
    rows.push([
      String(s.details.pid ?? ""),
      s.details.comm ?? s.name,
      String(sum.variables),
      sum.secrets ? paint(String(sum.secrets), "yellow") : "0",
      String(s.findings.length),
      String(sum.unknown),
      Object.entries(sum.byKind)
        .slice(0, 3)
        .map(([k, n]) => `${k} ${n}`)
        .join(", "),
    ]);
  }
  const total = summarize(r.subjects, r.issues);
  const out = table(rows);
  const list = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ") || "none";
  out.push("", paint("Summary", "bold"));
  out.push(`  processes: ${total.subjects}, variables: ${total.variables}, unattributed: ${total.unknown}`);
  out.push(`  sources by kind: ${list(total.byKind)}`);
  out.push(`  secrets found: ${total.secrets}${total.secrets && !r.run.revealed ? " (masked)" : ""}`);
  out.push(`  findings: ${list(total.findings)}`);
  out.push(`  collection issues: ${list(total.issues)}`);
  const findings = r.subjects.flatMap((s) =>
    s.findings.map((f) => ({ ...f, key: `${s.name}: ${f.key ?? ""}` })),
  );
  out.push(...findingLines(findings, paint));
  return out;
}

export const textReporter: Reporter = {
  id: "text",
  description: "aligned tables for people (colour on a terminal; NO_COLOR respected)",
  extension: "txt",
  render(r, opts) {
    const paint = painter(!!opts.color);
    const reveal = r.run.revealed;
    const lines: string[] = [];
    if (reveal) lines.push(paint("values revealed (--reveal): this output contains secrets", "red"));
    const processes = r.subjects.filter((s) => s.kind === "process");
    if (r.run.command === "scan" || (processes.length > 1 && processes.length === r.subjects.length)) {
      lines.push(...renderScan(r, paint));
    } else {
      for (const [i, s] of r.subjects.entries()) {
        if (i > 0) lines.push("");
        lines.push(...renderSubject(s, paint, reveal, opts));
      }
    }
    if (r.issues.length > 0) {
      lines.push("", paint(`${r.issues.length} collection issue(s) with the inputs`, "dim"));
      lines.push(...issueLines(r.issues, paint));
    }
    return `${lines.join("\n")}\n`;
  },
};
