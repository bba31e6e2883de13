/**
 * Markdown reporter: for `$GITHUB_STEP_SUMMARY` and GitLab job reports (GitHub-flavoured tables, HTML
 * `<details>` for long ones). A summary line, every finding worst first, then one section per subject
 * shaped by what it holds (variables, Go settings, host checks, drift entries).
 *
 * Every string from the report goes through {@link escapeCell}: table pipes, backticks, markdown
 * emphasis/link characters and `<`, `>`, `&` are escaped and newlines shown as `\n`, so a value can neither
 * break a table nor inject HTML. GitHub refuses a step summary over 1 MiB: the output is capped (default
 * {@link MARKDOWN_MAX_BYTES}) by leaving out whole sections from the end, and says what it left out.
 */
import {
  type CollectionIssue,
  type DriftSideInfo,
  type Finding,
  type Report,
  SEVERITY_RANK,
  type Subject,
} from "../model/index.js";
import type { Reporter } from "./reporter.js";
import { summarize } from "./summary.js";
import { sourceLabel, sourceWhere } from "./text/go.js";
import { actorLabel, kindLabel, whereLabel } from "./text/layout.js";
import { displayString } from "./values.js";

/** GitHub's limit for one step's summary (1 MiB); the output never exceeds it. */
export const MARKDOWN_MAX_BYTES = 1024 * 1024;
/** Tables longer than this are folded into `<details>`. */
export const FOLD_ROWS = 20;

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * Text safe inside a GFM table cell and as inline markdown: markdown punctuation backslash-escaped (an
 * underscore only where it could open or close emphasis, so keys stay as they are),
 * HTML's `&`, `<`, `>` as entities, line breaks as a visible `\n`, other control characters as `\xNN`.
 */
