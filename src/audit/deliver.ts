/**
 * What `--audit-log`, `--audit-key-file`, `--audit-max-bytes` and `--syslog` do for a report: append the
 * run to the hash-chained log (run-start, one record per event, run-end with counts) and send the same
 * records to every syslog collector as RFC 5424 lines carrying their `seq` and `hash`. The run-end's hash
 * (the log's new head) is printed on stderr and sent to the collectors, so that a cut-off tail can be
 * detected later (`audit verify --expect-head` / `--witness`).
 *
 * Failures are data: an audit log that cannot be written mid-run and undelivered syslog messages become
 * collection issues of the report (and stderr lines); only the audit log failure makes the run fail.
 */
import type { CollectionIssue, Report } from "../model/index.js";
import { formatSyslog, type SyslogEvent, type SyslogOptions } from "../report/syslog.js";
import { auditEvents, runStartPayload } from "./events.js";
import { loadAuditKey } from "./key.js";
import type { AuditBody, AuditRecord } from "./record.js";
import { parseSyslogUrl, type SinkStats, SyslogSink } from "./syslog-sink.js";
import { AuditLog, AuditLogError, preflightAuditLog } from "./writer.js";

export interface AuditOutputOptions {
  auditLog?: string;
  auditKeyFile?: string;
  auditMaxBytes?: number;
  syslog?: string[];
  syslogPen?: number;
  syslogMaxLine?: number;
}

export function wantsAudit(o: AuditOutputOptions): boolean {
  return !!o.auditLog || (o.syslog?.length ?? 0) > 0;
}

/** Everything that can be checked before the scan; throws an Error whose message is one line. */
export async function preflight(o: AuditOutputOptions, env: NodeJS.ProcessEnv): Promise<void> {
  for (const u of o.syslog ?? []) parseSyslogUrl(u);
  if (o.auditLog) await preflightAuditLog(o.auditLog, loadAuditKey(o.auditKeyFile, env));
}

export interface RecordedRun {
  issues: CollectionIssue[];
  /** The audit log could not be written (whole or part): the run fails. */
  failed: boolean;
  head?: { seq: number; hash: string; file: string };
  sinks: SinkStats[];
}

/** The syslog form of an audit record (or of an unwritten body: then without seq and hash). */
export function syslogEventOf(r: AuditRecord | AuditBody): SyslogEvent {
  const p = r.payload as Record<string, unknown>;
  const isEvent = p.subject !== undefined && p.data !== undefined;
  const e: SyslogEvent = {
    type: r.type,
    run: r.run,
    time: r.time,
    host: r.host,
    code: isEvent ? String(p.code) : r.type,
    data: isEvent ? (p.data as Record<string, unknown>) : p,
  };
  if (isEvent) {
    e.subject = p.subject as SyslogEvent["subject"];
    if (typeof p.key === "string") e.key = p.key;
    if (typeof p.severity === "string") e.severity = p.severity as SyslogEvent["severity"];
  }
  if ("hash" in r) {
    e.seq = r.seq;
    e.hash = r.hash;
  }
  return e;
}

