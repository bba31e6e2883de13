/**
 * Figure (issue 3): `envtrace explain` of one process — median wall time including Node start-up
 * (target < 150 ms), next to `node -e ''` (the floor: Node start-up alone) measured in the same run.
 * Run: `npx tsx bench/explain-one.ts` (needs `npm run build`).
 */
import { spawn } from "node:child_process";
import { median, row, timeCommand } from "./lib.js";

const RUNS = 15;
const target = spawn("bash", ["-c", "export A=1 B=2; sleep 600; :"], { stdio: "ignore", detached: true });
await new Promise((r) => setTimeout(r, 300));
try {
  const pid = String(target.pid);
  const explain: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    explain.push(timeCommand("node", ["bin/envtrace.js", "explain", "--pid", pid, "--format", "json"]));
    floor.push(timeCommand("node", ["-e", ""]));
  }
  row(
    "envtrace explain --pid (median wall)",
    median(explain),
    "ms",
    "node -e '' (Node start-up)",
    median(floor),
    "< 150 ms",
  );
} finally {
  process.kill(-target.pid!, "SIGKILL");
}
