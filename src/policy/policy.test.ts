/**
 * The policy engine without the CLI: loading (schema, CEL type check, file:line of errors), evaluation of
 * variable and subject rules over real bindings, declarations, ignores, baselines and the audit join, and
 * a fast-check property: the loader never throws anything but a PolicyError.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskResult } from "../detect/mask.js";
import type { Report, Subject } from "../model/index.js";
import { buildReport, explainSubject, runInfo } from "../report/build.js";
import { applyPolicy, baselineOf, PolicyError, parseAuditLog, parseBaseline, parsePolicy } from "./index.js";
import { auditFacts } from "./k8s-audit.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "test", "fixtures", "policy");
const TOKEN = `ghp_${"Zr8Lq2Xp5Wm9".repeat(3)}`;

/** A pod container with a literal, a Secret-sourced token and a variable of unknown origin (no findings). */
function subject(): Subject {
  const s = explainSubject(
    maskResult({
      subject: { kind: "pod", name: "default/web/app" },
      variables: [
        {
          key: "APP_MODE",
          value: "prod",
          winner: {
            kind: "k8s-literal",
            mechanism: "value",
            location: { resource: "Deployment/default/web", file: "deploy.yaml", line: 40 },
            confidence: "certain",
            evidence: [],
          },
          shadowed: [],
          notes: [],
        },
        {
          key: "GITHUB_TOKEN",
          value: TOKEN,
          winner: {
            kind: "k8s-secret",
            mechanism: "secretKeyRef",
            location: { resource: "Secret/default/gh", key: "token" },
            confidence: "certain",
            evidence: [],
          },
          shadowed: [],
          notes: [],
        },
        { key: "MYSTERY", value: "1", winner: null, shadowed: [], notes: [] },
      ],
      findings: [],
      issues: [],
    }),
  );
  s.findings = [];
  return s;
}

const load = (yaml: string) => parsePolicy(yaml, "p.yaml", { readFile: (p) => readFileSync(p, "utf8") });

