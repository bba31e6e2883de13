/**
 * The variables table of a process, container, pod container, shell startup or recorded exec: value
 * (masked when secret), source kind, file:line or object, actor and confidence; shadowed values and PATH
 * segments under their variable; notes below the table.
 */
import { modeLabel } from "../../attribution/shell/startup.js";
import type { Subject } from "../../model/index.js";
import { displayString } from "../values.js";
import {
  actorLabel,
  kindLabel,
  type Paint,
  table,
  truncate,
  truncateLeft,
  where,
  whereLabel,
} from "./layout.js";

export interface VariablesLayout {
  reveal: boolean;
  /** Terminal width; undefined = no limit. */
  width?: number;
  /** `--wide`: never cut a column. */
  wide?: boolean;
}

export function subjectTitle(s: Subject): string {
  const envPid = s.details.envPid;
  if (s.kind === "shell-startup") {
    const mode = s.details.mode;
    return `${s.details.shell ?? "shell"} (${mode ? modeLabel(mode) : "?"}), HOME=${s.details.home ?? "?"}: what the startup files export`;
  }
  return envPid !== undefined && envPid !== s.details.pid
    ? `${s.name} — the environment it exported to pid ${envPid}`
    : s.name;
}

export function variableLines(s: Subject, paint: Paint, o: VariablesLayout): string[] {
  const vars = s.variables ?? [];
  const maxValue = o.wide ? Number.POSITIVE_INFINITY : o.width ? Math.max(16, Math.floor(o.width / 4)) : 48;
  const maxWhere = o.wide || !o.width ? Number.POSITIVE_INFINITY : Math.max(24, Math.floor(o.width / 3));
  const cut = (x: string) => truncate(x, maxValue);
  // Paths under the subject's own HOME read better as ~/…; --wide keeps them whole and absolute.
  const homeVar = vars.find((v) => v.key === "HOME")?.value ?? s.details.home;
  const home = typeof homeVar === "string" && /^\/[^\0]+[^/]$/.test(homeVar) && !o.wide ? homeVar : undefined;
  const tilde = (x: string) => (home ? x.split(`${home}/`).join("~/") : x);
  const cutWhere = (x: string) => truncateLeft(tilde(x), maxWhere);
  const lines: string[] = [];
  if (s.kind === "shell-startup" && s.details.files)
    lines.push(
      paint(`files read: ${s.details.files.length > 0 ? s.details.files.join(", ") : "none"}`, "dim"),
    );
  if (s.details.traced)
    lines.push(
      paint("--trace ran the shell: its startup files were executed to confirm these answers", "yellow"),
    );
  const rows: string[][] = [
    ["KEY", "VALUE", "SOURCE", "WHERE", "ACTOR", "CONFIDENCE"].map((h) => paint(h, "dim")),
  ];
  for (const v of vars) {
    const secret = typeof v.value !== "string";
    const value = cut(displayString(v.value, o.reveal));
    const conf = v.winner?.confidence ?? "possible";
    rows.push([
      paint(v.key, "bold"),
      secret ? paint(value, "yellow") : value,
      paint(kindLabel(v.winner), "cyan"),
      cutWhere(whereLabel(v.winner)),
      actorLabel(v.winner),
      conf === "certain" ? paint(conf, "green") : conf,
    ]);
    for (const sh of v.shadowed) {
      rows.push([
        paint("  shadowed", "dim"),
        paint(cut(displayString(sh.value, o.reveal)), "dim"),
        paint(kindLabel(sh.attribution), "dim"),
        paint(cutWhere(whereLabel(sh.attribution)), "dim"),
        paint(actorLabel(sh.attribution), "dim"),
        "",
      ]);
    }
    if (v.segments && v.segments.length > 1) {
      for (const seg of v.segments) {
        rows.push([
          paint("  segment", "dim"),
          cut(seg.segment),
          "",
          paint(cutWhere(seg.location ? where(seg.location) : "(inherited)"), "dim"),
          "",
          "",
        ]);
      }
    }
  }
  for (const k of s.missing ?? []) rows.push([paint(k, "bold"), paint("not set", "dim"), "", "", "", ""]);
  lines.push(...table(rows));
  // Notes are prose (a value the files do not explain, a value unknown offline): below the table, by key.
  for (const v of vars) {
    for (const n of v.notes) lines.push(paint(`  note  ${v.key}: ${n.replace(/\n/g, " ")}`, "dim"));
  }
  return lines;
}
