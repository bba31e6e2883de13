/**
 * Figures (issue 11): rendering cost per format for a 500-process `scan` report, next to `json` (target:
 * none more than 3× json, except html ≤ 1 s for 500 processes, graphs included), with the RSS of the
 * process after rendering. Two reports:
 * - live: a real scan (ExplainSession, as `scan --all` does) of this host plus 500 sleeps started by 25
 *   shells that each export their own variables (a secret among them), so lineages repeat as they do on a
 *   host (the same parent, the same values);
 * - worst case: 500 synthetic processes × 40 variables where every lineage is different (its own actor,
 *   half with a shadowed value, a 6-segment PATH), so every variable would want its own graph.
 * Times are CPU ms (user + system) of this process: the machine these run on is shared, and rendering is
 * single-threaded, so CPU time is what the wall time is on an idle machine (wall is shown too). Each
 * format's first render (module load — under tsx, which transpiles on load —; Graphviz's WASM for html)
 * is "cold"; the median of the next ones is the figure. Run: `npx tsx bench/report-render.ts [N]` (`ONLY=html,markdown` for some).
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { maskResult } from "../src/detect/mask.js";
import { ExplainSession } from "../src/explain.js";
import type { ExplainResult, Report, Subject } from "../src/model/index.js";
import { buildReport, explainSubject, runInfo } from "../src/report/build.js";
import { FORMATS, reporterFor } from "../src/report/index.js";
import { cpuAndWall, type Figure, median, printFigures } from "./lib.js";

setFlagsFromString("--liftoff-only");
const RUNS = Number(process.env.RUNS ?? 5);

function report(subjects: Subject[]): Report {
  return buildReport(
    runInfo({ command: "scan", argv: ["scan", "--all"], version: "bench", startedAt: new Date() }),
    subjects,
  );
}

export async function liveReport(n: number): Promise<{ report: Report; stop: () => void }> {
  const groups = 25;
  const per = Math.ceil(n / groups);
  const holders = Array.from({ length: groups }, (_, g) =>
    spawn(
      "sh",
      [
        "-c",
        `export APP_GROUP=g${g} API_TOKEN=ghp_${"Bench0Tok".repeat(3)}${String(g).padStart(9, "0")} PATH="/opt/g${g}/bin:$PATH"; i=0; while [ $i -lt ${per} ]; do sleep 600 & i=$((i+1)); done; wait`,
      ],
      {
        stdio: "ignore",
        detached: true,
        env: { ...process.env, APP_ENV: "bench", DATABASE_URL: "postgres://app@db/app" },
      },
    ),
  );
  const stop = () => {
    for (const h of holders) process.kill(-h.pid!, "SIGKILL");
  };
  const count = () => readdirSync("/proc").filter((x) => /^\d+$/.test(x)).length;
  const start = count();
  const deadline = Date.now() + 30_000;
  while (count() < start + n - 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  const session = new ExplainSession();
  const subjects: Subject[] = [];
  for (const pid of await session.reader.listPids()) {
    const r = await session.explain(pid);
    if (r.issues.some((i) => i.code === "KTHREAD") && r.variables.length === 0) continue;
    subjects.push(explainSubject(r));
  }
  return { report: report(subjects), stop };
}

/** 500 processes whose every variable has its own lineage (the graphs cannot be shared). */
export function worstReport(n: number): Report {
  const subjects: Subject[] = [];
  for (let p = 0; p < n; p++) {
    const pid = 10_000 + p;
    const actor = { pid: 5_000 + p, comm: `launcher${p}`, exe: "/usr/bin/launcher" };
    const r: ExplainResult<string> = {
      subject: { pid, comm: "worker", exe: "/usr/bin/worker" },
      variables: Array.from({ length: 40 }, (_, k) => ({
        key: k === 0 ? "PATH" : k === 1 ? "SERVICE_TOKEN" : `SETTING_${k}`,
        value:
          k === 0
            ? `/opt/p${p}/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`
            : k === 1
              ? `ghp_${"W0rstCase".repeat(3)}${String(p).padStart(9, "0")}`
              : `value-${p}-${k}`,
        winner: {
          kind: "shell",
          mechanism: "bash",
          location: { file: `/home/u${p}/.bashrc`, line: k + 1 },
          actor,
          confidence: "certain",
          evidence: [],
        },
        shadowed:
          k % 2
            ? [
                {
                  value: `old-${p}-${k}`,
                  attribution: {
                    kind: "pam-env",
                    location: { file: "/etc/environment", line: k },
                    confidence: "certain",
                    evidence: [],
                  },
                },
              ]
            : [],
        ...(k === 0
          ? {
              segments: `/opt/p${p}/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`
                .split(":")
                .map((segment, i) => ({ segment, location: { file: "/etc/profile", line: i + 1 } })),
            }
          : {}),
        notes: [],
      })),
      findings: [],
      issues: [],
    };
    subjects.push(explainSubject(maskResult(r)));
  }
  return report(subjects);
}