function errorOf(yaml: string): PolicyError {
  try {
    load(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error("the policy loaded");
}

describe("loading", () => {
  it("infers each rule's scope from what it names", () => {
    const p = load(`
rules:
  - { id: A, severity: high, when: 'v.source.kind == "unknown"', message: m }
  - { id: B, severity: low, when: 'vars.filter(x, x.source.kind == "unknown").size() > 0', message: m }
  - { id: C, severity: low, when: 'subject.kind == "pod-container"', message: m, scope: variable }
`);
    expect(p.rules.map((r) => [r.id, r.scope])).toEqual([
      ["A", "variable"],
      ["B", "subject"],
      ["C", "variable"],
    ]);
  });

  it.each([
    ["a CEL syntax error", "    when: 'v.key =='", 4, "rules[0] (R1).when", /CEL syntax/],
    [
      "a wrong type",
      "    when: 'v.source.line > \"x\"'",
      4,
      "rules[0] (R1).when",
      /cannot order int and string/,
    ],
    ["a field v does not have", "    when: 'v.line > \"x\"'", 4, "rules[0] (R1).when", /no field 'line'/],
    ["a non-bool result", "    when: 'v.key'", 4, "rules[0] (R1).when", /must give a bool, gives string/],
    ["an unknown function", "    when: 'v.key.frobnicate()'", 4, "rules[0] (R1).when", /unknown method/],
    [
      "a bad regular expression",
      "    when: 'v.key.matches(\"(\")'",
      4,
      "rules[0] (R1).when",
      /regular expression/,
    ],
    ["v in a subject rule", "    when: 'v.secret'\n    scope: subject", 4, "rules[0] (R1).when", /not `v`/],
    ["an unknown field", "    when: 'v.secret'\n    whn: x", 5, "rules[0] (R1).whn", /unknown field/],
    [
      "an unknown severity",
      "    when: 'v.secret'\n    severity: urgent",
      4,
      "rules[0] (R1).severity",
      /one of/,
    ],
  ])("refuses %s with file:line and the field", (_what, lines, line, field, why) => {
    const sev = lines.includes("severity:") ? "" : "    severity: high\n";
    const e = errorOf(`rules:\n  - id: R1\n${sev}${lines}\n    message: m\n`);
    expect([e.file, e.line, e.field]).toEqual(["p.yaml", line, field]);
    expect(e.why).toMatch(why);
    expect(e.message.split("\n")).toHaveLength(1);
    expect(e.message.startsWith(`p.yaml:${line}: ${field}: `)).toBe(true);
  });

  it("refuses a duplicate id at the second rule's id, naming the first", () => {
    const e = errorOf(`rules:
  - { id: R1, severity: high, when: v.secret, message: m }
  - id: R1
    severity: low
    when: v.secret
    message: m
`);
    expect([e.line, e.field]).toEqual([3, "rules[1].id"]);
    expect(e.why).toMatch(/duplicate rule id 'R1' \(first at line 2\)/);
  });

  it("refuses YAML syntax errors, duplicate keys and unknown top-level fields with their line", () => {
    expect(errorOf("rules:\n  - id: [\n").line).toBeGreaterThan(1);
    expect(errorOf("name: a\nname: b\n").line).toBe(2);
    const e = errorOf("name: a\nrulez: []\n");
    expect([e.line, e.field]).toEqual([2, "rulez"]);
  });

  it("a multi-line expression's error names the line inside the block", () => {
    const e = errorOf(`rules:
  - id: R1
    severity: high
    message: m
    when: |
      v.secret &&
      v.source.line > "x"
`);
    expect(e.line).toBe(7);
  });

  it("never throws anything but a PolicyError (fast-check)", () => {
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom(
        "rules:",
        "rules: 3",
        "checks: {ENVT-X: {}}",
        "ignores: [{}]",
        "declared: {files: [x]}",
      ),
      fc
        .record({
          id: fc.oneof(fc.string(), fc.constantFrom("R1", "R1")),
          severity: fc.oneof(fc.constantFrom("high", "low", "bogus"), fc.string()),
          when: fc.oneof(
            fc.string(),
            fc.constantFrom("v.secret", "v.source.line > 1", "vars.size() > 1", "v.key.matches('[')", "1 +"),
          ),
          message: fc.string(),
        })
        .map((r) => JSON.stringify({ rules: [r, r] })),
      fc.jsonValue().map((v) => JSON.stringify({ rules: [v], ignores: v, declared: v, checks: v })),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          parsePolicy(t, "p.yaml", { readFile: () => "A=1\n" });
        } catch (err) {
          if (!(err instanceof PolicyError)) throw err;
          expect(err.message).not.toContain("\n");
          expect(err.line).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("evaluation", () => {
  it("variable rules see v (masked value), subject rules see vars", () => {
    const p = load(`
rules:
  - { id: SECRET-IN-ENV, severity: high, when: 'v.secret && v.source.kind == "k8s-secret"', message: '{key} from {source}' }
  - { id: NO-SOURCE, severity: medium, when: 'vars.filter(x, x.source.kind == "unknown").size() > 0', message: '{subject} has variables of unknown origin' }
  - { id: MASK, severity: low, when: 'v.secret && v.value.contains("ghp_Zr8Lq2Xp5Wm9Zr8Lq2Xp5Wm9")', message: never }
  - { id: LINE, severity: info, when: 'v.source.line >= 40 && v.source.file.endsWith(".yaml")', message: '{key}' }
`);
    const out = applyPolicy([subject()], p);
    const f = out.subjects[0]!.findings;
    expect(f.map((x) => [x.id, x.key])).toEqual([
      ["SECRET-IN-ENV", "GITHUB_TOKEN"],
      ["LINE", "APP_MODE"],
      ["NO-SOURCE", undefined],
    ]);
    expect(f[0]!.message).toBe("GITHUB_TOKEN from k8s-secret");
    expect(f[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(out)).not.toContain(TOKEN.slice(8));
    expect(out.evaluations).toBe(3 * 3 + 1);
  });

  it("checks: a built-in finding is dropped or re-rated", () => {
    const s = subject();
    s.findings = [
      {
        id: "ENVT-K8S-002",
        severity: "medium",
        messageId: "x",
        message: "x",
        subject: s.name,
        fingerprint: "a",
      },
      {
        id: "ENVT-SECRET-001",
        severity: "critical",
        messageId: "x",
        message: "x",
        subject: s.name,
        fingerprint: "b",
      },
    ];
    const p = load("checks:\n  ENVT-K8S-002: { enabled: false }\n  ENVT-SECRET-001: { severity: low }\n");
    expect(applyPolicy([s], p).subjects[0]!.findings.map((f) => [f.id, f.severity])).toEqual([
      ["ENVT-SECRET-001", "low"],
    ]);
  });

  it("declared: names, .env.example and a JSON Schema → undeclared and missing findings", () => {
    const p = parsePolicy(
      `declared:
  names: [APP_MODE]
  files: [app.env.example, settings.schema.json]
  except: ["GITHUB_*"]
`,
      join(FIXTURES, "policy.yaml"),
    );
    const f = applyPolicy([subject()], p).subjects[0]!.findings;
    expect(f.filter((x) => x.id === "ENVT-POLICY-001").map((x) => x.key)).toEqual(["MYSTERY"]);
    // .env.example keys are required unless marked optional; a schema's only when `required`.
    expect(f.filter((x) => x.id === "ENVT-POLICY-002").map((x) => x.key)).toEqual([
      "WORDPRESS_AUTH_KEY",
      "WORDPRESS_DB_HOST",
      "WORDPRESS_DB_PASSWORD",
      "WORDPRESS_DB_USER",
    ]);
  });

  it("a declarations file that cannot be read is a load error at its line", () => {
    const e = errorOf("declared:\n  files:\n    - nope.env\n");
    expect([e.line, e.field]).toEqual([3, "declared.files[0]"]);
  });

  it("ignores: a live one hides the finding; an expired one does not, and is a finding itself", () => {
    const rules = "rules:\n  - { id: U, severity: high, when: 'v.source.kind == \"unknown\"', message: m }\n";
    const live = load(`${rules}ignores:\n  - { id: U, key: MYST*, reason: ticket 1, expires: 2999-01-01 }\n`);
    const a = applyPolicy([subject()], live);
    expect(a.subjects[0]!.findings).toEqual([]);
    expect(a.suppressed.ignored).toBe(1);
    const old = load(`${rules}ignores:\n  - { id: U, reason: ticket 1, expires: 2020-01-01 }\n`);
    const b = applyPolicy([subject()], old, { now: new Date("2026-01-01") });
    expect(b.subjects[0]!.findings.map((f) => f.id)).toEqual(["U"]);
    expect(b.policySubject.findings.map((f) => [f.id, f.location])).toEqual([
      ["ENVT-POLICY-003", { file: "p.yaml", line: 4 }],
    ]);
    // The day of expiry itself is still covered.
    const c = applyPolicy([subject()], old, { now: new Date("2020-01-01T23:00:00Z") });
    expect(c.policySubject.findings).toEqual([]);
  });

  it("baselines: fingerprints of a report suppress the same findings next time, whatever the value", () => {
    const p = load("rules:\n  - { id: S, severity: high, when: v.secret, message: m }\n");
    const first = applyPolicy([subject()], p);
    const run = runInfo({ command: "check", argv: [], version: "0", startedAt: new Date() });
    const report: Report = buildReport(run, first.subjects);
    const base = parseBaseline(JSON.stringify(baselineOf(report)));
    expect(base.size).toBe(1);
    const second = applyPolicy([subject()], p, { baseline: base });
    expect(second.subjects[0]!.findings).toEqual([]);
    expect(second.suppressed.baseline).toBe(1);
    expect(() => parseBaseline("{}")).toThrow(/not an envtrace baseline/);
  });
});

describe("Kubernetes audit join", () => {
  const ix = parseAuditLog(readFileSync(join(FIXTURES, "audit.jsonl"), "utf8"), "audit.jsonl");

  it("last successful writer, readers, and whether the pod's service account read it", () => {
    expect(ix.events).toBe(6);
    expect(ix.issues.map((i) => [i.code, i.detail])).toEqual([["PARSE", expect.stringContaining("line 7")]]);
    const f = auditFacts(ix, "Secret/default/mysql-pass", "default/wordpress")!;
    expect(f).toMatchObject({
      found: true,
      user: "system:serviceaccount:ci:deployer",
      verb: "patch",
      time: "2025-03-02T08:30:00.020000Z",
      serviceAccount: "system:serviceaccount:default:wordpress",
      serviceAccountRead: true,
    });
    expect(auditFacts(ix, "Secret/default/mysql-pass", "default")!.serviceAccountRead).toBe(false);
    expect(auditFacts(ix, "ConfigMap/default/any", "default")!.readBy).toEqual([
      "system:serviceaccount:kube-system:controller",
    ]);
    expect(auditFacts(ix, "Service/default/x", "default")).toBeUndefined();
  });

  it("rules can require it: v.source.audit.*", () => {
    const p = load(`rules:
  - { id: A, severity: high, when: 'v.source.kind == "k8s-secret" && !v.source.audit.serviceAccountRead', message: m }
  - { id: B, severity: low, when: 'v.source.audit.user.startsWith("system:serviceaccount:ci:")', message: m }
`);
    const s = subject();
    const out = applyPolicy([s], p, {
      audit: (_s, v) =>
        auditFacts(
          ix,
          (v.winner?.location as { resource?: string })?.resource?.replace("gh", "mysql-pass"),
          "default/web",
        ),
    });
    expect(out.subjects[0]!.findings.map((f) => f.id)).toEqual(["A", "B"]);
  });
});
