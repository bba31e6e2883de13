/** What every text section shares: colours (only when asked), column alignment, truncation, locations. */
import { type Attribution, isFileLocation, isProcessActor, type Location } from "../../model/index.js";

const ANSI = {
  dim: "\x1b[2m",
  bold: "\x1b[1m",
  yellow: "\x1b[33m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  cyan: "\x1b[36m",
  reset: "\x1b[0m",
};
export type Style = keyof typeof ANSI;
export type Paint = (s: string, style: Style) => string;

export function painter(color: boolean): Paint {
  return (s, style) => (color && s ? `${ANSI[style]}${s}${ANSI.reset}` : s);
}

/** Visible width of a string (escape sequences do not count). */
export const visible = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, "").length;

/** One line, at most `max` visible characters (an ellipsis marks the cut). */
export function truncate(s: string, max: number): string {
  const oneLine = s.replace(/\n/g, "\\n");
  return oneLine.length > max ? `${oneLine.slice(0, Math.max(1, max - 1))}…` : oneLine;
}

/** A path cut from the left, so that its file name and line stay readable. */
export function truncateLeft(s: string, max: number): string {
  return s.length > max ? `…${s.slice(s.length - Math.max(1, max - 1))}` : s;
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

export function where(loc: Location | undefined): string {
  if (!loc) return "";
  if (isFileLocation(loc)) return loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file;
  const res = loc.key !== undefined ? `${loc.resource}[${loc.key}]` : loc.resource;
  return loc.file ? `${res} (${loc.file}${loc.line !== undefined ? `:${loc.line}` : ""})` : res;
}

export function kindLabel(a: Attribution | null | undefined): string {
  if (!a) return "unknown";
  return a.mechanism ? `${a.kind}:${a.mechanism}` : a.kind;
}

export function whereLabel(a: Attribution | null | undefined): string {
  if (!a) return "";
  const w = where(a.location);
  if (w) return w;
  if (a.candidates?.length) return `one of ${a.candidates.map(where).join(", ")}`;
  return "";
}

export function actorLabel(a: Attribution | null | undefined): string {
  if (!a?.actor) return "";
  return isProcessActor(a.actor) ? `${a.actor.comm} (${a.actor.pid})` : a.actor.fieldManager;
}
