import { describe, expect, it } from "vitest";
import { goldenReport } from "../../test/report/golden-input.js";
import type { Finding, Report, Subject } from "../model/index.js";
import { SARIF_LEVEL, SECURITY_SEVERITY, sarifLog, sarifReporter } from "./sarif.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read SARIF by path
type Json = any;

const finding = (over: Partial<Finding>): Finding => ({
  id: "ENVT-DRIFT-001",
  severity: "low",
  messageId: "drift.added.loader",
  message: "LD_PRELOAD added in prod",
  subject: "a → b",
  key: "LD_PRELOAD",
  fingerprint: "0123456789abcdef",
  ...over,
});

function report(subject: Partial<Subject>, extra: Partial<Report["run"]> = {}): Report {
  const r = goldenReport();
  r.run = { ...r.run, ...extra };
  r.subjects = [
    {
      id: "container/web",
      kind: "container",
      name: "container web",
      details: {},
      findings: [],
      issues: [],
      ...subject,
    },
  ];
  return r;
}

describe("SARIF reporter", () => {
  it("maps severities explicitly", () => {
    expect(SARIF_LEVEL).toEqual({
      critical: "error",
      high: "error",
      medium: "warning",
      low: "note",
      info: "note",
    });
    const score = (s: keyof typeof SECURITY_SEVERITY) => Number(SECURITY_SEVERITY[s]);
    expect(score("critical")).toBeGreaterThanOrEqual(9);
    expect(score("high")).toBeGreaterThanOrEqual(7);
    expect(score("high")).toBeLessThan(9);
    expect(score("medium")).toBeGreaterThanOrEqual(4);
    expect(score("medium")).toBeLessThan(7);
    expect(score("low")).toBeGreaterThan(0);
    expect(score("low")).toBeLessThan(4);
    expect(SECURITY_SEVERITY.info).toBeUndefined();
  });

  it("is deterministic for one report", () => {
    expect(sarifReporter.render(goldenReport(), {})).toBe(sarifReporter.render(goldenReport(), {}));
  });

  it("security-severity is the worst of the default and what fired; levels per result", () => {
    const log: Json = sarifLog(
      report({ findings: [finding({ severity: "critical" }), finding({ severity: "low", key: "X" })] }),
    );
    const [rule] = log.runs[0].tool.driver.rules;
    expect(rule.id).toBe("ENVT-DRIFT-001");
    expect(rule.properties["security-severity"]).toBe("9.5");
    expect(log.runs[0].results.map((r: Json) => r.level)).toEqual(["error", "note"]);
  });

  it("a subject without any file gets its id as a relative URI; fingerprints count occurrences", () => {
    const log: Json = sarifLog(report({ findings: [finding({}), finding({})] }));
    const [a, b] = log.runs[0].results;
    expect(a.locations[0].physicalLocation.artifactLocation).toEqual({ uri: "container/web" });
    expect(a.properties.artifact).toBe("subject-id");
    expect(a.partialFingerprints.primaryLocationLineHash).toBe("0123456789abcdef:1");
    expect(b.partialFingerprints.primaryLocationLineHash).toBe("0123456789abcdef:2");
    expect(log.runs[0].originalUriBaseIds).toBeUndefined();
  });

  it("encodes paths: relative under cwd, absolute file:// elsewhere", () => {
    const f = (file: string) => finding({ location: { file, line: 3, column: 5 } });
    const log: Json = sarifLog(
      report({ findings: [f("/srv/my app/#1.env"), f("/work/x/conf d/a.env"), f("rel/b.env")] }),
      "/work/x",
    );
    const locs = log.runs[0].results.map((r: Json) => r.locations[0].physicalLocation);
    expect(locs[0]).toEqual({
      artifactLocation: { uri: "file:///srv/my%20app/%231.env" },
      region: { startLine: 3, startColumn: 5 },
    });
    expect(locs[1].artifactLocation).toEqual({ uri: "conf%20d/a.env", uriBaseId: "%SRCROOT%" });
    expect(locs[2].artifactLocation).toEqual({ uri: "rel/b.env", uriBaseId: "%SRCROOT%" });
    expect(log.runs[0].originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///work/x/" } });
  });

  it("a revealed run says so; the command line is quoted", () => {
    const log: Json = sarifLog(
      report({}, { revealed: true, argv: ["explain", "--key", "A B", "--pid", "1"] }),
    );
    expect(log.runs[0].properties.revealed).toBe(true);
    const inv = log.runs[0].invocations[0];
    expect(inv.toolConfigurationNotifications[0].level).toBe("warning");
    expect(inv.commandLine).toBe("envtrace explain --key 'A B' --pid 1");
    expect(log.runs[0].automationDetails.id).toBe("envtrace/explain/00000000-0000-4000-8000-000000000000");
  });

  it("an unknown rule id still renders (generic catalogue entry)", () => {
    const log: Json = sarifLog(report({ findings: [finding({ id: "ACME-POLICY-7" })] }));
    expect(log.runs[0].tool.driver.rules[0]).toMatchObject({ id: "ACME-POLICY-7" });
    expect(log.runs[0].tool.driver.rules[0].properties["security-severity"]).toBeUndefined();
  });
});
