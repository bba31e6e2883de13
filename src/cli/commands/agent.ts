/**
 * `envtrace agent`: the node agent of a fleet (a DaemonSet). Scans the node's processes every `--interval`,
 * explains the new ones, prints their events as JSON lines (or any format) on stdout, and serves
 * `/healthz`, `/readyz` and Prometheus `/metrics`. `--once` scans once and exits (cron, tests).
 */
import { Option } from "commander";
import { boundAgentHeap, nextDelay, ProcessScanner } from "../../fleet/agent.js";
import { AgentMetrics } from "../../fleet/metrics.js";
import { startAgentServer } from "../../fleet/server.js";
import { EnvtraceError } from "../errors.js";
import { addOutputOptions, type CommandContext, emitReport, makeReport } from "../output.js";
import type { CliCommand } from "./command.js";

/** `30s`, `2m`, `500ms`, `1h`, or plain seconds. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m)
    throw new EnvtraceError("USAGE", {
      detail: `--interval expects a duration such as 30s or 2m, got '${v.slice(0, 40)}'`,
    });
  const n = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[(m[2] ?? "s") as "ms"];
  if (n < 100) throw new EnvtraceError("USAGE", { detail: "--interval must be at least 100ms" });
  return n;
}

function parseListen(v: string): { host: string; port: number } | null {
  if (v === "none") return null;
  const m = /^(?:\[?([^\]]*)\]?)?:(\d{1,5})$/.exec(v);
  if (!m || Number(m[2]) > 65535)
    throw new EnvtraceError("USAGE", {
      detail: `--listen expects HOST:PORT, :PORT or none, got '${v.slice(0, 60)}'`,
    });
  return { host: m[1] || "0.0.0.0", port: Number(m[2]) };
}

export const agentCommand: CliCommand = {
  name: "agent",
  register(program, ctx) {
    const cmd = program
      .command("agent")
      .description(
        "node agent for a fleet (DaemonSet): rescan on an interval, explain new processes, print their events as JSON lines; /healthz, /readyz, /metrics",
      )
      .option("--once", "scan once, print the events, exit")
      .option("--interval <duration>", "time between scans (30s, 2m, …)", "30s")
      .option("--listen <host:port>", "address of /healthz, /readyz and /metrics (none: no server)", ":9464")
      .addOption(new Option("--root <dir>", "inspect a host filesystem mounted at DIR").hideHelp());
    addOutputOptions(cmd);
    // Events for log pipelines by default.
    cmd.setOptionValueWithSource("format", "jsonl", "default");
    return cmd.action(async (o) => {
      const interval = parseDuration(String(o.interval));
      const scanner = new ProcessScanner({ root: o.root });
      // A long-running agent keeps its heap at the live size (after each batch and each scan); --once exits.
      const collect = o.once ? () => {} : boundAgentHeap();
      const metrics = new AgentMetrics();
      // A collector that stops reading stdout costs dropped events (envtrace_events_dropped_total), not
      // memory without bound: a long-running agent writes through a bounded queue (src/fleet/event-lines).
      const lines =
        !o.once && !o.output && ctx.io.stdout === process.stdout
          ? (await import("../../fleet/event-lines.js")).eventLines({
              onDrop: (_n, text) => metrics.dropped.inc(text.split("\n").length - 1),
            })
          : undefined;
      const out: CommandContext = lines
        ? { ...ctx, io: { ...ctx.io, stdout: { write: (s: string) => lines.write(s) } } }
        : ctx;
      // Each batch of new processes is one report: the first scan of a busy node never sits in memory whole.
      const emit = () =>
        scanner.scan(async (subjects) => {
          const report = await makeReport(ctx, "agent", { ...o, reveal: false }, subjects);
          await emitReport(out, report, { ...o, reveal: false, partialOk: true });
          collect();
        });
      if (o.once) {
        await emit();
        return;
      }
      let lastScanEnd = 0;
      let deadline = Date.now() + interval * 3;
      const listen = parseListen(String(o.listen));
      const server = listen
        ? await startAgentServer(listen.host, listen.port, metrics, {
            ready: () => scanner.scans > 0,
            alive: () => Date.now() < deadline,
          })
        : undefined;
      if (server)
        ctx.io.stderr.write(
          `envtrace agent: serving /healthz /readyz /metrics on ${listen!.host}:${server.port}\n`,
        );
      let stop: () => void = () => {};
      const stopped = new Promise<void>((resolve) => {
        stop = resolve;
      });
      const onSignal = () => stop();
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
      try {
        for (;;) {
          const r = await emit();
          lastScanEnd = Date.now();
          metrics.observe(r.durationMs, scanner.processes(), r.issueCodes);
          collect();
          const delay = nextDelay(interval, r.durationMs);
          deadline = lastScanEnd + delay + Math.max(interval, 3 * r.durationMs);
          const timer = new Promise<"tick">((resolve) => setTimeout(() => resolve("tick"), delay));
          if ((await Promise.race([timer, stopped.then(() => "stop" as const)])) === "stop") break;
        }
      } finally {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
        await new Promise<void>((resolve) => (server ? server.server.close(() => resolve()) : resolve()));
        await lines?.close();
      }
    });
  },
};
