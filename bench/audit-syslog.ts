/**
 * Syslog delivery to a real rsyslog on loopback (Debian's rsyslog, imtcp with octet counting, started by the
 * test helper in a temporary directory): events/s from the first send until rsyslog has written the last
 * one, next to the same framed bytes written over one plain socket (the collector's own ceiling, in the same
 * run); then, with rsyslog stopped, how long a run's delivery takes to give up and how many messages it
 * counts as dropped.
 *
 *   npx tsx bench/audit-syslog.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSyslogUrl, SyslogSink } from "../src/audit/syslog-sink.js";
import { reportEvents } from "../src/report/events.js";
import { formatSyslog } from "../src/report/syslog.js";
import { collector, until } from "../test/helpers/rsyslog.js";
import { goldenReport } from "../test/report/golden-input.js";
import { type Figure, printFigures } from "./lib.js";

const N = 50_000;

function lines(tag: string): string[] {
  const events = reportEvents(goldenReport());
  return Array.from({ length: N }, (_, i) => {
    const e = events[i % events.length]!;
    return formatSyslog({ ...e, key: `${tag}_${i}`, seq: i });
  });
}

const rssMB = () => process.memoryUsage().rss / 1024 / 1024;

export async function bench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), "envtrace-bench-syslog-"));
  const c = await collector(dir);
  await c.start();
  let peak = 0;
  try {
    // Anchor: the same octet-counted frames over one socket, written in one go.
    const raw = lines("RAW");
    let t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port: c.ports.tcp }, () => {
        s.end(raw.map((l) => `${Buffer.byteLength(l)} ${l}`).join(""), () => resolve());
      });
      s.on("error", reject);
    });
    await until(() => c.received("tcp").length >= N, 60_000, "raw frames");
    const rawRate = (N / (performance.now() - t0)) * 1000;

    const ls = lines("SINK");
    const sink = new SyslogSink(parseSyslogUrl(`${c.urls.tcp}?queue=${N}&timeout=30000`));
    t0 = performance.now();
    for (const l of ls) sink.send(l);
    await sink.flush();
    const stats = await sink.close();
    await until(() => c.received("tcp").length >= 2 * N, 60_000, "sink frames");
    const rate = (N / (performance.now() - t0)) * 1000;
    peak = Math.max(peak, rssMB());

    await c.stop();
    const dead = new SyslogSink(parseSyslogUrl(`${c.urls.tcp}?timeout=1000`));
    t0 = performance.now();
    for (const l of ls.slice(0, 20_000)) dead.send(l);
    await dead.flush();
    const deadStats = await dead.close();
    const deadMs = performance.now() - t0;
    peak = Math.max(peak, rssMB());
    return [
      {
        name: "syslog TCP delivery to rsyslog (loopback)",
        value: rate / 1000,
        unit: "k ev/s",
        anchor: "same frames, one raw socket",
        anchorValue: rawRate / 1000,
        target: "all delivered, no drops",
        pass: stats.dropped === 0 && stats.sent === N,
        rssMB: peak,
      },
      {
        name: "stopped collector: 20k events dropped (counted)",
        value: deadStats.dropped,
        unit: "msgs",
        anchor: "events sent",
        anchorValue: 20_000,
        target: "all counted",
        pass: deadStats.dropped === 20_000 && deadStats.sent === 0,
        rssMB: peak,
      },
      {
        name: "stopped collector: time until the run goes on",
        value: deadMs,
        unit: "ms",
        anchor: "the wait bound (timeout=)",
        anchorValue: 1000,
        target: "≤ timeout + 200 ms",
        pass: deadMs <= 1200,
        rssMB: peak,
      },
    ];
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures(await bench());
