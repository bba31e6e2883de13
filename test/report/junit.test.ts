/**
 * Every JUnit document the suite produces is parsed with a real XML parser (fast-xml-parser, with its
 * well-formedness validator) and validated against the Jenkins xUnit JUnit schema with xmllint
 * (test/fixtures/junit/junit-10.xsd; scripts/install-test-deps.sh installs libxml2-utils).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { junitReporter } from "../../src/report/junit.js";
import { runCli } from "../helpers/cli.js";
import { goldenReport, SECRET } from "./golden-input.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read parsed XML by path
type Json = any;

const XSD = new URL("../fixtures/junit/junit-10.xsd", import.meta.url).pathname;
const TOKEN = `ghp_${"Z8x1C5v3B7n9".repeat(3)}`;

function xmllint(xml: string): void {
  const dir = mkdtempSync(join(tmpdir(), "envtrace-junit-"));
  try {
    const f = join(dir, "report.xml");
    writeFileSync(f, xml);
    try {
      execFileSync("xmllint", ["--noout", "--schema", XSD, f], { stdio: "pipe" });
    } catch (err) {
      const e = err as { code?: string; stderr?: Buffer };
      if (e.code === "ENOENT") throw new Error("xmllint missing: run scripts/install-test-deps.sh");
      throw new Error(`not valid against junit-10.xsd:\n${e.stderr?.toString()}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  // Numeric character references (&#10; in attributes) are decoded too.
  htmlEntities: true,
  isArray: (name) => ["testsuite", "testcase", "property", "failure"].includes(name),
});

/** Validates and parses; checks the counts agree with the testcases. */
function check(xml: string): Json {
  expect(XMLValidator.validate(xml)).toBe(true);
  xmllint(xml);
  const doc = parser.parse(xml);
  let tests = 0;
  let failures = 0;
  for (const s of doc.testsuites.testsuite ?? []) {
    const cases = s.testcase ?? [];
    const f = cases.filter((c: Json) => c.failure).length;
    expect(Number(s.tests)).toBe(cases.length);
    expect(Number(s.failures)).toBe(f);
    expect(Number(s.skipped)).toBe(cases.filter((c: Json) => c.skipped !== undefined).length);
    tests += cases.length;
    failures += f;
  }
  expect(Number(doc.testsuites.tests)).toBe(tests);
  expect(Number(doc.testsuites.failures)).toBe(failures);
  return doc;
}

let child: ChildProcess | undefined;

beforeAll(async () => {
  child = spawn("sh", ["-c", "sleep 600; :"], {
    env: { PATH: "/usr/bin:/bin", GITHUB_TOKEN: TOKEN, EDITOR: "vim" },
    stdio: "ignore",
  });
  await new Promise((r) => setTimeout(r, 150));
});

afterAll(() => {
  child?.kill("SIGKILL");
});

describe("JUnit XML parses and validates against the Jenkins JUnit schema", () => {
  it("golden report", () => {
    const xml = junitReporter.render(goldenReport(), {}) as string;
    expect(xml).not.toContain(SECRET);
    const suite = check(xml).testsuites.testsuite[0];
    expect(suite).toMatchObject({
      name: "bash (pid 4242)",
      hostname: "golden-host",
      timestamp: "2026-11-24T06:00:01",
    });
    const tok = suite.testcase.find((c: Json) => c.name === "GITHUB_TOKEN");
    expect(tok.classname).toBe("ENVT-SECRET-001");
    expect(tok.failure[0]).toMatchObject({ type: "critical" });
    expect(suite["system-err"]).toContain("EACCES pid 1");
  });

  it("explain --pid of a real process: the secret is a failure, other variables pass", async () => {
    const r = await runCli(["explain", "--pid", String(child!.pid), "--format", "junit"]);
    expect(r.stdout).not.toContain(TOKEN);
    const suite = check(r.stdout).testsuites.testsuite[0];
    const byName = new Map(suite.testcase.map((c: Json) => [c.name, c]));
    expect((byName.get("GITHUB_TOKEN") as Json).failure).toHaveLength(1);
    expect((byName.get("EDITOR") as Json).failure).toBeUndefined();
  });

  it("--fail-on decides failure vs passing testcase with system-out", async () => {
    const pid = String(child!.pid);
    const hi = check(
      (await runCli(["explain", "--pid", pid, "--format", "junit", "--fail-on", "critical"])).stdout,
    );
    expect(Number(hi.testsuites.failures)).toBe(1);
    const g = goldenReport();
    const passing = check(junitReporter.render(g, { failOn: "critical" }) as string);
    expect(Number(passing.testsuites.failures)).toBe(1);
    g.subjects[0]!.findings = g.subjects[0]!.findings.map((f) => ({ ...f, severity: "medium" as const }));
    const below = check(junitReporter.render(g, {}) as string).testsuites.testsuite[0];
    const tok = below.testcase.find((c: Json) => c.name === "GITHUB_TOKEN");
    expect(tok.failure).toBeUndefined();
    expect(tok["system-out"]).toMatch(/^below --fail-on high: \[medium\] ENVT-SECRET-001/);
  });

  it("host: one testcase per check (fixture root with findings)", async () => {
    const r = await runCli([
      "host",
      "--root",
      "test/fixtures/host/ENVT-HOST-006/privileged",
      "--pid",
      "4002",
      "--go-version",
      "1.22",
      "--format",
      "junit",
    ]);
    const suite = check(r.stdout).testsuites.testsuite[0];
    const classes = suite.testcase.map((c: Json) => c.classname);
    for (const id of ["ENVT-HOST-001", "ENVT-HOST-002", "ENVT-HOST-006"]) expect(classes).toContain(id);
    expect(suite.testcase.some((c: Json) => c.classname === "ENVT-HOST-006" && c.failure)).toBe(true);
  });

  it("diff and k8s explain", async () => {
    const d = "test/fixtures/drift/path-and-loader";
    const diff = check((await runCli(["diff", `${d}/a.json`, `${d}/b.json`, "--format", "junit"])).stdout);
    expect(diff.testsuites.testsuite[0].testcase.some((c: Json) => c.classname === "ENVT-DRIFT-001")).toBe(
      true,
    );
    const k8s = check(
      (
        await runCli([
          "k8s",
          "explain",
          "-f",
          "test/fixtures/k8s/managed-fields/deployment-chain/cluster.yaml",
          "--format",
          "junit",
        ])
      ).stdout,
    );
    const cases = k8s.testsuites.testsuite.flatMap((s: Json) => s.testcase ?? []);
    expect(cases.some((c: Json) => c.classname === "ENVT-K8S-002")).toBe(true);
  });

  it("escapes markup and characters XML 1.0 cannot carry", () => {
    const g = goldenReport();
    const s = g.subjects[0]!;
    s.name = `web <"&'> \u0001\u001b]0;x\u0007 \ud800 \uffff`;
    s.issues = [{ subject: "pid 1", code: "EIO", detail: "bad ]]> \u0000 byte" }];
    s.findings = [{ ...s.findings[0]!, message: `<script>&amp;\u0008</script>\n"tab\t"` }];
    const xml = junitReporter.render(g, {}) as string;
    const suite = check(xml).testsuites.testsuite[0];
    expect(suite.name).toBe(`web <"&'> \\x01\\x1b]0;x\\x07 \\ud800 \\uffff`);
    expect(suite["system-err"]).toContain("bad ]]> \\x00 byte");
    const f = suite.testcase.find((c: Json) => c.failure).failure[0];
    expect(f.message).toBe(`<script>&amp;\\x08</script>\n"tab\t"`);
  });
});
