/**
 * Text output of `envtrace go` and `envtrace go verify-modcache`: aligned columns, secrets already masked
 * (a SecretValue prints its mask), colour only when the CLI asks for it.
 */
import { isProcessActor } from "../../model/index.js";
import { displayString } from "../../report/reporter.js";
import { where } from "../../report/text.js";
import type { VerifyReport } from "../modcache/verify.js";
import { NOT_ASKED_NOTE } from "../provenance.js";
import type { GoReport, GoSettingSource } from "../types.js";

const ANSI = {
  dim: "\x1b[2m",
  bold: "\x1b[1m",
  yellow: "\x1b[33m",
  red: "\x1b[31m",
  cyan: "\x1b[36m",
  reset: "\x1b[0m",
};
type Style = keyof typeof ANSI;

export interface GoTextOptions {
  color: boolean;
  reveal: boolean;
  width?: number;
}

const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "").length;

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, visible(c));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - visible(c))))
      .join("  ")
      .trimEnd(),
  );
}

function truncate(s: string, max: number): string {
  const one = s.replace(/\n/g, "\\n");
  return one.length > max ? `${one.slice(0, Math.max(1, max - 1))}…` : one;
}

export function sourceLabel(s: GoSettingSource): string {
  if (s.kind === "derived") return `derived from ${s.from}`;
  return s.confidence === "likely" ? `${s.kind} (likely)` : s.kind;
}

export function sourceWhere(s: GoSettingSource): string {
  if (s.file) return s.line !== undefined ? `${s.file}:${s.line}` : s.file;
  if (s.origin) {
    const o = s.origin;
    const kind = o.mechanism ? `${o.kind}:${o.mechanism}` : o.kind;
    const w = where(o.location);
    const actor = o.actor
      ? isProcessActor(o.actor)
        ? `${o.actor.comm} (${o.actor.pid})`
        : o.actor.fieldManager
      : "";
    return [`← ${kind}`, w, actor ? `by ${actor}` : ""].filter(Boolean).join(" ");
  }
  return "";
}

export function renderGoText(r: GoReport, opts: GoTextOptions): string {
  const paint = (s: string, st: Style) => (opts.color && s ? `${ANSI[st]}${s}${ANSI.reset}` : s);
  const maxValue = opts.width ? Math.max(16, Math.floor(opts.width / 3)) : 56;
  const lines: string[] = [paint(`${r.go.version} (${r.go.path})`, "bold")];
  if (opts.reveal) lines.push(paint("values revealed (--reveal): this output contains secrets", "red"));
  // Notes are long prose: they are printed under their setting, outside the column alignment.
  const notAsked: string[] = [];
  const items: Array<string[] | string> = [["KEY", "VALUE", "SOURCE", "WHERE"].map((h) => paint(h, "dim"))];
  for (const s of r.settings) {
    const secret = typeof s.value !== "string";
    const v = truncate(displayString(s.value, opts.reveal), maxValue);
    items.push([
      paint(s.key, "bold"),
      secret ? paint(v, "yellow") : v,
      paint(sourceLabel(s.source), "cyan"),
      sourceWhere(s.source),
    ]);
    for (const sh of s.shadowed ?? []) {
      items.push([
        paint("  shadowed", "dim"),
        paint(truncate(displayString(sh.value, opts.reveal), maxValue), "dim"),
        paint(sourceLabel(sh.source), "dim"),
        paint(sourceWhere(sh.source), "dim"),
      ]);
    }
    for (const n of s.notes ?? []) {
      if (n === NOT_ASKED_NOTE) notAsked.push(s.key);
      else items.push(paint(`    note: ${n}`, "dim"));
    }
  }
  if (notAsked.length > 0) items.push(paint(`note: ${notAsked.join(", ")}: ${NOT_ASKED_NOTE}`, "dim"));
  const aligned = table(items.filter((i): i is string[] => Array.isArray(i)));
  let k = 0;
  for (const i of items) lines.push(Array.isArray(i) ? aligned[k++]! : i);
  lines.push("");
  if (r.findings.length === 0) {
    lines.push(paint("no findings", "dim"));
  } else {
    const frows: string[][] = [["SEVERITY", "ID", "KEY", "FINDING"].map((h) => paint(h, "dim"))];
    for (const f of r.findings) {
      const sev =
        f.severity === "high" || f.severity === "critical"
          ? paint(f.severity, "red")
          : f.severity === "medium"
            ? paint(f.severity, "yellow")
            : f.severity;
      frows.push([sev, f.id, f.key ?? "", f.message]);
    }
    lines.push(...table(frows));
    lines.push("");
    const seen = new Set<string>();
    for (const f of r.findings) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      lines.push(`${paint(f.id, "bold")}: ${f.remediation}`);
      lines.push(paint(`  see ${f.references.join(" ")}`, "dim"));
    }
  }
  const foot = [`${r.settings.length} setting(s)`, `${r.findings.length} finding(s)`];
  const secrets = r.settings.filter((s) => typeof s.value !== "string").length;
  if (secrets > 0) foot.push(`${secrets} value(s) masked`);
  if (r.issues.length > 0) foot.push(`${r.issues.length} collection issue(s)`);
  lines.push(paint(foot.join(", "), "dim"));
  for (const i of r.issues) lines.push(paint(`  issue ${i.code} ${i.subject}: ${i.detail}`, "dim"));
  return `${lines.join("\n")}\n`;
}

export function renderVerifyText(r: VerifyReport, opts: GoTextOptions): string {
  const paint = (s: string, st: Style) => (opts.color && s ? `${ANSI[st]}${s}${ANSI.reset}` : s);
  const lines: string[] = [paint(`module cache ${r.gomodcache}`, "bold")];
  lines.push(
    `${r.moduleVersions} module version(s), ${r.zips} zip(s) hashed (${(r.zipBytes / 1e6).toFixed(1)} MB)` +
      (r.gosum.length ? `, ${r.gosum.length} go.sum file(s)` : ""),
  );
  for (const g of r.gosum) {
    lines.push(
      paint(`  ${g.file}: ${g.entries} line(s), ${g.notInCache} module version(s) not in the cache`, "dim"),
    );
  }
  if (r.mismatches.length === 0) {
    lines.push(paint("all modules verified", "bold"));
  } else {
    const rows: string[][] = [["KIND", "MODULE", "VERSION", "FILES", "DETAIL"].map((h) => paint(h, "dim"))];
    for (const m of r.mismatches) {
      const detail = [
        m.part ? `part ${m.part}` : "",
        m.expected ? `expected ${m.expected}` : "",
        m.actual ? `got ${m.actual}` : "",
        m.confirmedBy?.length
          ? `(${m.kind === "unreadable-zip" ? "" : "confirmed by "}${m.confirmedBy.join(", ")})`
          : "",
      ]
        .filter(Boolean)
        .join(" ");
      rows.push([paint(m.kind, "red"), m.module, m.version, m.files.join(" "), detail]);
    }
    lines.push(...table(rows));
    lines.push(paint(`${r.mismatches.length} mismatch(es)`, "red"));
  }
  for (const i of r.issues) lines.push(paint(`  issue ${i.code} ${i.subject}: ${i.detail}`, "dim"));
  return `${lines.join("\n")}\n`;
}
