/**
 * Figures (issue 10): `envtrace explain --pid N` start to finish, next to bare Node start-up measured in
 * the same run (targets: ≤ 150 ms and ≤ 2× `node -e 0`), on this machine's Node and on Node 22 and 24
 * (compile cache), and the cost of each way of starting it: `node bin/envtrace.js`, a global install's `envtrace`,
 * `npm exec --offline envtrace`, `npx envtrace`. RSS next to time. Run: `npx tsx bench/explain-one.ts`
 * (needs `npm run build`; the global install goes to a temporary prefix).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Figure, measureCommand, printFigures } from "./lib.js";

const RUNS = 15;
const ROOT = new URL("..", import.meta.url).pathname;
const measure = (cmd: string, args: string[], runs = RUNS) => measureCommand(cmd, args, runs, { cwd: ROOT });

export async function bench(): Promise<Figure[]> {
  const target = spawn("bash", ["-c", "export A=1 B=2; sleep 600; :"], { stdio: "ignore", detached: true });
  await new Promise((r) => setTimeout(r, 300));
  const prefix = mkdtempSync(join(tmpdir(), "envtrace-global-"));
  try {
    const pid = String(target.pid);
    const args = ["explain", "--pid", pid, "--format", "json"];
    const node20 = measure("node", ["-e", "0"]);
    const direct = measure("node", ["bin/envtrace.js", ...args]);
    // Node 22 and 24 from npm (offline here): bare start-up, then explain with a filled compile cache.
    const line = (major: number) => {
      const path = execFileSync("npx", ["-y", `node@${major}`, "-p", "process.execPath"], {
        encoding: "utf8",
      }).trim();
      const bare = measure(path, ["-e", "0"]);
      measure(path, ["bin/envtrace.js", ...args], 2); // fills the compile cache
      return { bare, explain: measure(path, ["bin/envtrace.js", ...args]) };
    };
    const { bare: node22, explain: direct22 } = line(22);
    const { bare: node24, explain: direct24 } = line(24);
    // A global install from the packed tarball, into a private prefix.
    const tgz = execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", prefix], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"], // npm's notice of every packed file
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
      note?: string,
    ): Figure => ({
      name,
      value: m.ms,
      unit: "ms",
      anchor,
      anchorValue: a.ms,
      target,
      pass,
      rssMB: m.rssMB,
      ...(note ? { note } : {}),
    });
    const goal = (m: { ms: number }, a: { ms: number }) => m.ms <= 150 && m.ms <= 2 * a.ms;
    const bound =
      "profile (--cpu-prof): Node's own start-up (the anchor), then loading ~700 KB of bundled ESM (no compile cache before Node 22.1), the shell parser's WebAssembly (tree-sitter, compiled at every start), the secret rules' keyword automaton, the parse of the user's startup files; the attribution itself is ~20 ms. What would reach it: a persistent cache of startup-file analyses keyed by inode and mtime (it would hold the files' values, so it must be masked or kept out), or a resident process";
    return [
      fig(
        `explain --pid (node ${process.version}, bin)`,
        direct,
        "node -e 0",
        node20,
        "≤ 150 ms and ≤ 2× node",
        goal(direct, node20),
        bound,
      ),
      fig(
        "explain --pid (Node 22, compile cache)",
        direct22,
        "node 22 -e 0",
        node22,
        "≤ 150 ms and ≤ 2× node",
        goal(direct22, node22),
        bound,
      ),
      fig(
        "explain --pid (Node 24, compile cache; re-exec with --liftoff-only)",
        direct24,
        "node 24 -e 0",
        node24,
        "≤ 150 ms and ≤ 2× node",
        goal(direct24, node24),
        bound,
      ),
      fig(
        "explain --pid (global install: envtrace)",
        global,
        "node -e 0",
        node20,
        "≤ 150 ms",
        global.ms <= 150,
        bound,
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

if (import.meta.url === `file://${process.argv[1]}`) printFigures(await bench());
