/**
 * Every SARIF document the suite produces goes through the official validator (SARIF and GitHub ingestion
 * rules): the golden report, a real `explain --pid` of a process holding a secret, `go`, `host`, `diff`
 * and `k8s explain` through the real CLI.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sarifReporter } from "../../src/report/sarif.js";
import { runCli } from "../helpers/cli.js";
import { goldenReport, SECRET } from "./golden-input.js";
import { sarifErrors } from "./sarif-validator.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read SARIF by path
type Json = any;

const TOKEN = `ghp_${"Q7w2E9r4T1y6".repeat(3)}`;

function check(text: string, name: string): Json {
  expect(sarifErrors(text, name)).toEqual([]);
  const log = JSON.parse(text);
  const run = log.runs[0];
  // What GitHub needs of every result: a rule it can find, an artifact URI, a fingerprint.
  for (const r of run.results) {
    expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(r.locations[0].physicalLocation.artifactLocation.uri).toBeTruthy();
    expect(r.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:\d+$/);
  }
  return log;
}

let child: ChildProcess | undefined;

beforeAll(async () => {
  child = spawn("sh", ["-c", "sleep 600; :"], {
    env: { PATH: "/usr/bin:/bin", GITHUB_TOKEN: TOKEN, GOSUMDB: "off", GOINSECURE: "*" },
    stdio: "ignore",
  });
  await new Promise((r) => setTimeout(r, 150));
});

afterAll(() => {
  child?.kill("SIGKILL");
});

describe("SARIF validates with sarif-multitool (SARIF + GitHub rules)", () => {
  it("golden report", () => {
    const log = check(sarifReporter.render(goldenReport(), {}) as string, "golden");
    expect(JSON.stringify(log)).not.toContain(SECRET);
  });

  it("explain --pid of a real process with a secret in its environment", async () => {
    const r = await runCli(["explain", "--pid", String(child!.pid), "--format", "sarif"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain(TOKEN);
    const log = check(r.stdout, "explain");
    const res = log.runs[0].results.find((x: Json) => x.properties.key === "GITHUB_TOKEN");
    expect(res).toMatchObject({ ruleId: "ENVT-SECRET-001", level: "error" });
    expect(res.properties.secretRule).toBe("github-pat");
    // No file set it (the test spawned it): the artifact is what the environment was read from.
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe(`file:///proc/${child!.pid}/environ`);
    expect(res.locations[0].logicalLocations[0]).toMatchObject({
      fullyQualifiedName: `process/${child!.pid}`,
      kind: "process",
    });
    expect(log.runs[0].invocations[0].commandLine).toBe(
      `envtrace explain --pid ${child!.pid} --format sarif`,
    );
    const rule = log.runs[0].tool.driver.rules[0];
    expect(rule.properties["security-severity"]).toBe("9.5");
    expect(rule.help.markdown).toMatch(/^# Secret rules/);
  });

  it("go --pid (GOSUMDB=off, GOINSECURE=*)", async () => {
    const r = await runCli(["go", "--pid", String(child!.pid), "--format", "sarif"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
    });
    expect(r.stderr).toBe("");
    const log = check(r.stdout, "go");
    const ids = log.runs[0].results.map((x: Json) => x.ruleId);
    expect(ids).toEqual(expect.arrayContaining(["ENVT-GO-001", "ENVT-GO-004"]));
    const rule = log.runs[0].tool.driver.rules.find((x: Json) => x.id === "ENVT-GO-001");
    expect(rule.help.markdown).toMatch(/^# ENVT-GO-001 gosumdb-off/);
    expect(rule.properties.tags).toContain("security");
  });

  it("host (live, and a fixture root with hardening findings)", async () => {
    check((await runCli(["host", "--format", "sarif", "--go-version", "1.22"])).stdout, "host-live");
    const r = await runCli([
      "host",
      "--root",
      "test/fixtures/host/ENVT-HOST-006/privileged",
      "--pid",
      "4002",
      "--go-version",
      "1.22",
      "--format",
      "sarif",
    ]);
    const log = check(r.stdout, "host-fixture");
    expect(log.runs[0].results.map((x: Json) => x.ruleId)).toContain("ENVT-HOST-006");
  });

  it("diff (snapshot files under the working directory are %SRCROOT%-relative)", async () => {
    const d = "test/fixtures/drift/path-and-loader";
    const r = await runCli(["diff", `${d}/a.json`, `${d}/b.json`, "--format", "sarif"]);
    const log = check(r.stdout, "diff");
    const run = log.runs[0];
    expect(run.results.length).toBeGreaterThan(0);
    expect(run.results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: `${d}/b.json`,
      uriBaseId: "%SRCROOT%",
    });
    expect(run.originalUriBaseIds["%SRCROOT%"].uri).toBe(`file://${process.cwd()}/`);
    expect(run.invocations[0].workingDirectory.uri).toBe(`file://${process.cwd()}/`);
  });

  it("k8s explain (manifest file:line)", async () => {
    const r = await runCli([
      "k8s",
      "explain",
      "-f",
      "test/fixtures/k8s/managed-fields/deployment-chain/cluster.yaml",
      "--format",
      "sarif",
    ]);
    const log = check(r.stdout, "k8s");
    const res = log.runs[0].results.find((x: Json) => x.ruleId === "ENVT-K8S-002");
    expect(res.locations[0].physicalLocation).toMatchObject({
      artifactLocation: {
        uri: "test/fixtures/k8s/managed-fields/deployment-chain/cluster.yaml",
        uriBaseId: "%SRCROOT%",
      },
      region: { startLine: expect.any(Number) },
    });
    expect(res.locations[0].logicalLocations[0].kind).toBe("pod-container");
    // Collection issues (a PARSE issue in this fixture) are notifications, not results.
    const notes = log.runs[0].invocations[0].toolExecutionNotifications;
    expect(notes.map((n: Json) => n.descriptor.id)).toContain("PARSE");
  });
});
