/**
 * The CLI inside a (synthetic) GitLab job, built as gitlab-runner's shell executor builds one: a job shell
 * whose environment holds the predefined variables, the .gitlab-ci.yml variables and the project's CI/CD
 * settings variables. Settings values are never printed; --ci-file names the pipeline file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { killAll, startProcess, waitForDescendant } from "../helpers/processes.js";
import { single } from "../helpers/report.js";

const dir = mkdtempSync(join(tmpdir(), "envtrace-ci-"));
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("explain in a GitLab job", () => {
  it("attributes .gitlab-ci.yml variables to file:line and withholds settings values", async () => {
    writeFileSync(
      join(dir, ".gitlab-ci.yml"),
      'variables:\n  FROM_YAML: "from-the-file"\nbuild:\n  script: [make]\n',
    );
    const child = startProcess("sh", ["-c", "sleep 60; :"], {
      env: {
        PATH: "/usr/bin:/bin",
        GITLAB_CI: "true",
        CI: "true",
        CI_JOB_ID: "42",
        CI_JOB_NAME: "build",
        CI_PROJECT_DIR: dir,
        CI_CONFIG_PATH: ".gitlab-ci.yml",
        FROM_YAML: "from-the-file",
        SETTINGS_ONLY: "plain-looking-settings-value",
      },
    });
    const pid = String(await waitForDescendant(child.pid!, "sleep"));
    for (const extra of [[], ["--ci", "gitlab", "--ci-file", join(dir, ".gitlab-ci.yml")]]) {
      const r = await runCli(["explain", "--pid", pid, "-o", "json", ...extra]);
      expect(r.stdout).not.toContain("plain-looking-settings-value");
      const doc = single(r.stdout);
      const v = (k: string) => doc.variables.find((x: { key: string }) => x.key === k);
      expect(v("FROM_YAML").source).toMatchObject({ kind: "ci", file: join(dir, ".gitlab-ci.yml"), line: 2 });
      expect(v("SETTINGS_ONLY")).toMatchObject({ masked: true, source: { kind: "ci" } });
      expect(v("CI_JOB_ID").source).toMatchObject({ kind: "ci", confidence: "certain" });
    }
  });
});
