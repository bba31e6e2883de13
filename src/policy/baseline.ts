/**
 * Baselines: the fingerprints of known findings (identity, never a value), written by `--write-baseline`
 * and read by `--baseline` so that only new findings fail a run. JSON, sorted, one entry per finding with
 * enough context (id, subject, key) for a reviewer to read the diff.
 */
import type { Finding, Report } from "../model/index.js";

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  id: string;
  subject: string;
  key?: string;
}

export interface BaselineFile {
  version: typeof BASELINE_VERSION;
  tool: "envtrace";
  createdAt: string;
  findings: BaselineEntry[];
}

export function baselineOf(report: Report, createdAt = new Date()): BaselineFile {
  const seen = new Map<string, BaselineEntry>();
  for (const s of report.subjects)
    for (const f of s.findings as Finding[]) {
      if (seen.has(f.fingerprint)) continue;
      seen.set(f.fingerprint, {
        fingerprint: f.fingerprint,
        id: f.id,
        subject: s.id,
        ...(f.key !== undefined ? { key: f.key } : {}),
      });
    }
  return {
    version: BASELINE_VERSION,
    tool: "envtrace",
    createdAt: createdAt.toISOString(),
    findings: [...seen.values()].sort(
      (a, b) =>
        a.id.localeCompare(b.id) ||
        a.subject.localeCompare(b.subject) ||
        a.fingerprint.localeCompare(b.fingerprint),
    ),
  };
}

/** Parses a baseline; throws an Error naming what is wrong (the CLI turns it into one line, exit 2). */
export function parseBaseline(text: string): Set<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message.split("\n")[0]})`);
  }
  const d = doc as Partial<BaselineFile>;
  if (!d || typeof d !== "object" || d.tool !== "envtrace" || !Array.isArray(d.findings))
    throw new Error("not an envtrace baseline (write one with --write-baseline FILE)");
  if (d.version !== BASELINE_VERSION)
    throw new Error(`baseline version ${String(d.version)} is not ${BASELINE_VERSION}`);
  const out = new Set<string>();
  d.findings.forEach((f, i) => {
    if (!f || typeof f.fingerprint !== "string") throw new Error(`findings[${i}] has no fingerprint`);
    out.add(f.fingerprint);
  });
  return out;
}
