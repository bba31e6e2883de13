/**
 * One golden test over every reporter, against one input: a masked explain result with a secret, a
 * shadowed value, PATH segments, a static candidate and a collection issue. `UPDATE_SNAPSHOT=1` rewrites
 * the expected files; review the diff before committing.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { maskResult } from "../../src/detect/mask.js";
import type { ExplainResult } from "../../src/model/index.js";
import { reporters } from "../../src/report/index.js";

const SECRET = `ghp_${"x7Kq2Lm9Pz".repeat(3)}Ab12Cd`;

const goldenInput: ExplainResult<string> = {
  subject: { pid: 4242, comm: "bash", exe: "/usr/bin/bash", startTime: "2026-11-24T06:00:00.000Z" },
  envPid: 4300,
  variables: [
    {
      key: "EDITOR",
      value: "vim",
      winner: {
        kind: "shell",
        mechanism: "bash",
        location: { file: "/home/ada/.bashrc", line: 12 },
        actor: { pid: 4242, comm: "bash" },
        confidence: "certain",
        time: { at: "2026-11-24T06:00:00.000Z", what: "process-start" },
        evidence: ["export at /home/ada/.bashrc:12"],
      },
      shadowed: [
        {
          value: "nano",
          attribution: {
            kind: "pam-env",
            location: { file: "/etc/environment", line: 3 },
            confidence: "certain",
            evidence: [],
          },
        },
      ],
      notes: [],
    },
    {
      key: "GITHUB_TOKEN",
      value: SECRET,
      winner: {
        kind: "shell",
        mechanism: "bash",
        location: { file: "/home/ada/.bash_profile", line: 4 },
        actor: { pid: 4242, comm: "bash" },
        confidence: "likely",
        evidence: [`assignment inside if at /home/ada/.bash_profile:4 (value ${SECRET})`],
      },
      shadowed: [],
      notes: [],
    },
    {
      key: "PATH",
      value: "/home/ada/bin:/usr/bin",
      winner: {
        kind: "shell",
        mechanism: "bash",
        location: { file: "/home/ada/.profile", line: 9 },
        actor: { pid: 4242, comm: "bash" },
        confidence: "certain",
        evidence: [],
      },
      shadowed: [],
      segments: [
        { segment: "/home/ada/bin", location: { file: "/home/ada/.profile", line: 9 } },
        { segment: "/usr/bin", location: { file: "/etc/profile", line: 4 } },
      ],
      notes: [],
    },
    {
      key: "APP_MODE",
      value: "prod",
      winner: {
        kind: "shell",
        mechanism: "bash",
        location: { file: "/srv/app/entrypoint.sh", line: 2 },
        confidence: "likely",
        evidence: ["no live actor set this value"],
        candidates: [{ file: "/srv/app/entrypoint.sh", line: 2 }],
      },
      shadowed: [],
      notes: ["the entrypoint exec'd the program: no live actor remains"],
    },
  ],
  findings: [],
  issues: [{ subject: "pid 1", code: "EACCES", detail: "could not read environ: permission denied" }],
};

describe("every reporter, one golden input", () => {
  const masked = maskResult(goldenInput);
  for (const reporter of reporters) {
    it(`${reporter.id} matches its golden file and never prints the secret`, () => {
      const out = reporter.render([masked], { color: false, reveal: false });
      expect(out).not.toContain(SECRET);
      const file = new URL(`../fixtures/report/expected.${reporter.id}`, import.meta.url);
      if (process.env.UPDATE_SNAPSHOT || !existsSync(file)) writeFileSync(file, out);
      expect(out).toBe(readFileSync(file, "utf8"));
    });
  }
});
