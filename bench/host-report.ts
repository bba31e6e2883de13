/**
 * Figure (issue 6): `envtrace host` — median time of the six host checks in-process (runHostChecks on the
 * live root, --go-version given so no `go version` runs), next to reading the same kernel files the checks
 * read with plain fs.readFile (the I/O floor) in the same run.
 * Run: `npx tsx bench/host-report.ts`.
 */
import { readFile } from "node:fs/promises";
import { parseGoVersion } from "../src/host/go-release.js";
import { runHostChecks } from "../src/host/index.js";
import { median, row, timeIt } from "./lib.js";

const RUNS = Number(process.env.RUNS ?? 30);
const FILES = [
  "/proc/sys/kernel/osrelease",
  "/proc/self/mountinfo",
  `/proc/${process.pid}/cgroup`,
  `/proc/${process.pid}/status`,
  `/proc/${process.pid}/environ`,
  "/etc/passwd",
  "/etc/shells",
  "/sys/devices/system/cpu/online",
];
const go = parseGoVersion("1.24.0");
const report: number[] = [];
const floor: number[] = [];
await runHostChecks({ pid: process.pid, goVersion: go, env: {} }); // warm-up
for (let i = 0; i < RUNS; i++) {
  report.push(await timeIt(() => runHostChecks({ pid: process.pid, goVersion: go, env: {} })));
  floor.push(await timeIt(() => Promise.all(FILES.map((f) => readFile(f).catch(() => undefined)))));
}
row("runHostChecks, 6 checks (median)", median(report), "ms", "readFile of the 8 main inputs", median(floor));
