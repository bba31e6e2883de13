/**
 * CI resolvers: the parsers alone (real pipeline and workflow files from public projects, see
 * test/fixtures/ci/README.md), and whole jobs through the real engine — a synthetic host root whose /proc
 * holds the runner, the job shell and envtrace, with the environment built as the runners document it
 * (GitLab: predefined variables + `variables:` exported by the job script; GitHub: defaults + env context).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { isSecretValue } from "../../detect/secret-value.js";
import { ExplainSession } from "../../explain.js";
import { type DisplayValue, type ExplainResult, isFileLocation, type Lineage } from "../../model/index.js";
import { createHostFs } from "../../snapshot/host-fs.js";
import { createResolverContext } from "../engine.js";
import { resolvers } from "../index.js";
import { detectCiContext } from "./context.js";
import { formatGithubEnvFile, parseGithubEnvFile, parseGithubPathFile } from "./github-env-file.js";
import { classifyExpression, currentStep, parseGithubWorkflow, staticEnvWrites } from "./github-workflow.js";
import {
  dotenvSources,
  expandGitlab,
  findJob,
  loadGitlabPipeline,
  parseGitlabDotenv,
} from "./gitlab-config.js";
import { withCiOptions, withholdCiValues } from "./index.js";
import { parseYamlWithPositions } from "./yaml-pos.js";

const FIX = fileURLToPath(new URL("../../../test/fixtures/ci/", import.meta.url));
const tmpRoots: string[] = [];
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

function ctxFor(root: string) {
  const issues: import("../../model/index.js").CollectionIssue[] = [];
  return { ctx: createResolverContext({ fs: createHostFs(root), issues }), issues };
}

// ---------------------------------------------------------------------------------------------------------
describe("$GITHUB_ENV / $GITHUB_PATH parser (actions/runner SetEnvFileCommand semantics)", () => {
  it("reads NAME=VALUE and NAME<<DELIM heredocs, = before << decides", () => {
    const r = parseGithubEnvFile("A=1\n\nB=x=y\nC<<EOF\nline 1\nline 2\nEOF\nD=a<<b\nE<<X=Y\nv\nX=Y\n");
    expect(r.error).toBeUndefined();
    expect(r.entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ["A", "1", 1],
      ["B", "x=y", 3],
      ["C", "line 1\nline 2", 4],
      ["D", "a<<b", 8],
      ["E", "v", 9],
    ]);
  });
  it("keeps \\r in values (LF-only reader), an empty heredoc is empty", () => {
    const r = parseGithubEnvFile("A=1\r\nB<<E\nE\n");
    expect(r.entries).toEqual([
      { key: "A", value: "1\r", line: 1, heredoc: false },
      { key: "B", value: "", line: 2, heredoc: true },
    ]);
  });
  it("stops at what the runner rejects", () => {
    expect(parseGithubEnvFile("A=1\nnonsense\nB=2\n").error).toEqual({ line: 2, reason: "no-separator" });
    expect(parseGithubEnvFile("A<<EOF\nx\n").error).toEqual({ line: 1, reason: "missing-delimiter" });
    expect(parseGithubEnvFile("A<<\n").error?.reason).toBe("empty-delimiter");
    expect(parseGithubEnvFile("<<EOF\nEOF\n").error?.reason).toBe("empty-name");
    expect(parseGithubEnvFile("A=1\nnonsense\n").entries).toHaveLength(1);
  });
  it("GITHUB_PATH: one directory per non-empty line", () => {
    expect(parseGithubPathFile("/a\n\n/b c\n")).toEqual([
      { dir: "/a", line: 1 },
      { dir: "/b c", line: 3 },
    ]);
  });
  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
  const value = fc.string({ maxLength: 40 }).map((s) => s.replace(/\r/g, ""));
  it("property: what the runner's writers produce reads back exactly", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key, value }), { maxLength: 8 }), (entries) => {
        const r = parseGithubEnvFile(formatGithubEnvFile(entries));
        expect(r.error).toBeUndefined();
        expect(r.entries.map((e) => ({ key: e.key, value: e.value }))).toEqual(entries);
      }),
    );
  });
  it("property: never throws; entries come in line order and hold no delimiter line", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = parseGithubEnvFile(s);
        for (let i = 1; i < r.entries.length; i++)
          expect(r.entries[i]!.line).toBeGreaterThan(r.entries[i - 1]!.line);
        for (const e of r.entries) expect(e.key.length).toBeGreaterThan(0);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
describe("YAML with positions", () => {
  it("resolves anchors and merge keys, keeping the anchored line; own keys win", async () => {
    const y = await parseYamlWithPositions(
      ".t: &t\n  variables:\n    A: from-anchor\n    B: b\njob:\n  <<: *t\n  stage: x\n",
      "f.yml",
    );
    const job = y.root?.kind === "map" ? y.root.entries.get("job") : undefined;
    const vars = job?.kind === "map" ? job.entries.get("variables") : undefined;
    expect(vars?.kind === "map" && vars.keyLines.get("A")).toBe(3);
    const y2 = await parseYamlWithPositions(
      "a: &a {X: 1, Y: 2}\nb: &b {X: 9}\nc:\n  <<: [*b, *a]\n  Y: 3\n",
      "g.yml",
    );
    const c = y2.root?.kind === "map" ? y2.root.entries.get("c") : undefined;
    const vals =
      c?.kind === "map"
        ? Object.fromEntries([...c.entries].map(([k, v]) => [k, v.kind === "scalar" ? v.value : null]))
        : {};
    expect(vals).toEqual({ X: "9", Y: "3" });
  });
  it("reports malformed YAML as errors, never throws", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (s) => {
        await parseYamlWithPositions(s, "x.yml");
      }),
      { numRuns: 200 },
    );
    expect((await parseYamlWithPositions("a: [1, 2\nb: :\n", "bad.yml")).errors.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe("GitLab pipeline files (real: GNOME/glib, gitlab-org/gitlab-runner)", () => {
  it("glib: job variables shadow top-level ones; extends brings a template's variables", async () => {
    const { ctx, issues } = ctxFor(path.join(FIX, "gitlab/glib"));
    const p = (await loadGitlabPipeline(ctx, "/.gitlab-ci.yml", "/"))!;
    expect(p.defaults.get("MESON_TEST_TIMEOUT_MULTIPLIER")).toMatchObject({
      raw: "4",
      line: 51,
      level: "default",
    });
    const j = findJob(p, "valgrind")!;
    expect(j.stage).toBe("analysis");
    expect(j.variables.get("MESON_TEST_TIMEOUT_MULTIPLIER")).toMatchObject({
      raw: "15",
      line: 522,
      via: "valgrind",
    });
    expect(j.variables.get("GIT_SUBMODULE_STRATEGY")).toMatchObject({
      raw: "normal",
      line: 188,
      via: ".with-git",
    });
    // The release-service component is not in the checkout: a CollectionIssue, the rest is read.
    expect(issues.some((i) => i.code === "UNSUPPORTED" && i.subject === "/.gitlab-ci.yml:2")).toBe(true);
  });
  it("gitlab-runner: local includes (rules: marked), !reference tags, extends across files", async () => {
    const { ctx, issues } = ctxFor(path.join(FIX, "gitlab/gitlab-runner"));
    const p = (await loadGitlabPipeline(ctx, "/.gitlab-ci.yml", "/"))!;
    expect(p.files.length).toBe(18);
    expect(p.conditionalIncludes).toContain("/.gitlab/ci/_project_canonical.gitlab-ci.yml");
    expect(p.defaults.get("GO_VERSION")?.file).toBe("/.gitlab/ci/_common.gitlab-ci.yml");
    const j = p.job("helper images")!;
    expect(j.variables.get("DOCKER_HOST")).toMatchObject({
      file: "/.gitlab/ci/_common.gitlab-ci.yml",
      line: 79,
      via: ".docker",
    });
    expect(issues.filter((i) => i.code === "UNSUPPORTED").length).toBeGreaterThanOrEqual(3);
  });
  it("job names of parallel jobs, $VAR expansion, dotenv lines", () => {
    const fake = { job: (n: string) => (n === "test" ? ({ name: "test" } as never) : undefined) } as never;
    expect(findJob(fake, "test 2/4")).toMatchObject({ name: "test" });
    expect(findJob(fake, "test: [ruby, 3.3]")).toMatchObject({ name: "test" });
    const env = (k: string) => ({ A: "x", B: "y" })[k];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CI syntax, not a template
    expect(expandGitlab("${A}-$B-$$A-$C.", env)).toBe("x-y-$A-.");
    expect(parseGitlabDotenv("# c\nA=1\nexport B='two'\n\nbad line\nC=\"3\"\n")).toEqual([
      { key: "A", value: "1", line: 2 },
      { key: "B", value: "two", line: 3 },
      { key: "C", value: "3", line: 6 },
    ]);
  });
  it("missing and malformed files are collection issues", async () => {
    const { ctx, issues } = ctxFor(path.join(FIX, "gitlab/glib"));
    expect(await loadGitlabPipeline(ctx, "/nope.yml", "/")).toBeNull();
    expect(issues[0]).toMatchObject({ subject: "/nope.yml", code: "ENOENT" });
    const dir = mkdtempSync(path.join(tmpdir(), "envtrace-ci-bad-"));
    tmpRoots.push(dir);
    writeFileSync(path.join(dir, ".gitlab-ci.yml"), "variables: [\n  A: 1\n");
    const b = ctxFor(dir);
    await loadGitlabPipeline(b.ctx, "/.gitlab-ci.yml", "/");
    expect(b.issues.some((i) => i.code === "PARSE")).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe("GitHub workflow files (real: actions/runner, golangci/golangci-lint)", () => {
  it("env: at workflow, job and step level with lines; secrets and vars classified", async () => {
    const text = (await import("node:fs")).readFileSync(
      path.join(FIX, "github/golangci-lint/.github/workflows/post-release.yml"),
      "utf8",
    );
    const { workflow } = await parseGithubWorkflow(text, "post-release.yml");
    expect(workflow!.env.get("GO_VERSION")).toMatchObject({ raw: "1.27.0", line: 18, level: "workflow" });
    const step = workflow!.jobs.get("update-gha-assets")!.steps[2]!;
    expect(step.env.get("GITHUB_TOKEN")).toMatchObject({
      level: "step",
      expr: { kind: "secret", names: ["RELEASER_TOKEN"] },
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CI syntax, not a template
    expect(classifyExpression("${{ vars.DOCKERHUB_USERNAME }}")).toEqual({
      kind: "variable",
      names: ["DOCKERHUB_USERNAME"],
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CI syntax, not a template
    expect(classifyExpression("Bearer ${{ secrets['X'] }}")?.kind).toBe("secret");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CI syntax, not a template
    expect(classifyExpression("${{ github.sha }}")).toEqual({ kind: "expression", names: [] });
    expect(classifyExpression("plain")).toBeUndefined();
  });
  it("finds $GITHUB_ENV writes of earlier steps with their lines; GITHUB_ACTION names the step", async () => {
    const text = (await import("node:fs")).readFileSync(
      path.join(FIX, "github/actions-runner/.github/workflows/npm-audit.yml"),
      "utf8",
    );
    const { workflow } = await parseGithubWorkflow(text, "npm-audit.yml");
    const job = workflow!.jobs.get("npm-audit")!;
    expect(currentStep(job, "__run")?.name).toBe("NPM install and audit fix");
    const step = currentStep(job, "__run_2")!;
    expect(step.name).toBe("Create PR if changes exist");
    const writes = staticEnvWrites(workflow!, job.steps.slice(0, step.index));
    expect(writes.map((w) => [w.key, w.value, w.line])).toEqual([
      ["AUDIT_FIX_STATUS", "success", 36],
      ["AUDIT_FIX_STATUS", "build_failed", 39],
    ]);
  });
});

describe("detectCiContext", () => {
  it("from GitLab's variables, with the config file in the checkout", () => {
    const c = detectCiContext({ GITLAB_CI: "true", CI_PROJECT_DIR: "/builds/g/app", CI_JOB_NAME: "test" });
    expect(c).toMatchObject({
      provider: "gitlab",
      configFile: "/builds/g/app/.gitlab-ci.yml",
      jobName: "test",
      explicit: false,
    });
    expect(
      detectCiContext({ GITLAB_CI: "true", CI_PROJECT_DIR: "/b", CI_CONFIG_PATH: "ci.yml@grp/cfg" }),
    ).toMatchObject({ remoteConfig: "ci.yml@grp/cfg" });
  });
  it("from GitHub's variables: the workflow inside the workspace when it is that repository's", () => {
    const env = {
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: "/w/r/r",
      GITHUB_REPOSITORY: "o/r",
      GITHUB_WORKFLOW_REF: "o/r/.github/workflows/ci.yml@refs/heads/main",
      GITHUB_JOB: "build",
    };
    expect(detectCiContext(env)).toMatchObject({
      provider: "github",
      workflowFile: "/w/r/r/.github/workflows/ci.yml",
      job: "build",
    });
    expect(
      detectCiContext({ ...env, GITHUB_REPOSITORY: "x/y" })?.provider === "github" &&
        (detectCiContext({ ...env, GITHUB_REPOSITORY: "x/y" }) as { workflowFile?: string }).workflowFile,
    ).toBeUndefined();
  });
  it("explicit --ci / --ci-file win; nothing without markers", () => {
    expect(detectCiContext({}, { ci: "github", ciFile: "wf.yml", cwd: "/src" })).toMatchObject({
      provider: "github",
      workflowFile: "/src/wf.yml",
      explicit: true,
    });
    expect(detectCiContext({ CI: "true" })).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Whole jobs through the engine.

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string[];
  env: Record<string, string>;
}

function hostRoot(procs: Proc[]): string {
  const root = mkdtempSync(path.join(tmpdir(), "envtrace-ci-job-"));
  tmpRoots.push(root);
  mkdirSync(path.join(root, "proc"), { recursive: true });
  writeFileSync(path.join(root, "proc/stat"), "cpu 0 0 0 0\nbtime 1767225600\n");
  for (const p of procs) {
    const d = path.join(root, "proc", String(p.pid));
    mkdirSync(d, { recursive: true });
    writeFileSync(
      path.join(d, "environ"),
      Object.entries(p.env)
        .map(([k, v]) => `${k}=${v}\0`)
        .join(""),
    );
    writeFileSync(path.join(d, "cmdline"), `${p.cmdline.join("\0")}\0`);
    writeFileSync(path.join(d, "cgroup"), "0::/system.slice/runner.service\n");
    writeFileSync(
      path.join(d, "stat"),
      `${p.pid} (${p.comm}) S ${p.ppid} ${p.pid} ${p.pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${1000 + p.pid} 0 0\n`,
    );
    writeFileSync(path.join(d, "status"), `Name:\t${p.comm}\nPPid:\t${p.ppid}\nUid:\t999\t999\t999\t999\n`);
  }
  return root;
}

function byKey(r: ExplainResult<DisplayValue>): Map<string, Lineage<DisplayValue>> {
  return new Map(r.variables.map((v) => [v.key, v]));
}
const fileOf = (l: Lineage<DisplayValue> | undefined) =>
  l?.winner && isFileLocation(l.winner.location) ? l.winner.location : undefined;

describe("a GitLab job (shell executor) explained through the engine", () => {
  // The runner's own environment; the job script exports the job's variables (gitlab-runner shells/bash.go).
  const runnerEnv = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/home/gitlab-runner", LANG: "C.UTF-8" };
  const dir = "/builds/GNOME/glib";
  const job = {
    CI: "true",
    GITLAB_CI: "true",
    CI_SERVER: "yes",
    CI_PROJECT_DIR: dir,
    CI_BUILDS_DIR: "/builds",
    CI_CONFIG_PATH: ".gitlab-ci.yml",
    CI_JOB_NAME: "check-introspection-fedora-x86_64",
    CI_JOB_STAGE: "analysis",
    CI_JOB_ID: "7700123",
    CI_JOB_TOKEN: "glcbt-64_AbCdEfGhIjKlMnOpQrStUvWxYz01",
    CI_COMMIT_SHA: "3f1c9e0a7b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e",
    CI_NEW_FEATURE_X: "1",
    FF_USE_FASTZIP: "true",
    // .gitlab-ci.yml: top level, job level (via extends), expanded reference, a value a setting overrides.
    FEDORA_IMAGE: "registry.gitlab.gnome.org/gnome/glib/fedora:v41.4",
    GIT_SUBMODULE_STRATEGY: "normal",
    JOB_NAME: "fedora-x86_64",
    CI_GLIB_MR_LAST_COMMIT: "abc123",
    CI_GLIB_MR_COVERAGE_COMMENT_STAMP: "abc123-fedora-x86_64",
    MESON_TEST_TIMEOUT_MULTIPLIER: "99",
    // CI/CD settings: a masked project variable and a file-type variable.
    DEPLOY_NOTE: "settings-only value",
    KUBE_CA: `${dir}.tmp/KUBE_CA`,
    BUILD_ID: "from-dotenv-42",
  };
  const root = hostRoot([
    { pid: 1, ppid: 0, comm: "systemd", cmdline: ["/sbin/init"], env: { PATH: "/usr/bin:/bin" } },
    { pid: 100, ppid: 1, comm: "gitlab-runner", cmdline: ["/usr/bin/gitlab-runner", "run"], env: runnerEnv },
    { pid: 200, ppid: 100, comm: "bash", cmdline: ["bash", "--login"], env: runnerEnv },
    {
      pid: 300,
      ppid: 200,
      comm: "node",
      cmdline: ["node", "envtrace", "explain"],
      env: { ...runnerEnv, ...job },
    },
  ]);
  cpSync(path.join(FIX, "gitlab/glib/.gitlab-ci.yml"), path.join(root, dir, ".gitlab-ci.yml"));
  // A dotenv report of an earlier job, restored into the checkout (the fixture's pipeline has none, so
  // the synthetic job below is added by a second file the test includes).
  writeFileSync(path.join(root, dir, "build.env"), "# from job prepare\nBUILD_ID=from-dotenv-42\n");

  it("attributes every kind of GitLab source with file:line and withholds settings values", async () => {
    const session = new ExplainSession({ root, reveal: true });
    const r = byKey(await session.explain(300));
    const w = (k: string) => r.get(k)?.winner;
    expect(w("GITLAB_CI")).toMatchObject({
      kind: "ci",
      mechanism: "gitlab-predefined",
      confidence: "certain",
    });
    expect(w("CI_NEW_FEATURE_X")).toMatchObject({ mechanism: "gitlab-predefined", confidence: "likely" });
    expect(w("FF_USE_FASTZIP")).toMatchObject({ mechanism: "gitlab-predefined" });
    expect(w("FEDORA_IMAGE")).toMatchObject({ mechanism: "gitlab-variables", confidence: "certain" });
    expect(fileOf(r.get("FEDORA_IMAGE"))).toEqual({ file: `${dir}/.gitlab-ci.yml`, line: 44 });
    expect(fileOf(r.get("GIT_SUBMODULE_STRATEGY"))).toEqual({ file: `${dir}/.gitlab-ci.yml`, line: 188 });
    expect(fileOf(r.get("JOB_NAME"))).toEqual({ file: `${dir}/.gitlab-ci.yml`, line: 1036 });
    expect(w("CI_GLIB_MR_COVERAGE_COMMENT_STAMP")).toMatchObject({
      mechanism: "gitlab-variables",
      confidence: "certain",
    });
    // Overridden by a settings variable: the .gitlab-ci.yml value is shadowed.
    expect(w("MESON_TEST_TIMEOUT_MULTIPLIER")).toMatchObject({
      mechanism: "gitlab-settings",
      confidence: "likely",
    });
    expect(r.get("MESON_TEST_TIMEOUT_MULTIPLIER")?.shadowed.some((s) => s.value === "4")).toBe(true);
    expect(w("DEPLOY_NOTE")).toMatchObject({
      kind: "ci",
      mechanism: "gitlab-settings",
      confidence: "likely",
    });
    expect(w("KUBE_CA")).toMatchObject({ mechanism: "gitlab-settings" });
    expect(r.get("KUBE_CA")?.notes.join()).toMatch(/file-type/);
    // Names of the runner's own environment keep their real origin (inherited up the chain).
    expect(w("HOME")?.kind).not.toBe("ci");
    // Withheld: settings values and job credentials are masked even though no rule flags them.
    const masked = byKey(withholdCiValues(await new ExplainSession({ root }).explain(300)));
    expect(isSecretValue(masked.get("DEPLOY_NOTE")?.value)).toBe(true);
    expect(String(masked.get("DEPLOY_NOTE")?.value)).not.toContain("settings-only");
    expect(isSecretValue(masked.get("CI_JOB_TOKEN")?.value)).toBe(true);
    expect(masked.get("KUBE_CA")?.value).toBe(`${dir}.tmp/KUBE_CA`);
    expect(masked.get("FEDORA_IMAGE")?.value).toBe(job.FEDORA_IMAGE);
    expect(session.issues.some((i) => i.code === "UNSUPPORTED")).toBe(true);
  });

  it("dotenv reports of earlier jobs win over the files; --ci-file names another pipeline file", async () => {
    writeFileSync(
      path.join(root, dir, "ci-with-dotenv.yml"),
      [
        "include:",
        "  - local: /.gitlab-ci.yml",
        "prepare:",
        "  stage: build",
        "  script: [./prepare]",
        "  artifacts:",
        "    reports:",
        "      dotenv: build.env",
        "variables:",
        "  BUILD_ID: from-yml",
        "",
      ].join("\n"),
    );
    const list = withCiOptions(resolvers, { ci: "gitlab", ciFile: `${dir}/ci-with-dotenv.yml` });
    const r = byKey(await new ExplainSession({ root, reveal: true, resolvers: list }).explain(300));
    expect(r.get("BUILD_ID")?.winner).toMatchObject({
      mechanism: "gitlab-dotenv",
      confidence: "certain",
      location: { file: `${dir}/build.env`, line: 2 },
    });
    expect(r.get("BUILD_ID")?.shadowed.map((s) => s.value)).toContain("from-yml");
    // Included pipeline still read: top-level variable of the included file.
    expect(fileOf(r.get("FEDORA_IMAGE"))?.file).toBe(`${dir}/.gitlab-ci.yml`);
  });

  it("a missing pipeline file is a collection issue and the run goes on", async () => {
    const list = withCiOptions(resolvers, { ci: "gitlab", ciFile: `${dir}/missing.yml` });
    const s = new ExplainSession({ root, reveal: true, resolvers: list });
    const r = byKey(await s.explain(300));
    expect(s.issues.some((i) => i.code === "ENOENT" && i.subject === `${dir}/missing.yml`)).toBe(true);
    expect(r.get("GITLAB_CI")?.winner?.mechanism).toBe("gitlab-predefined");
    expect(r.get("DEPLOY_NOTE")?.winner).toMatchObject({
      mechanism: "gitlab-settings",
      confidence: "possible",
    });
  });
});

describe("a GitHub Actions step explained through the engine", () => {
  const ws = "/home/runner/work/runner/runner";
  const cmd = "/home/runner/work/_temp/_runner_file_commands";
  const workerEnv = { PATH: "/usr/bin:/bin", HOME: "/home/runner", ImageOS: "ubuntu24" };
  // The env context of step 4 of npm-audit.yml (`Create PR if changes exist`), as the runner builds it:
  // defaults, the step's env: (a secret), and AUDIT_FIX_STATUS from step 3's $GITHUB_ENV.
  const step = {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: ws,
    GITHUB_REPOSITORY: "actions/runner",
    GITHUB_WORKFLOW_REF: "actions/runner/.github/workflows/npm-audit.yml@refs/heads/main",
    GITHUB_JOB: "npm-audit",
    GITHUB_ACTION: "__run_2",
    GITHUB_ENV: `${cmd}/set_env_22222222-2222-2222-2222-222222222222`,
    GITHUB_PATH: `${cmd}/add_path_22222222-2222-2222-2222-222222222222`,
    RUNNER_TEMP: "/home/runner/work/_temp",
    ACTIONS_RUNTIME_URL: "https://pipelines.actions.githubusercontent.com/abc/",
    GITHUB_TOKEN: "not-a-real-token-value-0123456789",
    AUDIT_FIX_STATUS: "build_failed",
    LEFT_OVER: "from an earlier file",
    MYSTERY: "set by an action",
  };
  const root = hostRoot([
    { pid: 1, ppid: 0, comm: "systemd", cmdline: ["/sbin/init"], env: { PATH: "/usr/bin:/bin" } },
    {
      pid: 500,
      ppid: 1,
      comm: "Runner.Worker",
      cmdline: ["/home/runner/runners/2.330.0/bin/Runner.Worker", "spawnclient", "107", "110"],
      env: workerEnv,
    },
    {
      pid: 600,
      ppid: 500,
      comm: "bash",
      cmdline: ["/usr/bin/bash", "-e", "/home/runner/work/_temp/x.sh"],
      env: { ...workerEnv, ...step },
    },
  ]);
  mkdirSync(path.join(root, ws, ".github/workflows"), { recursive: true });
  cpSync(
    path.join(FIX, "github/actions-runner/.github/workflows/npm-audit.yml"),
    path.join(root, ws, ".github/workflows/npm-audit.yml"),
  );
  mkdirSync(path.join(root, cmd), { recursive: true });
  writeFileSync(path.join(root, step.GITHUB_ENV), "");
  // A file an earlier step left behind (the runner failed to delete it).
  writeFileSync(
    path.join(root, cmd, "set_env_11111111-1111-1111-1111-111111111111"),
    "LEFT_OVER<<EOF\nfrom an earlier file\nEOF\n",
  );
  try {
    symlinkSync("/dev/null", path.join(root, "proc/600/exe"));
  } catch {
    // Not needed; comm names the program.
  }

  it("defaults, step env secrets (withheld), static and leftover $GITHUB_ENV writes", async () => {
    const r = byKey(await new ExplainSession({ root, reveal: true }).explain(600));
    const w = (k: string) => r.get(k)?.winner;
    expect(w("GITHUB_WORKSPACE")).toMatchObject({
      kind: "ci",
      mechanism: "github-default",
      confidence: "certain",
    });
    expect(w("ACTIONS_RUNTIME_URL")).toMatchObject({ mechanism: "github-default", confidence: "likely" });
    const wf = `${ws}/.github/workflows/npm-audit.yml`;
    expect(w("GITHUB_TOKEN")).toMatchObject({
      mechanism: "github-secret",
      confidence: "certain",
      location: { file: wf, line: 44 },
    });
    expect(w("AUDIT_FIX_STATUS")).toMatchObject({
      mechanism: "github-env-file",
      confidence: "likely",
      location: { file: wf, line: 39 },
    });
    expect(w("LEFT_OVER")).toMatchObject({
      mechanism: "github-env-file",
      confidence: "certain",
      location: { line: 1 },
    });
    expect(w("MYSTERY")).toMatchObject({ mechanism: "github-env-file", confidence: "possible" });
    expect(w("ImageOS")?.kind).not.toBe("ci");
    const masked = byKey(withholdCiValues(await new ExplainSession({ root }).explain(600)));
    expect(isSecretValue(masked.get("GITHUB_TOKEN")?.value)).toBe(true);
    expect(masked.get("AUDIT_FIX_STATUS")?.value).toBe("build_failed");
  });

  it("golangci-lint: workflow env and job env with secrets in a real release workflow", async () => {
    const text = (await import("node:fs")).readFileSync(
      path.join(FIX, "github/golangci-lint/.github/workflows/release.yml"),
      "utf8",
    );
    const { workflow } = await parseGithubWorkflow(text, "release.yml");
    const job = workflow!.jobs.get("release")!;
    expect(job.env.get("GO_VERSION")).toMatchObject({ raw: "1.27.0", level: "job" });
    const withSecrets = job.steps.find((s) => s.env.has("AUR_KEY"))!;
    expect(withSecrets.env.get("AUR_KEY")?.expr?.kind).toBe("secret");
  });
});

describe("dotenvSources", () => {
  it("needs: lists the producers; without needs every earlier stage", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "envtrace-ci-dot-"));
    tmpRoots.push(dir);
    writeFileSync(
      path.join(dir, ".gitlab-ci.yml"),
      "stages: [build, test]\na:\n  stage: build\n  artifacts: {reports: {dotenv: [a.env, b.env]}}\nb:\n  stage: test\nc:\n  stage: test\n  needs: []\n",
    );
    const { ctx } = ctxFor(dir);
    const p = (await loadGitlabPipeline(ctx, "/.gitlab-ci.yml", "/"))!;
    expect(dotenvSources(p, p.job("b")!).map((j) => j.name)).toEqual(["a"]);
    expect(dotenvSources(p, p.job("c")!)).toEqual([]);
    expect(p.job("a")!.dotenv.map((d) => d.path)).toEqual(["a.env", "b.env"]);
  });
});
