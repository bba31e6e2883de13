/** The settings table of a Go toolchain subject: value (masked), source, file:line or origin. */

import type { Mismatch } from "../../go/modcache/verify.js";
import { NOT_ASKED_NOTE } from "../../go/provenance.js";
import { isProcessActor, type SettingSource, type Subject } from "../../model/index.js";
import { displayString } from "../values.js";
import { type Paint, table, truncate, where } from "./layout.js";

export function sourceLabel(s: SettingSource): string {
  if (s.kind === "derived") return `derived from ${s.from}`;
  return s.confidence === "likely" ? `${s.kind} (likely)` : s.kind;
}

export function sourceWhere(s: SettingSource): string {
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

export function goTitle(s: Subject): string {
  const go = s.details.go;
  return go ? `${go.version}${go.path ? ` (${go.path})` : ""}` : s.name;
}

export function settingLines(s: Subject, paint: Paint, o: { reveal: boolean; width?: number }): string[] {
  const maxValue = o.width ? Math.max(16, Math.floor(o.width / 3)) : 56;
  const notAsked: string[] = [];
  const items: Array<string[] | string> = [["KEY", "VALUE", "SOURCE", "WHERE"].map((h) => paint(h, "dim"))];
  for (const st of s.settings ?? []) {
    const secret = typeof st.value !== "string";
    const v = truncate(displayString(st.value, o.reveal), maxValue);
    items.push([
      paint(st.key, "bold"),
      secret ? paint(v, "yellow") : v,
      paint(sourceLabel(st.source), "cyan"),
      sourceWhere(st.source),
    ]);
    for (const sh of st.shadowed ?? []) {
      items.push([
        paint("  shadowed", "dim"),
        paint(truncate(displayString(sh.value, o.reveal), maxValue), "dim"),
        paint(sourceLabel(sh.source), "dim"),
        paint(sourceWhere(sh.source), "dim"),
      ]);
    }
    for (const n of st.notes ?? []) {
      if (n === NOT_ASKED_NOTE) notAsked.push(st.key);
      else items.push(paint(`    note: ${n}`, "dim"));
    }
  }
  if (notAsked.length > 0) items.push(paint(`note: ${notAsked.join(", ")}: ${NOT_ASKED_NOTE}`, "dim"));
  const aligned = table(items.filter((i): i is string[] => Array.isArray(i)));
  let k = 0;
  return items.map((i) => (Array.isArray(i) ? aligned[k++]! : i));
}

export function modcacheLines(s: Subject, paint: Paint): string[] {
  const d = s.details;
  const lines = [
    `${d.moduleVersions ?? 0} module version(s), ${d.zips ?? 0} zip(s) hashed (${((d.zipBytes ?? 0) / 1e6).toFixed(1)} MB)` +
      (d.gosum?.length ? `, ${d.gosum.length} go.sum file(s)` : ""),
  ];
  for (const g of d.gosum ?? []) {
    lines.push(
      paint(`  ${g.file}: ${g.entries} line(s), ${g.notInCache} module version(s) not in the cache`, "dim"),
    );
  }
  const mismatches = (d.mismatches ?? []) as Mismatch[];
  if (mismatches.length > 0) {
    const rows: string[][] = [["KIND", "MODULE", "VERSION", "FILES", "DETAIL"].map((h) => paint(h, "dim"))];
    for (const m of mismatches) {
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
  }
  lines.push(
    s.findings.length === 0
      ? paint("all modules verified", "bold")
      : paint(`${s.findings.length} mismatch(es)`, "red"),
  );
  return lines;
}
