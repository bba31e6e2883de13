/**
 * Small audit sinks for the runtime until the audit trail's own writer is plugged in: JSON lines to a
 * file (appended synchronously, so an event is on disk before the write that caused it returns) or to
 * stderr. Events carry no values (see `RuntimeAuditEvent`).
 */
const fs = () => process.getBuiltinModule("node:fs");

import type { AuditSink, RuntimeAuditEvent } from "./types.js";

export function jsonlFileSink(path: string): AuditSink {
  return {
    emit(e: RuntimeAuditEvent) {
      try {
        fs().appendFileSync(path, `${JSON.stringify(e)}\n`, { mode: 0o600 });
      } catch {}
    },
  };
}

export function stderrSink(): AuditSink {
  return {
    emit(e: RuntimeAuditEvent) {
      process.stderr.write(`${JSON.stringify(e)}\n`);
    },
  };
}

/** A sink that keeps events in memory (tests, or a program that forwards them itself). */
export function memorySink(): AuditSink & { events: RuntimeAuditEvent[] } {
  const events: RuntimeAuditEvent[] = [];
  return { events, emit: (e) => void events.push(e) };
}
