/**
 * Figures (issue 10): `envtrace explain --pid N` start to finish, next to bare Node start-up measured in
 * the same run (targets: ≤ 150 ms and ≤ 2× `node -e 0`), on this machine's Node and on Node 22 (compile
 * cache), and the cost of each way of starting it: `node bin/envtrace.js`, a global install's `envtrace`,
 * `npm exec --offline envtrace`, `npx envtrace`. RSS next to time. Run: `npx tsx bench/explain-one.ts`
 * (needs `npm run build`; the global install goes to a temporary prefix).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./lib.js";

export interface Figure {
  name: string;
  value: number;
  unit: string;
  anchor: string;
  anchorValue: number;
  target: string;
  pass: boolean;
  rssMB: number;
}

const RUNS = 15;
const ROOT = new URL("..", import.meta.url).pathname;

/** Median wall ms and peak RSS (MB, from GNU time) of a command. */
function measure(cmd: string, args: string[], runs = RUNS): { ms: number; rssMB: number } {
  const times: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    times.push(performance.now() - t0);
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.toString().slice(-300)}`);
    rss = Math.max(rss, Number(r.stderr.toString().trim().split("\n").pop()) / 1024);
  }
  return { ms: median(times), rssMB: rss };
}

export async function bench(): Promise<Figure[]> {
  const target = spawn("bash", ["-c", "export A=1 B=2; sleep 600; :"], { stdio: "ignore", detached: true });
  await new Promise((r) => setTimeout(r, 300));
  const prefix = mkdtempSync(join(tmpdir(), "envtrace-global-"));
  try {
    const pid = String(target.pid);
    const args = ["explain", "--pid", pid, "--format", "json"];
    const node20 = measure("node", ["-e", "0"]);
    const direct = measure("node", ["bin/envtrace.js", ...args]);
    const node22path = execFileSync("npx", ["-y", "node@22", "-p", "process.execPath"], {
      encoding: "utf8",
    }).trim();
    const node22 = measure(node22path, ["-e", "0"]);
    measure(node22path, ["bin/envtrace.js", ...args], 2); // fills the compile cache
    const direct22 = measure(node22path, ["bin/envtrace.js", ...args]);
    // A global install from the packed tarball, into a private prefix.
    const tgz = execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", prefix], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop()!;
    execFileSync(
      "npm",
      ["install", "-g", "--prefer-offline", "--no-audit", "--no-fund", "--prefix", prefix, join(prefix, tgz)],
      {
        stdio: "ignore",
      },
    );
    const global = measure(join(prefix, "bin", "envtrace"), args);
    const npmExec = measure("npm", ["exec", "--offline", "--", "envtrace", ...args], 7);
    const npx = measure("npx", ["envtrace", ...args], 7);
    const fig = (
      name: string,
      m: { ms: number; rssMB: number },
      anchor: string,
      a: { ms: number },
      target: string,
      pass: boolean,
    ): Figure => ({
      name,
      value: m.ms,
      unit: "ms",
      anchor,
      anchorValue: a.ms,
      target,
      pass,
      rssMB: m.rssMB,
    });
    const goal = (m: { ms: number }, a: { ms: number }) => m.ms <= 150 && m.ms <= 2 * a.ms;
    return [
      fig(
        `explain --pid (node ${process.version}, bin)`,
        direct,
        "node -e 0",
        node20,
        "≤ 150 ms and ≤ 2× node",
        goal(direct, node20),
      ),
      fig(
        "explain --pid (Node 22, compile cache)",
        direct22,
        "node 22 -e 0",
        node22,
        "≤ 150 ms and ≤ 2× node",
        goal(direct22, node22),
      ),
      fig(
        "explain --pid (global install: envtrace)",
        global,
        "node -e 0",
        node20,
        "≤ 150 ms",
        global.ms <= 150,
      ),
      fig(
        "explain --pid (npm exec --offline envtrace)",
        npmExec,
        "node bin/envtrace.js",
        direct,
        "documented cost",
        true,
      ),
      fig("explain --pid (npx envtrace)", npx, "node bin/envtrace.js", direct, "documented cost", true),
    ];
  } finally {
    process.kill(-target.pid!, "SIGKILL");
    rmSync(prefix, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await bench()) {
    console.log(
      `${f.name.padEnd(46)} ${f.value.toFixed(1).padStart(8)} ${f.unit} | ${f.anchor.padEnd(22)} ${f.anchorValue.toFixed(1).padStart(8)} ms | ratio ${(f.value / f.anchorValue).toFixed(2)}× | RSS ${f.rssMB.toFixed(0)} MB | ${f.pass ? "PASS" : "MISS"} (target ${f.target})`,
    );
  }
}
