/**
 * Figure (issue 13): the cost of reading `process.env` with the guard against without (target: within 5%).
 * Each sample is a fresh `node` that reads an existing and a missing variable 3 M times after a warm-up;
 * modes are interleaved (no guard, `--import envtrace/register` with the Proxy guard, with
 * `ENVTRACE_GUARD=observe`) and the median of the samples is taken per mode. Needs `npm run build`.
 * Run: `npx tsx bench/runtime-env-read.ts`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { distIsFresh, type Figure, median, printFigures } from "./lib.js";

const ROOT = new URL("..", import.meta.url).pathname;
const SAMPLES = Number(process.env.SAMPLES ?? 15);

const PROBE = `process.env.BENCH_VAR = "hello";
const N = 3e6;
let s = 0;
function run() {
  for (let i = 0; i < N; i++) {
    s += process.env.BENCH_VAR.length;
    if (process.env.BENCH_MISSING !== undefined) s++;
  }
}
run(); run();
const t0 = process.hrtime.bigint();
run();
console.log(Number(process.hrtime.bigint() - t0) / N / 2, s > 0);
`;

export async function bench(): Promise<Figure[]> {
  if (!distIsFresh("src/runtime")) throw new Error("dist/runtime is missing or stale: run `npm run build`");
  const proj = mkdtempSync(join(tmpdir(), "envtrace-envread-"));
  mkdirSync(join(proj, "node_modules"));
  symlinkSync(ROOT, join(proj, "node_modules", "envtrace"));
  writeFileSync(join(proj, "probe.cjs"), PROBE);
  const base = { PATH: process.env.PATH, HOME: process.env.HOME };
  const sample = (args: string[], env: NodeJS.ProcessEnv) => {
    const r = spawnSync("node", [...args, "probe.cjs"], { cwd: proj, env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout.split(" ")[0]);
  };
  const modes = {
    none: [] as number[],
    proxy: [] as number[],
    observe: [] as number[],
  };
  try {
    for (let i = 0; i < SAMPLES; i++) {
      modes.none.push(sample([], base));
      modes.proxy.push(sample(["--import", "envtrace/register"], { ...base, ENVTRACE_GUARD: "proxy" }));
      modes.observe.push(sample(["--import", "envtrace/register"], { ...base, ENVTRACE_GUARD: "observe" }));
    }
  } finally {
    rmSync(proj, { recursive: true, force: true });
  }
  const none = median(modes.none);
  const proxy = median(modes.proxy);
  const observe = median(modes.observe);
  return [
    {
      name: "process.env read, Proxy guard (default)",
      value: proxy,
      unit: "ns",
      anchor: "process.env read, no envtrace",
      anchorValue: none,
      target: "≤ 1.05×",
      pass: proxy <= none * 1.05,
      rssMB: 0,
      note: "a Proxy in front of process.env costs V8 a runtime call per read even without a get trap (the real object is itself a C++ interceptor); ENVTRACE_GUARD=observe keeps the real object (no call sites)",
    },
    {
      name: "process.env read, ENVTRACE_GUARD=observe",
      value: observe,
      unit: "ns",
      anchor: "process.env read, no envtrace",
      anchorValue: none,
      target: "≤ 1.05×",
      pass: observe <= none * 1.05,
      rssMB: 0,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures(await bench());
