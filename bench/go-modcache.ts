/**
 * Figure (issue 6): `envtrace go verify-modcache` throughput — MB/s of module zip data hashed to `h1:`
 * (yauzl streams each entry through inflate + SHA-256, names sorted, dirhash Hash1), next to a raw SHA-256
 * of the same zip files' bytes measured in the same run. Target ≥ 200 MB/s of zip data.
 * Run: `npx tsx bench/go-modcache.ts` (MB=… sets the cache size, default 160). Builds a synthetic module
 * cache of Go-source-like files (60 per module, 300 B–24 KB, compressing about like real modules) in a temporary directory and removes it.
 */
import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import yazl from "yazl";
import { hash1Of } from "../src/go/modcache/hash1.js";
import { verifyModcache } from "../src/go/modcache/verify.js";
import { median, row } from "./lib.js";

const TARGET_MB = Number(process.env.MB ?? 160);
const RUNS = Number(process.env.RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), "envtrace-bench-modcache-"));

/** Deterministic pseudo-Go source: identifiers and numbers from a small PRNG. */
function source(seed: number, bytes: number): string {
  let x = seed >>> 0 || 1;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const words = [
    "func",
    "return",
    "if",
    "err",
    "nil",
    "ctx",
    "value",
    "string",
    "int",
    "for",
    "range",
    "map",
    "struct",
  ];
  const parts: string[] = ["package p\n\n"];
  let n = 0;
  while (n < bytes) {
    const line = `\t${words[Math.floor(rnd() * words.length)]} v${Math.floor(rnd() * 1e6).toString(36)} := ${Math.floor(rnd() * 1e9)} // ${words[Math.floor(rnd() * words.length)]}\n`;
    parts.push(line);
    n += line.length;
  }
  return parts.join("");
}

function zip(file: string, entries: Array<[string, string]>): Promise<void> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const [name, data] of entries) z.addBuffer(Buffer.from(data), name);
    z.outputStream.pipe(createWriteStream(file)).on("close", resolve).on("error", reject);
    z.end();
  });
}

function sha256File(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(file)
      .on("data", (c) => h.update(c))
      .on("error", reject)
      .on("end", () => {
        h.digest();
        resolve();
      });
  });
}

async function build(): Promise<{ zips: string[]; bytes: number }> {
  const zips: string[] = [];
  let bytes = 0;
  let i = 0;
  while (bytes < TARGET_MB * 1e6) {
    const mod = `example.com/bench/m${i}`;
    const v = "v1.0.0";
    const at = join(dir, "cache", "download", mod, "@v");
    mkdirSync(at, { recursive: true });
    const files: Array<[string, string]> = [[`${mod}@${v}/go.mod`, `module ${mod}\n\ngo 1.21\n`]];
    // Sizes log-uniform between 300 B and 24 KB, as in real module zips (mostly small files).
    for (let f = 0; f < 60; f++) {
      const size = Math.round(300 * 80 ** (((f * 7919 + i * 31) % 1000) / 1000));
      files.push([`${mod}@${v}/pkg${f % 6}/f${f}.go`, source(i * 100 + f, size)]);
    }
    const z = join(at, `${v}.zip`);
    await zip(z, files);
    writeFileSync(join(at, `${v}.ziphash`), hash1Of(files.map(([name, data]) => ({ name, data }))));
    writeFileSync(join(at, `${v}.mod`), files[0]![1]);
    zips.push(z);
    bytes += statSync(z).size;
    i++;
  }
  return { zips, bytes };
}

try {
  const { zips, bytes } = await build();
  console.log(`synthetic module cache: ${zips.length} zips, ${(bytes / 1e6).toFixed(1)} MB of zip data`);
  const rawMs: number[] = [];
  const verifyMs: number[] = [];
  // CPU time of the whole process (worker threads included): a figure the machine's load does not skew.
  const rawCpu: number[] = [];
  const verifyCpu: number[] = [];
  const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  for (let r = 0; r < RUNS; r++) {
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    await Promise.all(zips.map((z) => sha256File(z)));
    rawMs.push(performance.now() - t0);
    rawCpu.push(cpuMs(process.cpuUsage(c0)));
    t0 = performance.now();
    c0 = process.cpuUsage();
    const report = await verifyModcache({ gomodcache: dir, dirs: false });
    verifyMs.push(performance.now() - t0);
    verifyCpu.push(cpuMs(process.cpuUsage(c0)));
    if (report.mismatches.length > 0 || report.zips !== zips.length)
      throw new Error("verification disagrees with the bench's own hashes");
  }
  const mbps = (ms: number) => bytes / 1e6 / (ms / 1000);
  row(
    "verify-modcache h1: of zips (MB/s of zip data)",
    mbps(median(verifyMs)),
    "MB/s",
    "raw sha256 of the same zip bytes",
    mbps(median(rawMs)),
    "≥ 200 MB/s",
  );
  row(
    "verify-modcache (MB per CPU-second)",
    mbps(median(verifyCpu)),
    "MB/s",
    "raw sha256 (MB per CPU-second)",
    mbps(median(rawCpu)),
  );
  console.log(
    `(${availableParallelism()} cores; wall-clock figures depend on the machine's load, CPU-second figures do not; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} at the end of the run)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
