/**
 * Figure (issue 17): `envtrace check` wall time on a GitLab job environment of 150 variables (the
 * predefined CI_/GITLAB_ variables plus the job's own, built as GitLab documents them), with the example
 * policy of ci/, through the installed entry point (bin/envtrace.js; needs `npm run build`), against
 * `node -e 0` measured in the same run. Target: ≤ 3× node -e 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitlabJobEnv } from "../test/helpers/gitlab-job-env.js";
import { type Figure, measureCommand, printFigures } from "./lib.js";

const RUNS = 7;

export async function bench(): Promise<Figure[]> {
  const root = new URL("..", import.meta.url).pathname;
  const job = mkdtempSync(join(tmpdir(), "envtrace-bench-job-"));
  let holder: ChildProcess | undefined;
  try {
    mkdirSync(join(job, ".envtrace"));
    cpSync(join(root, "ci/policy.example.yaml"), join(job, ".envtrace/policy.yaml"));
    writeFileSync(join(job, ".env.example"), "APP_MODE=dev\nLOG_LEVEL=debug\n");
    const env = gitlabJobEnv(150, job);
    // The job shell: a process holding exactly the job's environment.
    holder = spawn("sh", ["-c", "sleep 600"], { env: { ...env, PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    await new Promise((r) => setTimeout(r, 200));
    const bin = join(root, "bin/envtrace.js");
    const args = [
      "check",
      "--pid",
      String(holder.pid),
      "--policy",
      ".envtrace/policy.yaml",
      "--format",
      "json",
    ];
    measureCommand(bin, args, 1, { cwd: job }); // warm the page cache and the compile cache
    const check = measureCommand(bin, args, RUNS, { cwd: job });
    const node = measureCommand("node", ["-e", "0"], RUNS);
    return [
      {
        name: "check, GitLab job env of 150 vars, wall",
        value: check.ms,
        unit: "ms",
        anchor: "node -e 0",
        anchorValue: node.ms,
        target: "≤ 3× node -e 0",
        pass: check.ms <= 3 * node.ms,
        rssMB: check.rssMB,
        note: "bounded by start-up: module load of the CLI, the secret rules and the CEL runtime; the explain of one process and the policy take ~20 ms",
      },
    ];
  } finally {
    holder?.kill("SIGKILL");
    rmSync(job, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures(await bench());