interface Timing {
  /** CPU ms (user + system) of the first render, module loading included. */
  cold: number;
  /** Median CPU ms of the next renders. */
  cpu: number;
  /** Median wall ms of the same renders (inflated when the machine is shared). */
  wall: number;
  bytes: number;
  rssMB: number;
}

async function timeFormats(r: Report): Promise<Record<string, Timing>> {
  const out: Record<string, Timing> = {};
  // ONLY=json,html renders just those (json is always kept: it is the anchor).
  const only = process.env.ONLY?.split(",");
  for (const f of FORMATS.filter((x) => !only || x === "json" || only.includes(x))) {
    let bytes = 0;
    const cold = await cpuAndWall(async () => {
      bytes = Buffer.byteLength(await (await reporterFor(f)).render(r, {}));
    });
    const reporter = await reporterFor(f);
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = await cpuAndWall(() => reporter.render(r, {}));
      cpu.push(t.cpuMs);
      wall.push(t.wallMs);
    }
    out[f] = {
      cold: cold.cpuMs,
      cpu: median(cpu),
      wall: median(wall),
      bytes,
      rssMB: process.memoryUsage.rss() / 1e6,
    };
  }
  return out;
}

/** What bounds a format's figure when it misses (from `--cpu-prof` of these renders). */
const BOUNDS: Record<string, string> = {
  syslog:
    "per event (~8 µs, json ~2): the RFC 8785 text of nested fields (actor, evidence, shadowed, segments: src/audit/jcs.ts's sorting slow path, ~20%), escaping PARAM-VALUEs (~20%, already three native replaceAll), flattening the event and joining the line, and GC; json is one native JSON.stringify. A fast path in jcs.ts for small objects whose keys are out of order would take most of the first part; what is left is per-character JS work json does not have",
  k8s: "bytes: the YAML is ~4.8× json's (indentation; an EnvAuditEvent of ~40 lines per variable), assembled in JS one piece per key and value; building the event objects is ~25% and GC ~15%; yaml's own stringify (now only a fallback) was 97% of the old 128× figure. Sharing sources by content did not pay; a per-run event template (constant lines written once per type and level) would cut the assembly",
  jsonl:
    "the events (one object per variable; run, host and subject repeated on each line: ~1.6× json's bytes) and one JSON.stringify per event",
};

function figures(label: string, processes: number, t: Record<string, Timing>): Figure[] {
  const json = t.json!;
  return Object.entries(t).map(([f, x]): Figure => {
    const html = f === "html";
    return {
      ...(BOUNDS[f] ? { note: BOUNDS[f] } : {}),
      name: `render ${f}, ${label}, ${processes} processes (CPU ms; cold ${x.cold.toFixed(0)}, wall ${x.wall.toFixed(0)}; ${(x.bytes / 1e6).toFixed(1)} MB)`,
      value: x.cpu,
      unit: "ms",
      anchor: "render json, same report",
      anchorValue: json.cpu,
      target: html ? "≤ 1000 ms, cold" : "≤ 3× json",
      pass: html ? x.cold <= 1000 : f === "json" || x.cpu <= 3 * json.cpu,
      rssMB: x.rssMB,
    };
  });
}

export async function bench(n = 500): Promise<Figure[]> {
  const worst = worstReport(n);
  const { report: live, stop } = await liveReport(n);
  try {
    const liveT = await timeFormats(live);
    const liveVars = live.subjects.reduce((k, s) => k + (s.variables?.length ?? 0), 0);
    const worstT = await timeFormats(worst);
    return [
      ...figures(`live scan, ${liveVars} variables`, live.subjects.length, liveT),
      ...figures("worst case, 20,000 distinct lineages", worst.subjects.length, worstT),
    ];
  } finally {
    stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  printFigures(await bench(Number(process.argv[2] ?? 500)));
