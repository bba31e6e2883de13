/**
 * Figures (issue 15): the node agent with ≥ 500 processes — (1) an incremental rescan after 10 new
 * processes against a full scan, same run (target ≤ 10%); (2) steady-state CPU per 30 s interval and RSS
 * of the real CLI (`envtrace agent`), measured from /proc while it rescans after its first few scans
 * (targets < 2% of one core, < 100 MB RSS; the RSS anchor is an idle Node process); the peak RSS (the
 * first scan) goes in the note. Run: `npx tsx bench/agent.ts` (needs `npm run build`).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { ProcessScanner } from "../src/fleet/agent.js";
import { type Figure, median, printFigures } from "./lib.js";

setFlagsFromString("--liftoff-only");

const N = 500;
const ticks = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / ticks;
}
function hwmMB(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
}
function rssMB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
}
const sleepers = (n: number, tag: string) =>
  spawn("sh", ["-c", `i=0; while [ $i -lt ${n} ]; do sleep 900 & i=$((i+1)); done; wait`], {
    stdio: "ignore",
    detached: true,
    env: { ...process.env, AGENT_BENCH: tag },
  });
const count = () => readdirSync("/proc").filter((n) => /^\d+$/.test(n)).length;
async function settle(atLeast: number) {
  const end = Date.now() + 30_000;
  while (count() < atLeast && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
}

export async function bench(): Promise<Figure[]> {
  const base = count();
  const holder = sleepers(N, "base");
  const extra: ReturnType<typeof sleepers>[] = [];
  try {
    await settle(base + N);
    // (1) full vs incremental, in-process.
    const fulls: number[] = [];
    const incs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = new ProcessScanner();
      fulls.push((await s.scan()).durationMs);
      const more = sleepers(10, `new-${i}`);
      extra.push(more);
      await settle(count() + 10);
      incs.push((await s.scan()).durationMs);
    }
    const full = median(fulls);
    const inc = median(incs);
    // (2) the real agent: CPU per scan and RSS in the steady state (after a few scans), peak RSS (the first scan).
    const agent = spawn(
      "node",
      ["--max-semi-space-size=64", "bin/envtrace.js", "agent", "--interval", "1s", "--listen", "127.0.0.1:0"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    // Anchor: an idle Node process, the floor of any Node program's RSS.
    const idle = spawn("node", ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    let err = "";
    agent.stderr!.on("data", (d) => (err += d));
    const steadyScans = 5;
    let firstScansS = Number.NaN;
    let perScan = Number.NaN;
    let steadyRss = Number.NaN;
    let peakRss = Number.NaN;
    let idleRss = Number.NaN;
    try {
      const t = Date.now();
      let scans = 0;
      while (scans < steadyScans && Date.now() - t < 120_000) {
        await new Promise((r) => setTimeout(r, 250));
        const port = /on 127\.0\.0\.1:(\d+)/.exec(err)?.[1];
        if (!port) continue;
        const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => "",
        );
        scans = Number(/^envtrace_scans_total (\d+)/m.exec(text)?.[1] ?? 0);
      }
      if (scans < steadyScans) throw new Error(`agent did ${scans} scans in 120 s: ${err.slice(0, 300)}`);
      firstScansS = (Date.now() - t) / 1000;
      const c0 = cpuSeconds(agent.pid!);
      const t0 = Date.now();
      let rss = 0;
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        rss = Math.max(rss, rssMB(agent.pid!));
      }
      perScan = (cpuSeconds(agent.pid!) - c0) / ((Date.now() - t0) / 1000); // CPU s per 1 s interval
      steadyRss = rss;
      peakRss = hwmMB(agent.pid!);
      idleRss = rssMB(idle.pid!);
    } finally {
      agent.kill("SIGTERM");
      idle.kill("SIGTERM");
    }
    const cpuAt30s = (perScan / 30) * 100; // % of one core at a 30 s interval
    const figs: Figure[] = [
      {
        name: `agent incremental rescan (10 new of ${count()} processes)`,
        value: inc,
        unit: "ms",
        anchor: "full scan, same run",
        anchorValue: full,
        target: "≤ 10% of a full scan",
        pass: inc <= 0.1 * full,
        rssMB: process.memoryUsage().rss / 1e6,
      },
      {
        name: "agent steady state: CPU at a 30 s interval",
        value: cpuAt30s,
        unit: "% core",
        anchor: "CPU per 1 s interval (measured)",
        anchorValue: perScan * 100,
        target: "< 2% of one core",
        pass: cpuAt30s < 2,
        rssMB: steadyRss,
      },
      {
        name: `agent steady-state RSS (max over 10 scans after ${steadyScans})`,
        value: steadyRss,
        unit: "MB",
        anchor: "idle Node process RSS",
        anchorValue: idleRss,
        target: "< 100 MB",
        pass: steadyRss < 100,
        rssMB: peakRss,
        note: `peak RSS ${peakRss.toFixed(0)} MB (the first scan of every process); first ${steadyScans} scans took ${firstScansS.toFixed(1)} s`,
      },
    ];
    return figs;
  } finally {
    for (const p of [holder, ...extra]) {
      try {
        process.kill(-p.pid!, "SIGKILL");
      } catch {}
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures(await bench());
