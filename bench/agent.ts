/**
 * Figures (issue 15): the node agent with ≥ 500 processes — (1) an incremental rescan after 10 new
 * processes against a full scan, same run (target ≤ 10%); (2) steady-state CPU per 30 s interval and RSS
 * of the real CLI (`envtrace agent`), measured from /proc while it rescans (targets < 2% of one core,
 * < 100 MB RSS). Run: `npx tsx bench/agent.ts` (needs `npm run build`).
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
    // (2) the real agent: CPU per scan after the first, RSS.
    const agent = spawn(
      "node",
      ["--max-semi-space-size=64", "bin/envtrace.js", "agent", "--interval", "1s", "--listen", "none"],
      {
        stdio: ["ignore", "ignore", "ignore"],
      },
    );
    await new Promise((r) => setTimeout(r, 4000));
    const c0 = cpuSeconds(agent.pid!);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const perScan = (cpuSeconds(agent.pid!) - c0) / ((Date.now() - t0) / 1000); // CPU s per 1 s interval
    const rss = rssMB(agent.pid!);
    agent.kill("SIGTERM");
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
        target: "< 2% of one core, < 100 MB RSS",
        pass: cpuAt30s < 2 && rss < 100,
        rssMB: rss,
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
