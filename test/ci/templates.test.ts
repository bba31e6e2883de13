/**
 * The CI templates in ci/, run as far as this machine can: their YAML is parsed, and every shell command
 * they contain runs with bash in a synthetic job (a GitLab or GitHub checkout with the example policy and
 * a .env.example, the job environment built as the runners document it, `envtrace` on PATH running the
 * sources). What cannot run here: the runner itself, GitLab's JUnit ingestion and GitHub's SARIF upload
 * (the files they would receive are checked instead).
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { FORMATS } from "../../src/report/reporter.js";
import { gitlabJobEnv } from "../helpers/gitlab-job-env.js";

const ROOT = join(import.meta.dirname, "..", "..");
// biome-ignore lint/suspicious/noExplicitAny: CI YAML is walked generically
type Json = any;

/** markdown is another engineer's reporter; until it lands the gate prints text (same exit code). */
const MARKDOWN = (FORMATS as readonly string[]).includes("markdown") ? "markdown" : "text";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "envtrace-ci-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const shim = join(bin, "envtrace");
  writeFileSync(
    shim,
    `#!/bin/sh\nexec node --import ${JSON.stringify(join(ROOT, "node_modules/tsx/dist/esm/index.mjs"))} ${JSON.stringify(join(ROOT, "test/ci/envtrace-src.ts"))} "$@"\n`,
  );
  chmodSync(shim, 0o755);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A checkout: .envtrace/policy.yaml (the example) and .env.example. */
function checkout(name: string): string {
  const d = join(dir, name);
  mkdirSync(join(d, ".envtrace"), { recursive: true });
  cpSync(join(ROOT, "ci/policy.example.yaml"), join(d, ".envtrace/policy.yaml"));
  writeFileSync(join(d, ".env.example"), "APP_MODE=dev\nLOG_LEVEL=debug\nSENTRY_DSN= # optional\n");
  return d;
}

function sh(line: string, cwd: string, env: Record<string, string>) {
  const cmd = line.replace(/--format markdown/g, `--format ${MARKDOWN}`);
  // As the runners do: the job's script fed to a bash (which stays the job shell: no exec of the last command).
  return spawnSync("bash", ["-e"], {
    input: `${cmd}\n`,
    cwd,
    env: { ...env, PATH: `${join(dir, "bin")}:${process.env.PATH}`, HOME: cwd, NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
}

const gitlab = (): Json => parseYaml(readFileSync(join(ROOT, "ci/gitlab-ci.yml"), "utf8"));
const github = (): Json => parseYaml(readFileSync(join(ROOT, "ci/github-actions.yml"), "utf8"));

describe("GitLab CI template", () => {
  it("a precheck job with JUnit and SARIF artifacts and no dotenv report", () => {
    const job = gitlab()["envtrace-precheck"];
    expect(job.stage).toBe("precheck");
    expect(job.artifacts.when).toBe("always");
    expect(job.artifacts.reports).toEqual({ junit: "envtrace-junit.xml" });
    expect(job.artifacts.paths).toEqual(["envtrace-junit.xml", "envtrace.sarif"]);
    expect(JSON.stringify(job)).not.toMatch(/dotenv/);
    expect(job.script.at(-1)).toMatch(/--format markdown$/);
  });

  it("its commands run in a synthetic job: artifacts written, the gate passes a clean job", () => {
    const job = gitlab()["envtrace-precheck"];
    const cwd = checkout("gitlab-clean");
    const env = { ...gitlabJobEnv(150, cwd), ...job.variables };
    const runs = job.script.map((l: string) => sh(l, cwd, env));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const xml = readFileSync(join(cwd, "envtrace-junit.xml"), "utf8");
    const junit = new XMLParser({ ignoreAttributes: false }).parse(xml);
    expect(junit.testsuites ?? junit.testsuite).toBeDefined();
    const sarif = JSON.parse(readFileSync(join(cwd, "envtrace.sarif"), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].tool.driver.name).toBe("envtrace");
    // The gate's report is in the job log.
    expect(runs.at(-1).stdout.length).toBeGreaterThan(0);
  }, 180_000);

  it("a leaked token fails the gate (exit 1) but not the artifact steps; a bad policy stops the job (exit 2)", () => {
    const job = gitlab()["envtrace-precheck"];
    const cwd = checkout("gitlab-leak");
    const env = {
      ...gitlabJobEnv(60, cwd),
      ...job.variables,
      DEPLOY_TOKEN: `ghp_${"Qm4Zr8Lx2Wp6".repeat(3)}`,
    };
    const [junitStep, , gate] = job.script.map((l: string) => sh(l, cwd, env));
    expect(junitStep.status).toBe(0);
    expect(gate.status, gate.stderr).toBe(1);
    expect(gate.stdout).toContain("DEPLOY_TOKEN");
    expect(gate.stdout + gate.stderr).not.toContain("Qm4Zr8Lx2Wp6Qm4Zr8Lx2Wp6");
    writeFileSync(
      join(cwd, ".envtrace/policy.yaml"),
      "rules:\n  - { id: X, severity: urgent, when: v.secret, message: m }\n",
    );
    const bad = sh(job.script[0], cwd, env);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/policy\.yaml:2: rules\[0\] \(X\)\.severity: /);
  }, 180_000);
});

describe("GitHub Actions template", () => {
  it("uploads SARIF to code scanning and writes markdown to the job summary", () => {
    const wf = github();
    expect(wf.permissions["security-events"]).toBe("write");
    const steps: Json[] = wf.jobs.envtrace.steps;
    const upload = steps.find((s) => String(s.uses ?? "").startsWith("github/codeql-action/upload-sarif@"));
    expect(upload.with.sarif_file).toBe("envtrace.sarif");
    expect(steps.at(-1).run).toMatch(/--format markdown >> "\$GITHUB_STEP_SUMMARY"$/);
  });

  it("its run steps work in a synthetic workflow job (install step skipped: the shim is envtrace)", () => {
    const wf = github();
    const cwd = checkout("github");
    const summary = join(cwd, "step-summary.md");
    writeFileSync(summary, "");
    const env: Record<string, string> = {
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_WORKFLOW: "envtrace",
      GITHUB_RUN_ID: "123456",
      GITHUB_REPOSITORY: "org/app",
      GITHUB_SHA: "3f1c9e0a7b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e",
      GITHUB_REF: "refs/pull/7/merge",
      GITHUB_WORKSPACE: cwd,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_OS: "Linux",
      RUNNER_TEMP: join(cwd, "tmp"),
      APP_MODE: "staging",
      LOG_LEVEL: "info",
      ...wf.jobs.envtrace.env,
    };
    const runs = (wf.jobs.envtrace.steps as Json[])
      .filter((s) => s.run && !String(s.run).startsWith("npm install"))
      .map((s) => sh(String(s.run), cwd, env));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "envtrace.sarif"), "utf8")).version).toBe("2.1.0");
    expect(existsSync(summary) && readFileSync(summary, "utf8").length).toBeGreaterThan(0);
  }, 180_000);
});
