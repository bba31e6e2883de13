/** Small helpers shared by the bench scripts: timing, medians, printing a figure next to its reference. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function timeIt(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Wall time of a command, in ms. */
export function timeCommand(cmd: string, args: string[], env = process.env): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr?.toString().split("\n")[0]}`);
  return ms;
}

export function row(
  figure: string,
  value: number,
  unit: string,
  reference: string,
  refValue: number,
  target?: string,
) {
  const ratio = value / refValue;
  console.log(
    `${figure.padEnd(44)} ${value.toFixed(1).padStart(9)} ${unit.padEnd(5)} | ${reference.padEnd(36)} ${refValue
      .toFixed(1)
      .padStart(9)} ${unit.padEnd(5)} | ratio ${ratio.toFixed(2)}×${target ? `  (target ${target})` : ""}`,
  );
}

/** A temporary host tree for analysis benches: `put("/home/u/.bashrc", text)`, then `remove()`. */
export function tempTree(prefix: string): {
  root: string;
  put(path: string, text: string): void;
  remove(): void;
} {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    put(p, text) {
      mkdirSync(join(root, p, ".."), { recursive: true });
      writeFileSync(join(root, p), text);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * One benchmark figure, as every bench script returns it from `bench()` and `npm run bench` collects it
 * into docs/BENCHMARKS.md: the figure, its anchor measured in the same run, the target and whether it was
 * met, and the peak RSS of what was measured.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  anchor: string;
  anchorValue: number;
  target: string;
  pass: boolean;
  rssMB: number;
  /** What bounds the figure when the target is missed (from a profile), and what would reach it. */
  note?: string;
}

export function printFigures(figs: readonly Figure[]): void {
  for (const f of figs) {
    const ratio = f.anchorValue ? `${(f.value / f.anchorValue).toFixed(2)}×` : "—";
    console.log(
      `${f.name.padEnd(52)} ${f.value.toFixed(1).padStart(9)} ${f.unit.padEnd(6)} | ${f.anchor.padEnd(34)} ${f.anchorValue
        .toFixed(1)
        .padStart(
          9,
        )} | ratio ${ratio.padStart(7)} | RSS ${f.rssMB.toFixed(0).padStart(4)} MB | ${f.pass ? "PASS" : "MISS"} (target ${f.target})`,
    );
    if (f.note && !f.pass) console.log(`  ${f.note}`);
  }
}

/** Median wall ms and peak RSS (MB, from GNU time's %M) of a command run `runs` times. */
export function measureCommand(
  cmd: string,
  args: string[],
  runs: number,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { ms: number; rssMB: number } {
  const times: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    times.push(performance.now() - t0);
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.toString().slice(-300)}`);
    rss = Math.max(rss, Number(r.stderr.toString().trim().split("\n").pop()) / 1024);
  }
  return { ms: median(times), rssMB: rss };
}

/**
 * Peak RSS (MB) of this process while `fn` runs, sampled every `everyMs` (worker threads included: they
 * share the process). Sampling needs the event loop: code that blocks it is sampled at its edges only.
 */
export async function withPeakRss<T>(
  fn: () => Promise<T> | T,
  everyMs = 10,
): Promise<{ value: T; rssMB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, rssMB: peak / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

/** CPU time (user + system, all threads of this process) spent by `fn`, with its wall time, in ms. */
export async function cpuAndWall(
  fn: () => unknown | Promise<unknown>,
): Promise<{ cpuMs: number; wallMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000, wallMs };
}

/**
 * Whether the compiled files under dist/ for `srcDir` (e.g. "src/go/modcache") exist and are newer than
 * every .ts file there: benches that start workers or measure what ships import dist/ only then.
 */
export function distIsFresh(srcDir: string): boolean {
  const root = new URL("..", import.meta.url).pathname;
  const src = join(root, srcDir);
  const dist = join(root, srcDir.replace(/^src\//, "dist/"));
  if (!existsSync(dist)) return false;
  for (const f of readdirSync(src)) {
    if (!f.endsWith(".ts") || f.endsWith(".test.ts") || f.endsWith(".d.ts")) continue;
    const js = join(dist, f.replace(/\.ts$/, ".js"));
    if (!existsSync(js) || statSync(js).mtimeMs < statSync(join(src, f)).mtimeMs) return false;
  }
  return true;
}
