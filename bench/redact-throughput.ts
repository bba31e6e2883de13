/**
 * Figure (issue 10): `redact` throughput and memory on three inputs, each next to a plain Node stream copy
 * of the same file and secretlint (+ preset-recommend) on the same file, with PASS/MISS against the targets:
 *   - secret-dense: ~20 MB of log and env lines, one secret per ~250 bytes (every rule's examples, also
 *     inside command lines) — target ≥ 50 MB/s;
 *   - realistic log: ~20 MB of service logs, one secret per ~10 KB — target ≥ 50 MB/s;
 *   - one 50 MB line (no newline) with a few secrets — target ≤ 150 MB RSS (constant memory);
 *   - linearity: the realistic log at half size must take about half the time.
 * Each figure runs in a child process (its max RSS is the figure's memory). Single-threaded.
 * Run: `npx tsx bench/redact-throughput.ts` (SIZE_MB overrides 20). Benchmarks are never timed tests.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === "--child") {
  // Child: one measured run; prints JSON {ms, rss, secrets}.
  const [, , , mode, file] = process.argv as [string, string, string, string, string];
  const { Redactor } = await import("../src/detect/redact.js");
  const r = mode === "redact" ? new Redactor({ style: "partial" }) : undefined;
  if (r) r.push(Buffer.from("warm-up TOKEN=x\n")); // compile the engine outside the timed part
  const t0 = performance.now();
  const src = createReadStream(file, { highWaterMark: 1 << 20 });
  const sink = createWriteStream("/dev/null");
  if (!r) await pipeline(src, sink);
  else
    await pipeline(
      src,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const c of chunks) yield r.push(c);
        yield r.end();
      },
      sink,
    );
  const ms = performance.now() - t0;
  console.log(
    JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, secrets: r?.stats.secrets ?? 0 }),
  );
  process.exit(0);
}

const { builtinRules } = await import("../src/detect/rules/index.js");
const { body, HEX, LOWNUM } = await import("../src/detect/rules/lib.js");

const SIZE = Number(process.env.SIZE_MB ?? 20) * 1e6;
const dir = mkdtempSync(join(tmpdir(), "envtrace-redact-bench-"));

const examples = builtinRules.flatMap((r) => r.examples.match.map((m) => m.replaceAll("\n", "\\n")));
const cmd = (i: number, s: string) =>
  [
    `JAVA_OPTS=-Xmx1g -Dpassword=${s} -Dfile.encoding=UTF-8`,
    `SUDO_COMMAND=/usr/bin/psql --password=${s} -h db`,
    `LAST=mysql -uroot -p${s} app`,
    `curl -u ci:${s} https://repo.example.org`,
  ][i % 4]!;
const logLine = (i: number): string => {
  const ts = `2026-12-04T03:${String((i >> 6) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.${String(i % 1000).padStart(3, "0")}Z`;
  switch (i % 8) {
    case 0:
      return `${ts} INFO  http request method=GET path=/api/v1/items/${i} status=200 duration_ms=${i % 97} trace=${body(HEX, 16, `t${i}`)}`;
    case 1:
      return `${ts} DEBUG db query="SELECT id, name FROM items WHERE owner = $1 LIMIT 50" rows=${i % 50} pool=primary`;
    case 2:
      return `${ts} INFO  worker-${i % 8} job=${body(LOWNUM, 12, `j${i}`)} state=done attempts=1 queue=default`;
    case 3:
      return `${ts} WARN  cache miss key=user:${i}:profile backend=redis latency_ms=${i % 13}`;
    case 4:
      return `PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/app${i}/bin`;
    case 5:
      return `${ts} INFO  deploy image=registry.example.org/app@sha256:${body(HEX, 64, `d${i}`)} replicas=3`;
    case 6:
      return `HOSTNAME=web-${body(LOWNUM, 10, `h${i}`)} LANG=en_US.UTF-8 TZ=UTC PASSWORD_MIN_LENGTH=12`;
    default:
      return `${ts} ERROR upstream timeout after 30s host=svc-${i % 40}.prod.svc.cluster.local:8080 retry=true`;
  }
};

function corpus(name: string, size: number, secretEvery: number): string {
  const file = join(dir, name);
  const lines: string[] = [];
  let bytes = 0;
  let sinceSecret = 0;
  for (let i = 0; bytes < size; i++) {
    let l = logLine(i);
    if (sinceSecret >= secretEvery) {
      const ex = examples[i % examples.length]!;
      l = i % 3 === 0 ? cmd(i, body(LOWNUM, 14, `p${i}`)) : `${l.slice(0, 40)} ${ex}`;
      sinceSecret = 0;
    }
    lines.push(l);
    bytes += l.length + 1;
    sinceSecret += l.length + 1;
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

function singleLine(size: number): string {
  const file = join(dir, "one-line.txt");
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const p = i % 5000 === 4999 ? ` TOKEN=${examples[i % examples.length]} ` : `k${i}=v${i % 97};`;
    parts.push(p);
    n += p.length;
  }
  writeFileSync(file, parts.join(""));
  return file;
}

interface Run {
  ms: number;
  rss: number;
  secrets: number;
}
function child(mode: "redact" | "copy", file: string): Run {
  const r = spawnSync(process.execPath, ["--import", "tsx", self, "--child", mode, file], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr.split("\n")[0]}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Run;
}
function secretlint(file: string): number | undefined {
  const rc = join(dir, ".secretlintrc.json");
  writeFileSync(rc, JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }));
  const t0 = performance.now();
  const r = spawnSync(join(process.cwd(), "node_modules/.bin/secretlint"), ["--secretlintrc", rc, file], {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const ms = performance.now() - t0;
  return r.status === 0 || r.status === 1 ? ms : undefined; // 1 = found secrets: its normal result here
}

const mbOf = (f: string) => statSync(f).size / 1e6;
const rate = (mb: number, ms: number) => mb / (ms / 1000);
const pf = (ok: boolean) => (ok ? "PASS" : "MISS");
const MB = (b: number) => `${(b / 1e6).toFixed(0)} MB`;

try {
  console.log(
    `redact throughput, single-threaded; load average ${loadavg()[0]!.toFixed(1)}; Node ${process.version}`,
  );
  const results: string[] = [];
  for (const [label, file] of [
    ["secret-dense (1 secret / ~250 B)", corpus("dense.txt", SIZE, 250)],
    ["realistic log (1 secret / ~10 KB)", corpus("log.txt", SIZE, 10_000)],
  ] as const) {
    const mb = mbOf(file);
    const red = child("redact", file);
    const copy = child("copy", file);
    const lint = secretlint(file);
    const r = rate(mb, red.ms);
    console.log(`\n${label}: ${mb.toFixed(1)} MB, ${red.secrets} secrets masked`);
    console.log(
      `  envtrace redact      ${r.toFixed(1).padStart(7)} MB/s  RSS ${MB(red.rss)}   ${pf(r >= 50)} (target ≥ 50 MB/s)`,
    );
    console.log(
      `  node stream copy     ${rate(mb, copy.ms).toFixed(1).padStart(7)} MB/s  RSS ${MB(copy.rss)}   → redact takes ${(red.ms / copy.ms).toFixed(1)}× its time`,
    );
    if (lint !== undefined)
      console.log(
        `  secretlint (CLI)     ${rate(mb, lint).toFixed(1).padStart(7)} MB/s  (whole process)   → redact ${(lint / red.ms).toFixed(1)}× faster`,
      );
    else console.log("  secretlint           did not run");
    results.push(`${label}: ${pf(r >= 50)}`);
  }
  const half = corpus("log-half.txt", SIZE / 2, 10_000);
  const full = join(dir, "log.txt");
  const a = child("redact", half);
  const b = child("redact", full);
  const ratio = b.ms / a.ms / (mbOf(full) / mbOf(half));
  console.log(
    `\nlinearity: ${mbOf(half).toFixed(0)} MB in ${a.ms.toFixed(0)} ms, ${mbOf(full).toFixed(0)} MB in ${b.ms.toFixed(0)} ms → time per MB ×${ratio.toFixed(2)}   ${pf(ratio < 1.3)} (target ≈ 1)`,
  );
  const one = singleLine(50e6);
  const big = child("redact", one);
  const copyBig = child("copy", one);
  console.log(
    `one 50 MB line: ${rate(mbOf(one), big.ms).toFixed(1)} MB/s, RSS ${MB(big.rss)} (stream copy: ${MB(copyBig.rss)}, of which Node + tsx ≈ the copy's)   ${pf(big.rss <= 150e6)} (target ≤ 150 MB RSS)`,
  );
  console.log(
    "\nWhat bounds it: the keyword prefilter (one DFA pass over the bytes) runs at memory speed; the cost is per line holding a keyword — the rules' regexes over that line (V8 irregexp, with match indices) and the checks on each candidate (entropy, placeholders, name semantics). On secret-dense text nearly every line runs several regexes, so throughput follows the density of keyword lines, not the byte count.",
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
