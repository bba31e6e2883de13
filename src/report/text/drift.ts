/** The drift table of a pair of snapshots: change, key, and both sides with their sources. */
import { describeSource, type SnapshotSourceLike } from "../../drift/diff.js";
import type { DriftSideInfo, Subject } from "../../model/index.js";
import { type Paint, table, truncate } from "./layout.js";

function sideText(s: DriftSideInfo | undefined): string {
  if (!s) return "—";
  return `${truncate(s.value, 48)}  [${describeSource(s.source as SnapshotSourceLike)}]`;
}

export function driftTitle(s: Subject): string {
  const head = (x: NonNullable<Subject["details"]["a"]>) =>
    `${x.label} (${x.file}, ${x.createdAt}${x.go ? `, ${x.go}` : ""})`;
  const { a, b } = s.details;
  return a && b ? `envtrace diff: ${head(a)} → ${head(b)}` : s.name;
}

export function driftLines(s: Subject, paint: Paint): string[] {
  const changes = s.drift ?? [];
  const lines: string[] = [];
  if (changes.length === 0) {
    lines.push("no drift");
  } else {
    const header = [
      "CHANGE",
      "KEY",
      (s.details.a?.label ?? "a").toUpperCase(),
      (s.details.b?.label ?? "b").toUpperCase(),
    ];
    const rows = changes.map((c) => [
      c.change,
      `${c.scope === "go" ? "go:" : ""}${c.key}`,
      sideText(c.before),
      sideText(c.after),
    ]);
    const t = table([header, ...rows]);
    lines.push(paint(t[0]!, "dim"), ...t.slice(1));
  }
  for (const n of s.notes ?? []) lines.push(paint(`note: ${n}`, "dim"));
  const counts = { added: 0, removed: 0, changed: 0, "source-changed": 0 };
  for (const c of changes) counts[c.change]++;
  lines.push(
    paint(
      `${counts.added} added, ${counts.removed} removed, ${counts.changed} changed, ${counts["source-changed"]} moved source`,
      "dim",
    ),
  );
  return lines;
}
