/**
 * JUnit XML as GitLab (`artifacts:reports:junit`) and Jenkins (`junit` step) read it, valid against the
 * Jenkins xUnit plugin's JUnit schema (test/fixtures/junit/junit-10.xsd).
 *
 * - One `<testsuite>` per subject (name, counts, timestamp = the run's start, hostname, id = subject id).
 * - One `<testcase>` per check or variable rule: the secret rule (ENVT-SECRET-001) over each variable of
 *   the subject (name = key), each host check (name = dimension), and each other finding (classname = its
 *   rule id, name = key, else dimension, else message id).
 * - A finding at or above the threshold (`opts.failOn ?? run.failOn ?? "high"`, the same as the exit
 *   code's `--fail-on`) is a `<failure message type=severity>`; one below it is a passing testcase with the
 *   finding in `<system-out>`. A host check that could not establish its facts is `<skipped>`.
 * - Collection issues go to the suite's `<system-err>`, not `<error>`: Jenkins marks a build unstable and
 *   GitLab counts a test as errored for `<error>`, while envtrace's exit code ignores collection issues
 *   (partial failure is data); the report and the exit code must agree. Problems with the inputs
 *   themselves (the report's own issues) get a suite named `inputs` holding only `<system-err>`.
 *
 * Text is escaped for XML 1.0; characters XML 1.0 cannot carry (control characters, lone surrogates,
 * U+FFFE/U+FFFF) are written as `\xNN` / `\uNNNN`. No value is written: findings carry no value, and
 * passing variable testcases name only the source.
 */
import {
  type CollectionIssue,
  type Finding,
  isFileLocation,
  type Location,
  type Report,
  SEVERITY_RANK,
  type Severity,
  type Subject,
} from "../model/index.js";
import type { Reporter } from "./reporter.js";
import { SECRET_FINDING } from "./summary.js";

const INVALID_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Replaces what XML 1.0 cannot carry with a visible escape. */
export function xmlSafe(s: string): string {
  return s.replace(INVALID_XML, (c) => {
    const n = c.codePointAt(0)!;
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
  });
}

