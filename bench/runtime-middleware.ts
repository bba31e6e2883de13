/**
 * Figure (issue 13): middleware overhead at 10,000 requests/s on loopback (autocannon, fixed overall rate):
 * p99 latency with envtrace's middleware against the same server without it (target: within 5%), for a
 * plain node:http server and for express. The server runs in its own process (with the runtime's Proxy
 * guard, as `--import envtrace/register` would install it); rounds alternate and the median p99 of the
 * rounds is taken. Needs `npm run build`. Run: `npx tsx bench/runtime-middleware.ts`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { distIsFresh, type Figure, median, printFigures } from "./lib.js";

const ROOT = new URL("..", import.meta.url).pathname;
const RATE = Number(process.env.RATE ?? 10_000);
const SECONDS = Number(process.env.SECONDS ?? 8);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const SERVER = `import { createServer } from "node:http";
const [kind, withMw] = process.argv.slice(2);
let handler;
if (kind === "http") {
  const plain = (req, res) => { res.setHeader("content-type", "text/plain"); res.end("ok"); };
  handler = withMw === "1" ? (await import("envtrace/http")).withEnvtrace(plain) : plain;
} else {
  const express = (await import("express")).default;
  const app = express();
  if (withMw === "1") app.use((await import("envtrace/express")).envtrace());
  app.get("/", (_req, res) => res.send("ok"));
  handler = app;
}
const s = createServer(handler);
s.keepAliveTimeout = 60_000;
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
`;

async function start(
  proj: string,
  kind: string,
  mw: boolean,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn("node", ["--import", "envtrace/register", "server.mjs", kind, mw ? "1" : "0"], {
    cwd: proj,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  return { child, port: Number(String(line).trim()) };
}

async function load(port: number): Promise<{ p99: number; p50: number; rps: number }> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: 20,
    duration: SECONDS,
    overallRate: RATE,
  });
  return { p99: r.latency.p99, p50: r.latency.p50, rps: r.requests.average };
}

export async function bench(): Promise<Figure[]> {
  if (!distIsFresh("src/runtime")) throw new Error("dist/runtime is missing or stale: run `npm run build`");
  const proj = mkdtempSync(join(tmpdir(), "envtrace-mw-"));
  mkdirSync(join(proj, "node_modules"));
  symlinkSync(ROOT, join(proj, "node_modules", "envtrace"));
  symlinkSync(join(ROOT, "node_modules", "express"), join(proj, "node_modules", "express"));
  writeFileSync(join(proj, "server.mjs"), SERVER);
  const figs: Figure[] = [];
  // The per-request step alone, in-process: what a request pays when nothing changed.
  const { requestStep } = await import(join(ROOT, "dist/runtime/middleware.js"));
  const step = requestStep({ init: { guard: "proxy" } });
  const stepNs = (fn: () => unknown) => {
    for (let i = 0; i < 2e5; i++) fn();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 2e6; i++) fn();
    return Number(process.hrtime.bigint() - t0) / 2e6;
  };
  const req = {};
  const per = stepNs(() => step(req));
  const noop = stepNs(() => req);
  figs.push({
    name: "middleware step per request, nothing changed",
    value: per,
    unit: "ns",
    anchor: "empty call",
    anchorValue: noop,
    target: "documented",
    pass: true,
    rssMB: 0,
  });
  try {
    for (const kind of ["http", "express"]) {
      const res: Record<string, Array<{ p99: number; p50: number; rps: number }>> = { bare: [], mw: [] };
      for (let i = 0; i < ROUNDS; i++) {
        for (const mw of [false, true]) {
          const { child, port } = await start(proj, kind, mw);
          await load(port); // warm-up round, not counted
          res[mw ? "mw" : "bare"]!.push(await load(port));
          child.kill();
        }
      }
      const bare = median(res.bare!.map((r) => r.p99));
      const mw = median(res.mw!.map((r) => r.p99));
      const rps = median(res.mw!.map((r) => r.rps));
      figs.push({
        name: `${kind}: p99 at ${RATE} req/s with middleware`,
        value: mw,
        unit: "ms",
        anchor: `${kind}: p99 without middleware`,
        anchorValue: bare,
        target: "≤ 1.05×",
        pass: mw <= bare * 1.05,
        rssMB: 0,
        note: `served ${rps.toFixed(0)} req/s; p50 ${median(res.mw!.map((r) => r.p50))} vs ${median(res.bare!.map((r) => r.p50))} ms; p99 rounds with ${res.mw!.map((r) => r.p99).join("/")} vs ${res.bare!.map((r) => r.p99).join("/")}`,
      });
    }
  } finally {
    rmSync(proj, { recursive: true, force: true });
  }
  return figs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figs = await bench();
  printFigures(figs);
  for (const f of figs) if (f.note) console.log(`  ${f.note}`);
}
