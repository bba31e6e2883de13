/**
 * Webhook throughput and p99 latency on loopback (issue 15): `envtrace webhook` (the built CLI, its own
 * process) answers AdmissionReviews built from test/fixtures/admission (public projects' manifests: a
 * denial, an allow, a StatefulSet, an istio-injected Pod) sent by a bounded open-loop Node client at
 * 200 requests/s over keep-alive HTTPS. Anchor, in the same run and with the same client: a bare Node HTTPS
 * server that reads the body and answers a fixed AdmissionReview, measured in 1 s rounds alternating with the
 * webhook's so that both see the same machine. Target: p99 ≤ 20 ms. Also the CPU each costs per request
 * (from /proc), which the machine's load moves far less than latency.
 *
 * `BENCH_SECONDS` (default 10; the issue's 30 s also works) sets the duration.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureObjects, reviewOf, servingCert, workload } from "../test/helpers/admission.js";
import { type Figure, printFigures } from "./lib.js";

const ROOT = new URL("..", import.meta.url).pathname;
const RATE = 200;

const ECHO = `
const https = require("node:https"), fs = require("node:fs");
const body = JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "x", allowed: true } });
const s = https.createServer({ cert: fs.readFileSync(process.argv[1]), key: fs.readFileSync(process.argv[2]) }, (req, res) => {
  const chunks = []; req.on("data", (c) => chunks.push(c));
  req.on("end", () => { JSON.parse(Buffer.concat(chunks).toString()); res.writeHead(200, { "content-type": "application/json" }).end(body); });
});
s.listen(0, "127.0.0.1", () => process.stderr.write("https://127.0.0.1:" + s.address().port + "\\n"));
`;

async function startChild(cmd: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  for (let i = 0; i < 200; i++) {
    const m = /https:\/\/[^\s:]+:(\d+)/.exec(err);
    if (m) return { child, port: Number(m[1]) };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`server did not start: ${err.slice(0, 300)}`);
}

function peakRssMB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Open loop: request i leaves at t0 + i/RATE whatever the answers do; latency from its send to its last byte. */
async function load(port: number, bodies: string[], seconds: number, agent: Agent) {
  const total = RATE * seconds;
  const lat: number[] = [];
  let errors = 0;
  let denied = 0;
  const t0 = performance.now();
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const body = bodies[i % bodies.length]!;
      const sent = performance.now();
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: "/validate",
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => {
            lat.push(performance.now() - sent);
            if (res.statusCode !== 200) errors++;
            else if (text.includes('"allowed":false')) denied++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(i));
  }
  await Promise.all(pending);
  const wall = (performance.now() - t0) / 1000;
  return { lat, wall, errors, denied };
}

type Round = Awaited<ReturnType<typeof load>>;