export function escapeText(s: string): string {
  return xmlSafe(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values: also quotes, and whitespace as references so attribute normalisation keeps it. */
export function escapeAttr(s: string): string {
  return escapeText(s)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

const attrs = (a: Record<string, string | number | undefined>) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join("");

interface Case {
  classname: string;
  name: string;
  failure?: { message: string; type: string; body: string };
  skipped?: string;
  out?: string;
}

function where(l: Location | undefined): string | undefined {
  if (!l) return undefined;
  if (isFileLocation(l)) return `${l.file}${l.line !== undefined ? `:${l.line}` : ""}`;
  const file = l.file ? ` (${l.file}${l.line !== undefined ? `:${l.line}` : ""})` : "";
  return `${l.resource}${l.key ? ` key ${l.key}` : ""}${file}`;
}

function findingText(f: Finding): string {
  const lines = [`[${f.severity}] ${f.id} ${f.messageId}: ${f.message}`];
  const at = where(f.location) ?? where(f.attribution?.location);
  if (f.key !== undefined) lines.push(`key: ${f.key}`);
  if (f.attribution) lines.push(`source: ${f.attribution.kind} (${f.attribution.confidence})`);
  if (at) lines.push(`at: ${at}`);
  if (f.remediation) lines.push(`remediation: ${f.remediation}`);
  for (const r of f.references ?? []) lines.push(`reference: ${r}`);
  lines.push(`fingerprint: ${f.fingerprint}`);
  return lines.join("\n");
}

function findingCase(f: Finding, name: string, failOn: Severity): Case {
  const c: Case = { classname: f.id, name };
  if (SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) {
    c.failure = { message: f.message, type: f.severity, body: findingText(f) };
  } else {
    c.out = `below --fail-on ${failOn}: ${findingText(f)}`;
  }
  return c;
}

function issueText(i: CollectionIssue): string {
  return `${i.code} ${i.subject}: ${i.detail}`;
}

function subjectCases(s: Subject, failOn: Severity): Case[] {
  const cases: Case[] = [];
  const byKey = new Map<string, Finding[]>();
  const rest: Finding[] = [];
  for (const f of s.findings) {
    if (f.id === SECRET_FINDING && f.key !== undefined && s.variables?.some((v) => v.key === f.key)) {
      byKey.set(f.key, [...(byKey.get(f.key) ?? []), f]);
    } else rest.push(f);
  }
  // The secret rule ran over every variable: one testcase per variable.
  for (const v of s.variables ?? []) {
    const hits = byKey.get(v.key) ?? [];
    if (hits.length > 0) {
      for (const f of hits) cases.push(findingCase(f, v.key, failOn));
      continue;
    }
    const src = v.winner;
    cases.push({
      classname: SECRET_FINDING,
      name: v.key,
      out: `no secret; source: ${src ? `${src.kind}${src.mechanism ? `:${src.mechanism}` : ""}${where(src.location) ? ` ${where(src.location)}` : ""} (${src.confidence})` : "unknown"}`,
    });
  }
  // Host checks: a testcase per check; its findings become the testcases when it has some.
  const checkIds = new Set<string>();
  for (const c of s.checks ?? []) {
    checkIds.add(c.id);
    const fs = rest.filter((f) => f.id === c.id);
    if (fs.length > 0) {
      for (const f of fs) cases.push(findingCase(f, `${c.dimension}: ${f.key ?? f.messageId}`, failOn));
      continue;
    }
    const tc: Case = { classname: c.id, name: c.dimension, out: `${c.status}: ${c.summary}` };
    if (c.status === "unknown") tc.skipped = c.summary;
    cases.push(tc);
  }
  for (const f of rest) {
    if (checkIds.has(f.id)) continue;
    cases.push(findingCase(f, f.key ?? f.messageId, failOn));
  }
  // Jenkins and GitLab key testcases by classname + name: keep them unique.
  const seen = new Map<string, number>();
  for (const c of cases) {
    const k = `${c.classname}\0${c.name}`;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    if (n > 1) c.name = `${c.name} #${n}`;
  }
  return cases;
}

function caseXml(c: Case): string {
  const open = `    <testcase${attrs({ classname: c.classname, name: c.name, time: "0" })}`;
  const inner: string[] = [];
  if (c.skipped !== undefined) inner.push(`      <skipped${attrs({ message: c.skipped })}/>`);
  if (c.failure) {
    inner.push(
      `      <failure${attrs({ message: c.failure.message, type: c.failure.type })}>${escapeText(c.failure.body)}</failure>`,
    );
  }
  if (c.out) inner.push(`      <system-out>${escapeText(c.out)}</system-out>`);
  return inner.length === 0 ? `${open}/>` : `${open}>\n${inner.join("\n")}\n    </testcase>`;
}

/** `2026-11-24T06:00:01` (the surefire/Ant form: no zone, no fraction; the run's times are UTC). */
const timestamp = (iso: string) => iso.replace(/\.\d+Z$|Z$/, "");

function seconds(r: Report): string {
  const ms = Date.parse(r.run.endedAt) - Date.parse(r.run.startedAt);
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : "0.000";
}

export function junitXml(r: Report, failOn: Severity): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  const suite = (name: string, id: string, cases: Case[], issues: CollectionIssue[]) => {
    const f = cases.filter((c) => c.failure).length;
    const sk = cases.filter((c) => c.skipped !== undefined).length;
    tests += cases.length;
    failures += f;
    const head = `  <testsuite${attrs({
      name,
      tests: cases.length,
      failures: f,
      errors: 0,
      skipped: sk,
      timestamp: timestamp(r.run.startedAt),
      hostname: r.run.host,
      id,
      package: `envtrace.${r.run.command.replace(/\s+/g, "-")}`,
    })}>`;
    const props = [
      ["envtrace.run", r.run.id],
      ["envtrace.command", r.run.command],
      ["envtrace.version", r.run.tool.version],
      ["envtrace.fail-on", failOn],
      ["envtrace.revealed", String(r.run.revealed)],
    ]
      .map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`)
      .join("\n");
    const body = [head, `    <properties>\n${props}\n    </properties>`, ...cases.map(caseXml)];
    if (issues.length > 0) {
      body.push(`    <system-err>${escapeText(issues.map(issueText).join("\n"))}</system-err>`);
    }
    body.push("  </testsuite>");
    suites.push(body.join("\n"));
  };
  for (const s of r.subjects) suite(s.name, s.id, subjectCases(s, failOn), s.issues);
  if (r.issues.length > 0) suite("inputs", "inputs", [], r.issues);
  const root = `<testsuites${attrs({
    name: `envtrace ${r.run.command}`,
    tests,
    failures,
    errors: 0,
    time: seconds(r),
  })}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n${suites.join("\n")}${suites.length ? "\n" : ""}</testsuites>\n`;
}

export const junitReporter: Reporter = {
  id: "junit",
  description: "JUnit XML for CI test reports (GitLab, Jenkins): a failure per finding at or above --fail-on",
  extension: "xml",
  render(r, opts) {
    return junitXml(r, opts.failOn ?? r.run.failOn ?? "high");
  },
};
