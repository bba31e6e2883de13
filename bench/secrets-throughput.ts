/**
 * Figure (issue 4): throughput of `envtrace redact` on ≥ 20 MB of env-style text, side by side with
 * the floor (`cat` of the same file through a plain Node stream pipe) and with secretlint
 * (+ preset-recommend) on the same input. Targets: ≥ 50 MB/s, ≥ 10× secretlint, within 2× of the pipe.
 * Steady state: the redact stream and the plain pipe in this process (median of RUNS). End to end: whole
 * CLI runs (`node bin/envtrace.js redact FILE`, Node and module start-up included) and secretlint's CLI.
 * Run: `npx tsx bench/secrets-throughput.ts` (needs `npm run build`). SIZE_MB overrides the size.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Redactor } from "../src/detect/redact.js";
import { builtinRules } from "../src/detect/rules/index.js";
import { body, HEX, LOWNUM } from "../src/detect/rules/lib.js";
import { median } from "./lib.js";

const SIZE = Number(process.env.SIZE_MB ?? 24) * 1e6;
const RUNS = Number(process.env.RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), "envtrace-bench-"));
const file = join(dir, "env.txt");

// Env-style text as `env` prints it on real hosts and containers, with ~1% secret lines.
const secrets = builtinRules
  .filter((r) => !r.tags.includes("generic"))
  .map((r) => r.examples.match[0]!.replaceAll("\n", "\\n"));
const plain = (i: number): string => {
  switch (i % 12) {
    case 0:
      return `PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/app${i}/bin`;
    case 1:
      return `HOSTNAME=web-${body(LOWNUM, 10, `h${i}`)}-${body(LOWNUM, 5, `p${i}`)}`;
    case 2:
      return `GIT_COMMIT=${body(HEX, 40, `c${i}`)}`;
    case 3:
      return `REQUEST_TIMEOUT=${i % 90}s`;
    case 4:
      return `SERVICE_${i}_URL=http://svc-${i}.prod.svc.cluster.local:8080/api/v1`;
    case 5:
      return `LANG=en_US.UTF-8`;
    case 6:
      return `FEATURE_FLAG_${i}_ENABLED=true`;
    case 7:
      return `KUBERNETES_SERVICE_PORT_HTTPS=443`;
    case 8:
      return `IMAGE_DIGEST=sha256:${body(HEX, 64, `d${i}`)}`;
    case 9:
      return `TRACE_ID=${body(HEX, 8, `t${i}`)}-${body(HEX, 4, `u${i}`)}-4${body(HEX, 3, `v${i}`)}-a${body(HEX, 3, `w${i}`)}-${body(HEX, 12, `x${i}`)}`;
    case 10:
      return `PASSWORD_MIN_LENGTH=${8 + (i % 8)}`;
    default:
      return `APP_CONFIG_${i}=/etc/app/conf.d/${i}.yaml`;
  }
};
const lines: string[] = [];
let bytes = 0;
for (let i = 0; bytes < SIZE; i++) {
  const l = i % 100 === 99 ? `SECRET_${i}=${secrets[i % secrets.length]}` : plain(i);
  lines.push(l);
  bytes += l.length + 1;
}
writeFileSync(file, `${lines.join("\n")}\n`);
const mb = statSync(file).size / 1e6;
writeFileSync(
  join(dir, ".secretlintrc.json"),
  JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }),
);

function wall(cmd: string, args: string[], cwd?: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], cwd, maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  // secretlint exits 1 when it finds secrets: that is its normal result here.
  if (r.status !== 0 && !(cmd.includes("secretlint") && r.status === 1))
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr?.toString().split("\n")[0]}`);
  return ms;
}

async function inProcess(redact: boolean): Promise<number> {
  const t0 = performance.now();
  const src = createReadStream(file, { highWaterMark: 1 << 20 });
  const sink = createWriteStream("/dev/null");
  if (!redact) await pipeline(src, sink);
  else {
    const r = new Redactor({ style: "partial" });
    await pipeline(
      src,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const c of chunks) yield r.push(c);
        yield r.end();
      },
      sink,
    );
  }
  return performance.now() - t0;
}

const root = process.cwd();
try {
  const floor: number[] = [];
  const redact: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await inProcess(false));
    redact.push(await inProcess(true));
  }
  const cli = wall("node", [join(root, "bin/envtrace.js"), "redact", file]);
  const startup = wall("node", [join(root, "bin/envtrace.js"), "--version"]);
  const catPipe = wall("node", [
    "-e",
    `require("fs").createReadStream(${JSON.stringify(file)}).pipe(process.stdout)`,
  ]);
  const lint = wall(
    join(root, "node_modules/.bin/secretlint"),
    ["--secretlintrc", join(dir, ".secretlintrc.json"), file],
    dir,
  );
  const rate = (ms: number) => mb / (ms / 1000);
  const r = rate(median(redact));
  const f = rate(median(floor));
  const s = rate(lint);
  const c = rate(cli);
  console.log(
    `input: ${mb.toFixed(1)} MB env-style text, ${lines.length} lines, ~1% secrets; load average ${loadavg()[0]!.toFixed(1)} on this machine`,
  );
  console.log("steady state (one process, median of runs):");
  console.log(`  envtrace redact stream   ${r.toFixed(1).padStart(8)} MB/s  (target ≥ 50 MB/s)`);
  console.log(
    `  node stream pipe (floor) ${f.toFixed(1).padStart(8)} MB/s  → redact takes ${(f / r).toFixed(2)}× the floor's time (target ≤ 2×)`,
  );
  console.log("end to end (whole CLI processes):");
  console.log(
    `  envtrace redact FILE     ${c.toFixed(1).padStart(8)} MB/s  (${(cli / 1000).toFixed(2)} s, of which CLI start-up ${(startup / 1000).toFixed(2)} s)`,
  );
  console.log(
    `  … excluding start-up     ${rate(Math.max(1, cli - startup))
      .toFixed(1)
      .padStart(8)} MB/s  (same run minus \`envtrace --version\`, a noisy difference)`,
  );
  console.log(
    `  node -e pipe (floor)     ${rate(catPipe).toFixed(1).padStart(8)} MB/s  → ${(catPipe === 0 ? 0 : cli / catPipe).toFixed(2)}× its time`,
  );
  console.log(
    `  secretlint + preset      ${s.toFixed(1).padStart(8)} MB/s  → envtrace redact ${(c / s).toFixed(1)}× faster end to end, ${(r / s).toFixed(1)}× steady state (target ≥ 10×)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
