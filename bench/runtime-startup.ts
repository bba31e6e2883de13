/**
 * Figure (issue 13): start-up cost of `node --import envtrace/register -e 0` against `node -e 0`, median of
 * ≥ 20 runs each, interleaved in the same run (target: ≤ 3 ms more). Also `ENVTRACE_GUARD=observe` and the
 * time init() itself takes in-process. Measures what ships: needs `npm run build` (dist/runtime).
 * Run: `npx tsx bench/runtime-startup.ts`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { distIsFresh, type Figure, median, printFigures } from "./lib.js";

const ROOT = new URL("..", import.meta.url).pathname;
const RUNS = Number(process.env.RUNS ?? 40);

function once(args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync("node", args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")}: ${r.stderr.toString().slice(-300)}`);
  return ms;
}

export async function bench(): Promise<Figure[]> {
  if (!distIsFresh("src/runtime")) throw new Error("dist/runtime is missing or stale: run `npm run build`");
  // A project that depends on envtrace, as a program would resolve `envtrace/register`.
  const proj = mkdtempSync(join(tmpdir(), "envtrace-startup-"));
  mkdirSync(join(proj, "node_modules"));
  symlinkSync(ROOT, join(proj, "node_modules", "envtrace"));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const bare: number[] = [];
  const reg: number[] = [];
  const obs: number[] = [];
  try {
    for (let i = 0; i < 3; i++) once(["--import", "envtrace/register", "-e", "0"], env, proj);
    for (let i = 0; i < RUNS; i++) {
      bare.push(once(["-e", "0"], env, proj));
      reg.push(once(["--import", "envtrace/register", "-e", "0"], env, proj));
      obs.push(once(["--import", "envtrace/register", "-e", "0"], { ...env, ENVTRACE_GUARD: "observe" }, proj));
    }
    const inproc = spawnSync(
      "node",
      [
        "--input-type=module",
        "-e",
        "const t0 = performance.now(); const m = await import('envtrace/register'); const t1 = performance.now(); console.log(t1 - t0);",
      ],
      { cwd: proj, env, encoding: "utf8" },
    );
    const importMs = Number(inproc.stdout.trim());
    const b = median(bare);
    const r = median(reg);
    const o = median(obs);
    return [
      {
        name: `register start-up overhead (median of ${RUNS})`,
        value: r - b,
        unit: "ms",
        anchor: "node -e 0",
        anchorValue: b,
        target: "≤ 3 ms",
        pass: r - b <= 3,
        rssMB: 0,
        note: `node -e 0 ${b.toFixed(1)} ms, with register ${r.toFixed(1)} ms; import+init in-process ${importMs.toFixed(2)} ms`,
      },
      {
        name: "register start-up overhead, ENVTRACE_GUARD=observe",
        value: o - b,
        unit: "ms",
        anchor: "node -e 0",
        anchorValue: b,
        target: "≤ 3 ms",
        pass: o - b <= 3,
        rssMB: 0,
      },
      {
        name: "import('envtrace/register') in-process (init included)",
        value: importMs,
        unit: "ms",
        anchor: "node -e 0",
        anchorValue: b,
        target: "documented",
        pass: true,
        rssMB: 0,
      },
    ];
  } finally {
    rmSync(proj, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figs = await bench();
  printFigures(figs);
  for (const f of figs) if (f.note) console.log(`  ${f.note}`);
}
