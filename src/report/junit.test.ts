import { describe, expect, it } from "vitest";
import { goldenReport } from "../../test/report/golden-input.js";
import { escapeAttr, escapeText, junitXml, xmlSafe } from "./junit.js";

describe("JUnit reporter", () => {
  it("escapes text and attributes, and makes XML 1.0-invalid characters visible", () => {
    expect(escapeText("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
    expect(escapeAttr(`"x'\n\t\r`)).toBe("&quot;x&apos;&#10;&#9;&#13;");
    expect(xmlSafe("\u0000\u001f\ud800\ufffe😀é")).toBe("\\x00\\x1f\\ud800\\ufffe😀é");
  });

  it("skips host checks that could not run, keeps testcase names unique, adds an inputs suite", () => {
    const r = goldenReport();
    r.subjects = [
      {
        id: "host",
        kind: "host",
        name: "host (pid 1)",
        details: {},
        checks: [
          {
            id: "ENVT-HOST-001",
            dimension: "kernel",
            title: "k",
            status: "unknown",
            summary: "unknown",
            facts: {},
          },
        ],
        findings: [1, 2].map(() => ({
          id: "ENVT-K8S-003",
          severity: "low" as const,
          messageId: "duplicate-env.key",
          message: "A is set twice",
          subject: "x",
          key: "A",
          fingerprint: "f",
        })),
        issues: [],
      },
    ];
    r.issues = [{ subject: "cluster.yaml", code: "PARSE", detail: "bad YAML at 3:1" }];
    const xml = junitXml(r, "high");
    expect(xml).toContain('<skipped message="unknown"/>');
    expect(xml).toContain('name="A"');
    expect(xml).toContain('name="A #2"');
    expect(xml).toMatch(
      /<testsuite name="inputs" tests="0" failures="0"[^>]*>[\s\S]*<system-err>PARSE cluster.yaml: bad YAML at 3:1<\/system-err>/,
    );
  });
});