export function escapeCell(s: string): string {
  return (
    s
      .replace(/[\\`*[\]~|!#]/g, "\\$&")
      // An underscore between two letters or digits cannot start or end emphasis (GFM): `DEPLOY_TOKEN` stays.
      .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "\\_")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/\r\n|\r|\n/g, "\\\\n")
      .replace(/\t/g, " ")
      .replace(CONTROL, (c) => `\\\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
  );
}

/** One table row from cells already escaped. */
const row = (cells: readonly string[]) => `| ${cells.map((c) => c || " ").join(" | ")} |`;

/** A table (cells escaped here), folded into `<details>` when long. */
function mdTable(header: readonly string[], rows: readonly string[][], fold: string): string[] {
  const lines = [row(header), row(header.map(() => "---")), ...rows.map((r) => row(r.map(escapeCell)))];
  if (rows.length <= FOLD_ROWS) return lines;
  return [`<details><summary>${escapeCell(fold)}</summary>`, "", ...lines, "", "</details>"];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function summaryLine(r: Report): string {
  const s = summarize(r.subjects, r.issues);
  const parts = [plural(s.subjects, "subject"), plural(s.variables, "variable")];
  const settings = r.subjects.reduce((n, x) => n + (x.settings?.length ?? 0), 0);
  const checks = r.subjects.reduce((n, x) => n + (x.checks?.length ?? 0), 0);
  const drift = r.subjects.reduce((n, x) => n + (x.drift?.length ?? 0), 0);
  if (settings) parts.push(plural(settings, "Go setting"));
  if (checks) parts.push(plural(checks, "host check"));
  if (drift) parts.push(plural(drift, "drift entry", "drift entries"));
  const findings = Object.entries(s.findings).map(([sev, n]) => `${n} ${sev}`);
  parts.push(findings.length ? `findings: ${findings.join(", ")}` : "no findings");
  if (s.secrets) parts.push(`${plural(s.secrets, "secret")} ${r.run.revealed ? "shown" : "masked"}`);
  const issues = Object.values(s.issues).reduce((a, b) => a + b, 0);
  if (issues)
    parts.push(
      `${plural(issues, "collection issue")} (${Object.entries(s.issues)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")})`,
    );
  return `**${parts.join(" · ")}**`;
}

function header(r: Report): string[] {
  const run = r.run;
  const lines = [`## envtrace ${escapeCell(run.command)}`, ""];
  if (run.revealed)
    lines.push("> [!CAUTION]", "> Values revealed (`--reveal`): this summary contains secrets in clear.", "");
  lines.push(summaryLine(r), "");
  lines.push(
    `${escapeCell(`${run.tool.name} ${run.tool.version}`)} on ${escapeCell(run.host)}, ${escapeCell(run.startedAt)} → ${escapeCell(run.endedAt)}: ${escapeCell(["envtrace", ...run.argv].join(" "))}`,
    "",
  );
  return lines;
}

function byWorst(a: Finding, b: Finding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function findingRow(f: Finding, subject: string): string[] {
  return [f.severity, f.id, subject, f.key ?? "", f.message, f.remediation ?? ""];
}

const FINDING_HEADER = ["Severity", "ID", "Subject", "Key", "Message", "Fix"];

function subjectTitle(s: Subject): string {
  const envPid = s.details.envPid;
  if (s.kind === "shell-startup")
    return `${s.details.shell ?? "shell"} startup files (HOME ${s.details.home ?? "?"})`;
  if (envPid !== undefined && envPid !== s.details.pid)
    return `${s.name}: the environment it exported to pid ${envPid}`;
  return s.kind === "module-cache" ? `module cache ${s.name}` : s.name;
}

function variableRows(s: Subject, reveal: boolean): string[][] {
  const rows: string[][] = [];
  for (const v of s.variables ?? []) {
    rows.push([
      v.key,
      displayString(v.value, reveal),
      kindLabel(v.winner),
      whereLabel(v.winner),
      actorLabel(v.winner),
      v.winner?.confidence ?? "possible",
    ]);
    for (const sh of v.shadowed)
      rows.push([
        "↳ shadowed",
        displayString(sh.value, reveal),
        kindLabel(sh.attribution),
        whereLabel(sh.attribution),
        actorLabel(sh.attribution),
        sh.attribution.confidence,
      ]);
  }
  for (const k of s.missing ?? []) rows.push([k, "(not set)", "", "", "", ""]);
  return rows;
}

function sideText(x: DriftSideInfo | undefined): string {
  if (!x) return "—";
  const src = x.source;
  const kind = src.mechanism ? `${src.kind}:${src.mechanism}` : src.kind;
  const at = src.file ? `${src.file}${src.line !== undefined ? `:${src.line}` : ""}` : (src.resource ?? "");
  return `${x.value} (${at ? `${kind} ${at}` : kind})`;
}

function subjectBody(s: Subject, reveal: boolean): string[] {
  const name = subjectTitle(s);
  const out: string[] = [];
  if (s.variables || s.missing) {
    out.push(
      ...mdTable(
        ["Key", "Value", "Source", "Where", "Actor", "Confidence"],
        variableRows(s, reveal),
        `Variables of ${name} (${s.variables?.length ?? 0})`,
      ),
    );
  }
  if (s.settings) {
    const rows: string[][] = [];
    for (const st of s.settings) {
      rows.push([st.key, displayString(st.value, reveal), sourceLabel(st.source), sourceWhere(st.source)]);
      for (const sh of st.shadowed ?? [])
        rows.push([
          "↳ shadowed",
          displayString(sh.value, reveal),
          sourceLabel(sh.source),
          sourceWhere(sh.source),
        ]);
    }
    out.push(...mdTable(["Setting", "Value", "Source", "Where"], rows, `Go settings (${s.settings.length})`));
  }
  if (s.checks) {
    out.push(
      ...mdTable(
        ["ID", "Check", "Status", "Summary"],
        s.checks.map((c) => [c.id, c.dimension, c.status, c.summary]),
        `Host checks (${s.checks.length})`,
      ),
    );
  }
  if (s.drift) {
    const a = s.details.a?.label ?? "before";
    const b = s.details.b?.label ?? "after";
    out.push(
      s.drift.length === 0
        ? "No drift."
        : mdTable(
            ["Change", "Key", a, b],
            s.drift.map((d) => [
              d.change,
              `${d.scope === "go" ? "go:" : ""}${d.key}`,
              sideText(d.before),
              sideText(d.after),
            ]),
            `Drift entries (${s.drift.length})`,
          ).join("\n"),
    );
  }
  if (s.kind === "module-cache") {
    const d = s.details;
    out.push(
      escapeCell(
        `${d.moduleVersions ?? 0} module version(s), ${d.zips ?? 0} zip(s) hashed, ${s.findings.length} mismatch(es)`,
      ),
    );
  }
  if (s.kind === "audit-log") out.push(escapeCell(auditLine(s)));
  const notes = [
    ...(s.notes ?? []),
    ...(s.variables ?? []).flatMap((v) => v.notes.map((n) => `${v.key}: ${n}`)),
  ];
  if (notes.length) out.push("", ...notes.map((n) => `- ${escapeCell(n)}`));
  if (s.issues.length) out.push("", "Not read:", "", ...issueLines(s.issues));
  return out;
}

/** An audit log that `audit verify` read: what it holds and whether its chain is intact. */
export function auditLine(s: Subject): string {
  const d = s.details as { files?: string[]; records?: number; runs?: number; intact?: boolean };
  return `${d.records ?? 0} record(s), ${d.runs ?? 0} run(s) in ${(d.files ?? []).join(", ")}: ${d.intact ? "chain intact" : "chain damaged (see the findings)"}`;
}

function issueLines(issues: readonly CollectionIssue[]): string[] {
  return issues.map((i) => `- ⚠ ${escapeCell(`${i.subject}: ${i.code}: ${i.detail}`)}`);
}

/** A scan's one row per process (the per-process tables follow, folded). */
function processTable(r: Report): string[] {
  const rows = r.subjects.map((s) => {
    const sum = summarize([s]);
    return [
      String(s.details.pid ?? ""),
      s.details.comm ?? s.name,
      String(sum.variables),
      String(sum.secrets),
      String(s.findings.length),
      String(sum.unknown),
      Object.entries(sum.byKind)
        .slice(0, 3)
        .map(([k, n]) => `${k} ${n}`)
        .join(", "),
    ];
  });
  return mdTable(
    ["PID", "Command", "Variables", "Secrets", "Findings", "Unattributed", "Top sources"],
    rows,
    `Processes (${rows.length})`,
  );
}

const bytes = (lines: readonly string[]) => lines.reduce((n, l) => n + Buffer.byteLength(l, "utf8") + 1, 0);

export interface MarkdownOptions {
  /** Output cap in bytes (default 1 MiB, GitHub's step summary limit). */
  maxBytes?: number;
}

export function renderMarkdown(r: Report, o: MarkdownOptions = {}): string {
  const max = o.maxBytes ?? MARKDOWN_MAX_BYTES;
  const reveal = r.run.revealed;
  // Room kept for the line that says what was left out.
  const budget = max - 400;
  const out = header(r);
  let used = bytes(out);
  const left = { findings: 0, sections: 0 };
  const add = (lines: string[]): boolean => {
    const n = bytes(lines);
    if (used + n > budget) return false;
    out.push(...lines);
    used += n;
    return true;
  };

  const findings = r.subjects
    .flatMap((s) => s.findings.map((f) => ({ f, subject: s.name })))
    .sort((a, b) => byWorst(a.f, b.f));
  if (findings.length > 0) {
    const fold = findings.length > FOLD_ROWS;
    const head = [
      `### Findings (${findings.length})`,
      "",
      ...(fold ? [`<details open><summary>${findings.length} findings, worst first</summary>`, ""] : []),
      row(FINDING_HEADER),
      row(FINDING_HEADER.map(() => "---")),
    ];
    const tail = fold ? ["", "</details>", ""] : [""];
    used += bytes(tail);
    add(head);
    for (const [i, x] of findings.entries()) {
      if (!add([row(findingRow(x.f, x.subject).map(escapeCell))])) {
        left.findings = findings.length - i;
        break;
      }
    }
    out.push(...tail);
  }

  // Sections are made one at a time: once one does not fit, the rest are only counted.
  const sections: Array<() => string[]> = [];
  const isScan = r.run.command === "scan" && r.subjects.length > 1;
  if (isScan) sections.push(() => ["### Processes", "", ...processTable(r), ""]);
  for (const s of r.subjects) {
    sections.push(() => {
      const body = subjectBody(s, reveal);
      if (body.length === 0) return [];
      const title = escapeCell(subjectTitle(s));
      // A scan's per-process tables are folded even when short: the processes table is the overview.
      return isScan
        ? [`<details><summary>${title}</summary>`, "", ...body, "", "</details>", ""]
        : [`### ${title}`, "", ...body, ""];
    });
  }
  if (r.issues.length > 0) sections.push(() => ["### Collection issues", "", ...issueLines(r.issues), ""]);
  for (const [i, make] of sections.entries()) {
    if (!add(make())) {
      left.sections = sections.length - i;
      break;
    }
  }
  if (left.findings || left.sections) {
    const what = [
      left.findings ? plural(left.findings, "finding") : "",
      left.sections ? plural(left.sections, "section") : "",
    ]
      .filter(Boolean)
      .join(" and ");
    out.push(
      `> [!NOTE]`,
      `> Cut to ${Math.floor(max / 1024)} KiB (GitHub's step summary limit): ${what} left out. The full report: \`--format html\` or \`--format json\` with \`--output\`.`,
      "",
    );
  }
  return `${out.join("\n").trimEnd()}\n`;
}

export const markdownReporter: Reporter = {
  id: "markdown",
  description: "GitHub/GitLab job summary ($GITHUB_STEP_SUMMARY): findings and variables tables, ≤ 1 MiB",
  extension: "md",
  render: (r) => renderMarkdown(r),
};
