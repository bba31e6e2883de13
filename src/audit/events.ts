/**
 * What a run appends to the audit trail: run-start, one record per event of the report (the events
 * `jsonl` prints, always masked, even under `--reveal`), run-end with the counts. A flagged value also
 * gets its keyed fingerprint (`valueFingerprint`), so equal secrets can be correlated across runs and
 * hosts without being revealed.
 */
import { userInfo } from "node:os";
import { loadFingerprintKey } from "../detect/fingerprint-key.js";
import { valueFingerprint } from "../detect/mask.js";
import { isSecretValue } from "../detect/secret-value.js";
import type { Report } from "../model/index.js";
import { reportEvents } from "../report/events.js";
import { markInJcsOrder } from "./jcs.js";
import type { AuditRecordType } from "./record.js";

export interface AuditEvent {
  type: AuditRecordType;
  time: string;
  payload: Record<string, unknown>;
}

/** A JSON value made plain: `toJSON` applied, `undefined` dropped, strings well-formed, keys sorted. */
export function plain(v: unknown): unknown {
  if (typeof v === "string") return (v as string & { toWellFormed(): string }).toWellFormed();
  if (v === null || typeof v !== "object") return typeof v === "number" && !Number.isFinite(v) ? null : v;
  const j = (v as { toJSON?: () => unknown }).toJSON;
  if (typeof j === "function") return plain(j.call(v));
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : plain(x)));
  // Keys in JCS order (UTF-16 code units), so that the record serializes canonically by JSON.stringify.
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined && typeof x !== "function") out[k] = plain(x);
  }
  return out;
}

export interface RunCounts {
  events: number;
  variables: number;
  settings: number;
  checks: number;
  drift: number;
  findings: number;
  issues: number;
  bySeverity: Record<string, number>;
}

/**
 * The report's events as audit events, and their counts. The report must not be revealed (a revealed
 * report holds plain values: callers refuse it).
 */
export function auditEvents(r: Report, env: NodeJS.ProcessEnv): { events: AuditEvent[]; counts: RunCounts } {
  const masked: Report = r.run.revealed ? { ...r, run: { ...r.run, revealed: false } } : r;
  const secrets = r.subjects.flatMap((s) => (s.variables ?? []).map((v) => v.value));
  let fpKey: Buffer | undefined;
  let vi = 0;
  const counts: RunCounts = {
    events: 0,
    variables: 0,
    settings: 0,
    checks: 0,
    drift: 0,
    findings: 0,
    issues: 0,
    bySeverity: {},
  };
  const events = reportEvents(masked).map((e): AuditEvent => {
    const payload: Record<string, unknown> = { code: e.code, data: plain(e.data) };
    if (e.key !== undefined) payload.key = e.key;
    if (e.severity) {
      payload.severity = e.severity;
      counts.bySeverity[e.severity] = (counts.bySeverity[e.severity] ?? 0) + 1;
    }
    payload.subject = plain(e.subject);

    counts.events++;
    if (e.type === "variable") {
      counts.variables++;
      const v = secrets[vi++];
      if (isSecretValue(v)) {
        try {
          fpKey ??= loadFingerprintKey(env);
          // Last in key order too.
          payload.valueFingerprint = valueFingerprint(v.reveal(), fpKey);
        } catch {
          // No key could be read or made: the mask alone is recorded.
        }
      }
    } else if (e.type === "setting") counts.settings++;
    else if (e.type === "check") counts.checks++;
    else if (e.type === "drift") counts.drift++;
    else if (e.type === "finding") counts.findings++;
    else counts.issues++;
    return { type: e.type, time: e.time, payload: markInJcsOrder(payload) };
  });
  return { events, counts };
}

export function runStartPayload(r: Report): Record<string, unknown> {
  let user: { uid: number; name: string } | undefined;
  try {
    const u = userInfo();
    user = { uid: u.uid, name: u.username };
  } catch {}
  return plain({
    command: r.run.command,
    argv: r.run.argv,
    tool: { name: r.run.tool.name, version: r.run.tool.version },
    startedAt: r.run.startedAt,
    endedAt: r.run.endedAt,
    revealed: r.run.revealed,
    pid: process.pid,
    ...(user ? { user } : {}),
  }) as Record<string, unknown>;
}
