/**
 * The one input every reporter's golden test and format test use: a masked explain result with a secret,
 * a shadowed value, PATH segments, a static candidate, a key that is not set and a collection issue, with
 * fixed run metadata (same output on every machine and day).
 */
import { maskResult } from "../../src/detect/mask.js";
import type { ExplainResult } from "../../src/model/index.js";
import { buildReport, explainSubject, runInfo } from "../../src/report/index.js";

export const SECRET = `ghp_${"x7Kq2Lm9Pz".repeat(3)}Ab12Cd`;

export const goldenInput: ExplainResult<string> = {
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

/** The golden report: run metadata fixed, so that output is the same on every machine and day. */
export function goldenReport() {
  const run = runInfo(
    {
      command: "explain",
      argv: ["explain", "--pid", "4300"],
      version: "0.0.0-golden",
      startedAt: new Date("2026-11-24T06:00:01.000Z"),
      host: "golden-host",
      id: "00000000-0000-4000-8000-000000000000",
    },
    new Date("2026-11-24T06:00:02.000Z"),
  );
  return buildReport(run, [explainSubject(maskResult(goldenInput), ["GITHUB_TOKEN_UNSET"])]);
}