/** Appends the run to the audit log and delivers it to the collectors. */
export async function recordRun(
  report: Report,
  o: AuditOutputOptions,
  io: { stderr: { write(s: string): unknown }; env: NodeJS.ProcessEnv },
): Promise<RecordedRun> {
  const out: RecordedRun = { issues: [], failed: false, sinks: [] };
  if (report.run.revealed) {
    // Revealed reports hold plain values (nothing scrubbed): they never go to the trail or a collector.
    const detail = "not recorded: the run was made with --reveal (the trail holds masked values only)";
    out.issues.push({
      subject: o.auditLog ? `audit log ${o.auditLog}` : "syslog",
      code: "UNSUPPORTED",
      detail,
    });
    out.failed = !!o.auditLog;
    io.stderr.write(`envtrace: audit: ${detail}\n`);
    return out;
  }
  const sopts: SyslogOptions = {
    ...(o.syslogPen ? { pen: o.syslogPen } : {}),
    ...(o.syslogMaxLine ? { maxLineBytes: o.syslogMaxLine } : {}),
  };
  const sinks = (o.syslog ?? []).map((u) => new SyslogSink(parseSyslogUrl(u), o.syslogMaxLine ?? 8192));
  const send = (r: AuditRecord | AuditBody) => {
    if (sinks.length === 0) return;
    const line = formatSyslog(syslogEventOf(r), sopts);
    for (const s of sinks) s.send(line);
  };
  const { events, counts } = auditEvents(report, io.env);
  const run = report.run;
  let log: AuditLog | undefined;
  let failure: string | undefined;
  let unwritten = 0;
  if (o.auditLog) {
    try {
      log = await AuditLog.open({
        file: o.auditLog,
        ...(() => {
          const key = loadAuditKey(o.auditKeyFile, io.env);
          return key ? { key } : {};
        })(),
        ...(o.auditMaxBytes ? { maxBytes: o.auditMaxBytes } : {}),
      });
      if (log.repaired > 0)
        io.stderr.write(
          `envtrace: audit log ${o.auditLog}: cut ${log.repaired} bytes of a torn last line (an interrupted write) before appending\n`,
        );
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
  }
  const append = (body: Omit<AuditBody, "v" | "seq" | "prev">): AuditRecord | AuditBody => {
    if (log && !failure) {
      try {
        return log.append(body);
      } catch (err) {
        failure = err instanceof AuditLogError ? err.message : String(err);
      }
    }
    if (o.auditLog) unwritten++;
    return { v: 1, seq: -1, prev: "", ...body };
  };
  const start = append({
    time: run.startedAt,
    host: run.host,
    run: run.id,
    type: "run-start",
    payload: { ...runStartPayload(report), ...(log?.repaired ? { repairedTornBytes: log.repaired } : {}) },
  });
  send(start);
  for (const e of events)
    send(append({ time: e.time, host: run.host, run: run.id, type: e.type, payload: e.payload }));
  await Promise.all(sinks.map((s) => s.flush()));
  const pending = sinks.reduce((n, s) => n + s.stats.dropped + s.queued, 0);
  const sent = sinks.reduce((n, s) => n + s.stats.sent, 0);
  const end = append({
    time: new Date().toISOString(),
    host: run.host,
    run: run.id,
    type: "run-end",
    payload: {
      events: counts.events,
      counts,
      records: counts.events + 2,
      ...(o.auditLog ? { failures: unwritten } : {}),
      ...(sinks.length > 0
        ? { syslog: { sinks: sinks.map((s) => s.target.url), sent, dropped: pending } }
        : {}),
      ...(log && log.rotated.length > 0 ? { rotatedTo: log.rotated.map((f) => f.split("/").at(-1)) } : {}),
    },
  });
  if (log) {
    try {
      await log.close();
    } catch (err) {
      failure ??= err instanceof Error ? err.message : String(err);
    }
  }
  send(end);
  await Promise.all(sinks.map((s) => s.flush(Math.min(s.target.timeoutMs, 500))));
  out.sinks = await Promise.all(sinks.map((s) => s.close()));

  if (log && !failure && "hash" in end) {
    out.head = { seq: end.seq, hash: end.hash, file: log.file };
    for (const f of log.rotated) io.stderr.write(`envtrace: audit log rotated: ${f}\n`);
    io.stderr.write(`envtrace: audit log ${log.file}: run ${run.id} head seq=${end.seq} hash=${end.hash}\n`);
  }
  if (failure) {
    out.failed = true;
    const total = counts.events + 2;
    const written = total - unwritten;
    const detail = `${failure}; ${unwritten} of ${total} records of this run not written${written > 0 ? ` (${written} were)` : ""}`;
    out.issues.push({ subject: `audit log ${o.auditLog}`, code: "EIO", detail });
    io.stderr.write(`envtrace: audit log: ${detail}\n`);
  }
  for (const s of out.sinks) {
    if (s.dropped === 0) continue;
    const detail = `${s.dropped} of ${s.sent + s.dropped} messages not delivered${s.lastError ? ` (${s.lastError})` : ""}`;
    out.issues.push({ subject: `syslog ${s.url}`, code: "UNAVAILABLE", detail });
    io.stderr.write(`envtrace: syslog ${s.url}: ${detail}\n`);
  }
  return out;
}
