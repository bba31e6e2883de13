/**
 * Text reporter: what a person reads first. Per variable: value (masked when secret), source kind,
 * file:line or object, actor and confidence, in aligned columns; coloured only when asked (TTY and no
 * NO_COLOR, decided by the CLI).
 */
import {
  type Attribution,
  type DisplayValue,
  type ExplainResult,
  isFileLocation,
  isProcessActor,
  type Location,
} from "../model/index.js";
import { displayString, type ExplainReporter, type RenderOptions } from "./reporter.js";
import { summarize } from "./summary.js";

const ANSI = {
  dim: "\x1b[2m",
  bold: "\x1b[1m",
  yellow: "\x1b[33m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  cyan: "\x1b[36m",
  reset: "\x1b[0m",
};
type Style = keyof typeof ANSI;

export function where(loc: Location | undefined): string {
  if (!loc) return "";
  if (isFileLocation(loc)) return loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file;
  const res = loc.key !== undefined ? `${loc.resource}[${loc.key}]` : loc.resource;
  return loc.file ? `${res} (${loc.file}${loc.line !== undefined ? `:${loc.line}` : ""})` : res;
}

function kindLabel(a: Attribution | null): string {
  if (!a) return "unknown";
  return a.mechanism ? `${a.kind}:${a.mechanism}` : a.kind;
}

function whereLabel(a: Attribution | null): string {
  if (!a) return "";
  const w = where(a.location);
  if (w) return w;
  if (a.candidates?.length) return `one of ${a.candidates.map(where).join(", ")}`;
  return "";
}

function actorLabel(a: Attribution | null): string {
  if (!a?.actor) return "";
  return isProcessActor(a.actor) ? `${a.actor.comm} (${a.actor.pid})` : a.actor.fieldManager;
}

/** Visible width of a string (escape sequences do not count). */
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "").length;

/** One line, at most `max` visible characters (an ellipsis marks the cut). */
export function truncate(s: string, max: number): string {
  const oneLine = s.replace(/\n/g, "\\n");
  return oneLine.length > max ? `${oneLine.slice(0, Math.max(1, max - 1))}…` : oneLine;
}

/** Aligns rows into columns (escape sequences do not count towards widths). */
export function table(rows: string[][], gap = "  "): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, visible(c));
  }
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - visible(c))))
      .join(gap)
      .trimEnd(),
  );
}

export function renderOne(r: ExplainResult<DisplayValue>, opts: RenderOptions): string {
  const paint = (s: string, style: Style) => (opts.color && s ? `${ANSI[style]}${s}${ANSI.reset}` : s);
  const maxValue = opts.width ? Math.max(16, Math.floor(opts.width / 4)) : 48;
  const lines: string[] = [];
  const subj = r.subject;
  const name = subj.pid !== undefined ? `${subj.comm ?? "?"} (pid ${subj.pid})` : (subj.name ?? "subject");
  lines.push(
    paint(r.envPid !== undefined ? `${name} — the environment it exported to pid ${r.envPid}` : name, "bold"),
  );
  if (opts.reveal) lines.push(paint("values revealed (--reveal): this output contains secrets", "red"));
  const rows: string[][] = [
    ["KEY", "VALUE", "SOURCE", "WHERE", "ACTOR", "CONFIDENCE"].map((h) => paint(h, "dim")),
  ];
  for (const v of r.variables) {
    const secret = typeof v.value !== "string";
    const value = truncate(displayString(v.value, opts.reveal), maxValue);
    const conf = v.winner?.confidence ?? "possible";
    rows.push([
      paint(v.key, "bold"),
      secret ? paint(value, "yellow") : value,
      paint(kindLabel(v.winner), "cyan"),
      whereLabel(v.winner),
      actorLabel(v.winner),
      conf === "certain" ? paint(conf, "green") : conf,
    ]);
    for (const s of v.shadowed) {
      rows.push([
        paint("  shadowed", "dim"),
        paint(truncate(displayString(s.value, opts.reveal), maxValue), "dim"),
        paint(kindLabel(s.attribution), "dim"),
        paint(whereLabel(s.attribution), "dim"),
        paint(actorLabel(s.attribution), "dim"),
        "",
      ]);
    }
    if (v.segments && v.segments.length > 1) {
      for (const seg of v.segments) {
        rows.push([
          paint("  segment", "dim"),
          truncate(seg.segment, maxValue),
          "",
          paint(where(seg.location), "dim"),
          "",
          "",
        ]);
      }
    }
  }
  lines.push(...table(rows));
  // Notes are prose (a value the files do not explain, a value unknown offline): below the table, by key.
  for (const v of r.variables) {
    for (const n of v.notes) lines.push(paint(`  note  ${v.key}: ${n.replace(/\n/g, " ")}`, "dim"));
  }
  const secrets = r.findings.filter((f) => f.id === "ENVT-SECRET-001").length;
  const foot = [`${r.variables.length} variable(s)`];
  if (secrets > 0)
    foot.push(opts.reveal ? `${secrets} secret(s) shown` : `${secrets} secret(s) masked (--reveal to show)`);
  if (r.issues.length > 0) foot.push(`${r.issues.length} collection issue(s)`);
  lines.push(paint(foot.join(", "), "dim"));
  for (const i of r.issues) lines.push(paint(`  ! ${i.subject}: ${i.code}: ${i.detail}`, "yellow"));
  return `${lines.join("\n")}\n`;
}

export function renderScan(results: ReadonlyArray<ExplainResult<DisplayValue>>, opts: RenderOptions): string {
  const paint = (s: string, style: Style) => (opts.color && s ? `${ANSI[style]}${s}${ANSI.reset}` : s);
  const rows: string[][] = [
    ["PID", "COMM", "VARS", "SECRETS", "UNATTRIBUTED", "TOP SOURCES"].map((h) => paint(h, "dim")),
  ];
  for (const r of results) {
    const s = summarize([r]);
    rows.push([
      String(r.subject.pid ?? ""),
      r.subject.comm ?? "",
      String(s.variables),
      s.secrets ? paint(String(s.secrets), "yellow") : "0",
      String(s.unknown),
      Object.entries(s.byKind)
        .slice(0, 3)
        .map(([k, n]) => `${k} ${n}`)
        .join(", "),
    ]);
  }
  const total = summarize(results);
  const out = table(rows);
  out.push("");
  out.push(paint("Summary", "bold"));
  out.push(`  processes: ${total.processes}, variables: ${total.variables}, unattributed: ${total.unknown}`);
  out.push(
    `  sources by kind: ${
      Object.entries(total.byKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ") || "none"
    }`,
  );
  out.push(`  secrets found: ${total.secrets}${total.secrets && !opts.reveal ? " (masked)" : ""}`);
  out.push(
    `  collection issues: ${
      Object.entries(total.issues)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ") || "none"
    }`,
  );
  return `${out.join("\n")}\n`;
}

export const textReporter: ExplainReporter = {
  id: "text",
  render(results, opts) {
    return results.length === 1 ? renderOne(results[0]!, opts) : renderScan(results, opts);
  },
};
