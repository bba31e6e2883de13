/**
 * Figure (issue 13): start-up cost of `node --import envtrace/register -e 0` against `node -e 0`, median of
 * ≥ 20 runs each, interleaved in the same run (target: ≤ 3 ms more). Also `ENVTRACE_GUARD=observe` and the
 * time init() itself takes in-process. Measures what ships: needs `npm run build` (dist/runtime).
 * Run: `npx tsx bench/runtime-startup.ts`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { distIsFresh, type Figure, median, printFigures } from "./lib.js";

const ROOT = new URL("..", import.meta.url).pathname;
const RUNS = Number(process.env.RUNS ?? 40);

/**
 * One run: wall ms, and the CPU ms (user + system) the process used from its start, printed at exit by a
 * preload given to every variant alike — on a shared machine CPU time is the steadier of the two.
 */
function once(args: string[], env: NodeJS.ProcessEnv, cwd: string): { wall: number; cpu: number } {
  const t0 = performance.now();
  const r = spawnSync("node", ["-r", "./cpu.cjs", ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")}: ${r.stderr.toString().slice(-300)}`);
  return { wall, cpu: Number(r.stdout.toString()) };
}

export async function bench(): Promise<Figure[]> {
  if (!distIsFresh("src/runtime")) throw new Error("dist/runtime is missing or stale: run `npm run build`");
  // A project that depends on envtrace, as a program would resolve `envtrace/register`.
  const proj = mkdtempSync(join(tmpdir(), "envtrace-startup-"));
  mkdirSync(join(proj, "node_modules"));
  symlinkSync(ROOT, join(proj, "node_modules", "envtrace"));
  writeFileSync(
    join(proj, "cpu.cjs"),
    'process.on("exit", () => { const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000)); });\n',
  );
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const bare: Array<{ wall: number; cpu: number }> = [];
  const reg: typeof bare = [];
  const obs: typeof bare = [];
  const imp: typeof bare = [];
  const bun: typeof bare = [];
  // What the register entry would cost bundled into one file (esbuild, the engine's modules as chunks).
  const { build } = await import("esbuild");
  await build({
    entryPoints: { register: join(ROOT, "src/runtime/register.ts") },
    outdir: join(proj, "bundle"),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    external: ["web-tree-sitter", "tree-sitter-bash", "@kubernetes/client-node", "yauzl", "@viz-js/viz"],
  });
  writeFileSync(join(proj, "empty.mjs"), "export {};\n");
  try {
    for (let i = 0; i < 3; i++) once(["--import", "envtrace/register", "-e", "0"], env, proj);
    for (let i = 0; i < RUNS; i++) {
      bare.push(once(["-e", "0"], env, proj));
      reg.push(once(["--import", "envtrace/register", "-e", "0"], env, proj));
      obs.push(
        once(["--import", "envtrace/register", "-e", "0"], { ...env, ENVTRACE_GUARD: "observe" }, proj),
      );
      imp.push(once(["--import", "./empty.mjs", "-e", "0"], env, proj));
      bun.push(once(["--import", "./bundle/register.js", "-e", "0"], env, proj));
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
    const w = (xs: typeof bare) => median(xs.map((x) => x.wall));
    const c = (xs: typeof bare) => median(xs.map((x) => x.cpu));
    const fig = (name: string, xs: typeof bare, pick: (xs: typeof bare) => number, unit: string): Figure => ({
      name,
      value: pick(xs) - pick(bare),
      unit,
      anchor: "node -e 0",
      anchorValue: pick(bare),
      target: "≤ 3 ms",
      pass: pick(xs) - pick(bare) <= 3,
      rssMB: 0,
    });
    const figs = [
      fig(`register start-up overhead, wall (median of ${RUNS})`, reg, w, "ms"),
      fig(`register start-up overhead, CPU (median of ${RUNS})`, reg, c, "ms"),
      fig("register overhead, ENVTRACE_GUARD=observe, CPU", obs, c, "ms"),
      {
        ...fig("--import of an empty module (what --import itself costs), CPU", imp, c, "ms"),
        target: "anchor",
        pass: true,
      },
      { ...fig("register bundled into one file (esbuild), CPU", bun, c, "ms"), target: "≤ 3 ms (proposal)" },
      {
        name: "import('envtrace/register') in-process (init included)",
        value: importMs,
        unit: "ms",
        anchor: "node -e 0 wall",
        anchorValue: w(bare),
        target: "documented",
        pass: true,
        rssMB: 0,
      },
    ];
    const why =
      "--import itself (ESM loader: resolve, read, link) is the floor (see its row); envtrace's own JS is ~1.5 ms (environ read, process.env enumeration, Proxy); the rest is loading ~10 small modules: bundling register into one file (row 'bundled') removes part of it";
    for (const f of figs) if (!f.pass) f.note = why;
    figs[0]!.note = `${why}. Wall: node -e 0 ${w(bare).toFixed(1)} ms, with register ${w(reg).toFixed(1)} ms; CPU: ${c(bare).toFixed(1)} vs ${c(reg).toFixed(1)} ms`;
    return figs;
  } finally {
    rmSync(proj, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figs = await bench();
  printFigures(figs);
  for (const f of figs) if (f.note) console.log(`  ${f.note}`);
}