/** Latency quantiles and rate over rounds pooled together. */
function pooled(rounds: Round[]) {
  const lat = rounds.flatMap((r) => r.lat).sort((a, b) => a - b);
  const wall = rounds.reduce((t, r) => t + r.wall, 0);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? Number.NaN;
  return {
    p50: q(0.5),
    p99: q(0.99),
    max: lat[lat.length - 1] ?? 0,
    rps: lat.length / wall,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    denied: rounds.reduce((n, r) => n + r.denied, 0),
    n: lat.length,
  };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

export async function bench(): Promise<Figure[]> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const dir = mkdtempSync(join(tmpdir(), "envtrace-bench-webhook-"));
  const { cert, key } = servingCert(dir, "tls", "bench");
  const bodies = [
    reviewOf(workload("mysql-deployment.yaml")),
    reviewOf(workload("checkoutservice.yaml")),
    reviewOf(workload("mysql-statefulset.yaml")),
    reviewOf(fixtureObjects("istio-injected-pod.yaml")[0]!, { namespace: "default" }),
    reviewOf(workload("pod-single-secret-env-variable.yaml")),
  ].map((r) => JSON.stringify(r));

  const echo = await startChild("node", ["-e", ECHO, cert, key]);
  const wh = await startChild("node", [
    "bin/envtrace.js",
    "webhook",
    "--cert",
    cert,
    "--key",
    key,
    "--listen",
    "127.0.0.1:0",
  ]);
  const agents: Agent[] = [];
  try {
    // Warm-up (JIT, TLS session, lazy imports) for both. Then 1 s rounds alternating anchor and webhook, so
    // that both see the same machine (on a shared, loaded machine a separate 10 s run of each measured the
    // load: the echo's p99 alone ranged 44–229 ms run to run); quantiles over the pooled rounds.
    // One keep-alive client per server for the whole run: rounds do not pay TLS handshakes again.
    const echoAgent = new Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });
    const whAgent = new Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });
    agents.push(echoAgent, whAgent);
    await load(echo.port, bodies, 1, echoAgent);
    await load(wh.port, bodies, 2, whAgent);
    const ar: Round[] = [];
    const wr: Round[] = [];
    let echoCpu = 0;
    let whCpu = 0;
    for (let i = 0; i < seconds; i++) {
      for (const [srv, agent, rounds, anchor] of i % 2 === 0
        ? ([
            [echo, echoAgent, ar, true],
            [wh, whAgent, wr, false],
          ] as const)
        : ([
            [wh, whAgent, wr, false],
            [echo, echoAgent, ar, true],
          ] as const)) {
        const c0 = cpuSeconds(srv.child.pid!);
        rounds.push(await load(srv.port, bodies, 1, agent));
        const used = cpuSeconds(srv.child.pid!) - c0;
        if (anchor) echoCpu += used;
        else whCpu += used;
      }
    }
    const a = pooled(ar);
    const w = pooled(wr);
    const rss = peakRssMB(wh.child.pid!);
    if (w.errors > 0 || w.denied === 0)
      throw new Error(`webhook answered ${w.errors} errors, ${w.denied} denials`);
    const cpuPerReq = (whCpu * 1000) / w.n;
    const echoCpuPerReq = (echoCpu * 1000) / a.n;
    return [
      {
        name: `webhook p99 latency, ${RATE} req/s × ${seconds} s (HTTPS loopback)`,
        value: w.p99,
        unit: "ms",
        anchor: "bare Node HTTPS echo p99",
        anchorValue: a.p99,
        target: "≤ 20 ms",
        pass: w.p99 <= 20,
        rssMB: rss,
        note: `p50 ${w.p50.toFixed(1)} ms, max ${w.max.toFixed(1)} ms over ${w.n} requests; echo p50 ${a.p50.toFixed(1)} ms; 1 s rounds alternating with the echo. Profile (load 5–9 on 2 cores): the review is ~0.3 ms of the 0.8 ms CPU per request (60% of it src/k8s explainIndex/assemble), TLS write ~0.25 ms as in the echo; the tail is preemption of the one JS thread: 1 ms scavenges measured at 60–260 ms (with or without --no-parallel-scavenge), event-loop stalls up to 265 ms`,
      },
      {
        name: "webhook CPU per request (user + system)",
        value: cpuPerReq,
        unit: "ms",
        anchor: "bare Node HTTPS echo",
        anchorValue: echoCpuPerReq,
        target: "≤ 5 ms (a core answers ≥ 200 req/s)",
        pass: cpuPerReq <= 5,
        rssMB: rss,
      },
      {
        name: `webhook throughput at ${RATE} req/s offered`,
        value: w.rps,
        unit: "req/s",
        anchor: "bare Node HTTPS echo",
        anchorValue: a.rps,
        target: `≥ ${RATE * 0.98} req/s, no error`,
        pass: w.rps >= RATE * 0.98 && w.errors === 0,
        rssMB: rss,
      },
    ];
  } finally {
    for (const a of agents) a.destroy();
    wh.child.kill("SIGTERM");
    echo.child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures(await bench());
