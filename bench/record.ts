/**
 * Figures (issue 14): `envtrace record` on a 1,000-exec shell loop against the bare loop and against bare
 * `strace -f` (all syscalls, output discarded), measured in the same run; and the parse rate of a large
 * trace (MB/s) against splitting the same bytes into lines (the floor any line parser pays).
 *
 * `record` runs through the installed entry point (bin/envtrace.js; `npm run build` first) when dist/ has
 * the command, else through tsx over the sources (start-up then included). Run: `npx tsx bench/record.ts`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteHex, TraceParser } from "../src/record/parse.js";
import { type Figure, measureCommand, printFigures, withPeakRss } from "./lib.js";

const RUNS = 3;
const LOOP = "i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done";

/** A synthetic trace like strace -xx writes it: `execs` execve lines with a 60-variable environment. */
export function syntheticTrace(execs: number): Buffer {
  const env: string[] = [];
  for (let i = 0; i < 60; i++)
    env.push(`VARIABLE_${i}=/usr/local/lib/some/path/value-${i}:${"x".repeat(i % 40)}`);
  const envText = env.map((e) => quoteHex(Buffer.from(e))).join(", ");
  const lines: string[] = [];
  let t = 1796359712.7;
  for (let n = 0; n < execs; n++) {
    const pid = 1000 + n;
    t += 0.001;
    lines.push(
      `${pid - 1} ${t.toFixed(6)} clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = ${pid}`,
    );
    lines.push(
      `${pid} ${t.toFixed(6)} execve(${quoteHex(Buffer.from("/usr/bin/true"))}, [${quoteHex(Buffer.from("true"))}, ${quoteHex(Buffer.from(`arg-${n}`))}], [${envText}]) = 0`,
    );
    lines.push(`${pid} ${t.toFixed(6)} +++ exited with 0 +++`);
  }
  return Buffer.from(`${lines.join("\n")}\n`);
}

async function parseRate(): Promise<Figure[]> {
  const trace = syntheticTrace(4000);
  const mb = trace.length / 1e6;
  const chunks: Buffer[] = [];
  for (let i = 0; i < trace.length; i += 1 << 20) chunks.push(trace.subarray(i, i + (1 << 20)));
  const parse = () => {
    let execs = 0;
    const p = new TraceParser((e) => {
      if (e.kind === "exec") execs++;
    });
    for (const c of chunks) p.push(c);
    p.end();
    return execs;
  };
  // Anchor: JSON.parse of the same execs written as JSON (a familiar, native parser's rate on its own bytes).
  const json = Buffer.from(
    JSON.stringify(
      Array.from({ length: 4000 }, (_, n) => ({
        pid: 1000 + n,
        path: "/usr/bin/true",
        argv: ["true", `arg-${n}`],
        env: Array.from(
          { length: 60 },
          (_, i) => `VARIABLE_${i}=/usr/local/lib/some/path/value-${i}:${"x".repeat(i % 40)}`,
        ),
      })),
    ),
  );
  const split = () => JSON.parse(json.toString("latin1")).length;
  parse(); // warm
  split();
  const times: number[] = [];
  const { rssMB } = await withPeakRss(() => {
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      parse();
      times.push(performance.now() - t0);
    }
  });
  const splitTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    split();
    splitTimes.push(performance.now() - t0);
  }
  const best = Math.min(...times) / 1000;
  const bestSplit = Math.min(...splitTimes) / 1000;
  const jsonMB = json.length / 1e6;
  const rate = mb / best;
  return [
    {
      name: `parse a ${mb.toFixed(0)} MB -xx trace (4,000 execs × 60 vars)`,
      value: rate,
      unit: "MB/s",
      anchor: "JSON.parse of the same execs (own MB)",
      anchorValue: jsonMB / bestSplit,
      target: "≥ 50 MB/s",
      pass: rate >= 50,
      rssMB,
      note: "bounded by decoding every \\xHH escape into bytes and UTF-8 decoding of each variable",
    },
  ];
}

function recordOverhead(): Figure[] {
  const root = new URL("..", import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), "envtrace-bench-record-"));
  try {
    const script = join(dir, "loop.sh");
    writeFileSync(script, `${LOOP}\n`);
    const out = join(dir, "report.json");
    const bin = join(root, "bin/envtrace.js");
    const installed = existsSync(join(root, "dist/cli/commands/record.js"));
    const cmd = installed ? bin : join(root, "node_modules/.bin/tsx");
    const args = [
      ...(installed ? [] : [join(dir, "cli.mts")]),
      "record",
      "-o",
      "json",
      "--output",
      out,
      "--",
      "sh",
      script,
    ];
    if (!installed) {
      writeFileSync(
        join(dir, "cli.mts"),
        `import { run } from ${JSON.stringify(join(root, "src/cli/run.ts"))};\nprocess.exitCode = await run(process.argv.slice(2));\n`,
      );
    }
    {
      measureCommand("sh", [script], 1);
      const bare = measureCommand("sh", [script], RUNS);
      const strace = measureCommand("strace", ["-f", "-qq", "-o", "/dev/null", "sh", script], RUNS);
      const rec = measureCommand(cmd, args, RUNS);
      return [
        {
          name: "record, 1,000-exec sh loop, wall",
          value: rec.ms,
          unit: "ms",
          anchor: "bare loop",
          anchorValue: bare.ms,
          target: "≤ 3× the bare loop",
          pass: rec.ms <= 3 * bare.ms,
          rssMB: rec.rssMB,
          note: "strace's ptrace stops (two per exec and per fork, even with --seccomp-bpf) and envtrace's start-up",
        },
        {
          name: "record, 1,000-exec sh loop, wall",
          value: rec.ms,
          unit: "ms",
          anchor: "bare strace -f (all syscalls)",
          anchorValue: strace.ms,
          target: "≤ 1× bare strace -f",
          pass: rec.ms <= strace.ms,
          rssMB: rec.rssMB,
        },
      ];
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<Figure[]> {
  return [...recordOverhead(), ...(await parseRate())];
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures(await bench());
