/**
 * The k8s format and its CRDs, offline: the CRDs in deploy/crds/ are valid apiextensions.k8s.io/v1
 * objects (kubernetes-models' generated validator) with structural schemas (the rules the API server
 * applies, checked here), `kubectl kustomize deploy/` renders them, and every object the reporter writes
 * — for processes, pod containers, drift, at every audit level — validates with ajv against its CRD's
 * own openAPIV3Schema, with pruning made an error (a field the schema does not name would be dropped).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { maskResult } from "../../src/detect/mask.js";
import type { Report } from "../../src/model/index.js";
import { buildReport, explainSubject, runInfo } from "../../src/report/index.js";
import { AUDIT_LEVELS, defaultLevel, dns1123Name, k8sObjects, k8sReporter } from "../../src/report/k8s.js";
import { parseSyslog, syslogReporter } from "../../src/report/syslog.js";
import { runCli } from "../helpers/cli.js";
import { goldenReport, SECRET } from "./golden-input.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CRD_FILES = {
  EnvProvenanceReport: "deploy/crds/envprovenancereports.envtrace.dev.yaml",
  EnvAuditEvent: "deploy/crds/envauditevents.envtrace.dev.yaml",
} as const;
type Kind = keyof typeof CRD_FILES;

// biome-ignore lint/suspicious/noExplicitAny: CRD documents are walked generically
type Json = any;
const crd = (kind: Kind): Json =>
  parseYaml(readFileSync(join(ROOT, CRD_FILES[kind]), "utf8"), { maxAliasCount: -1 });

/** The API server's structural-schema rules (apiextensions v1), as far as they concern what we write. */
function structuralErrors(s: Json, path: string, out: string[] = []): string[] {
  if (s === null || typeof s !== "object") return out;
  for (const k of [
    "$ref",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "definitions",
    "dependencies",
    "patternProperties",
  ])
    if (k in s) out.push(`${path}: ${k} is not allowed here`);
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true || s["x-kubernetes-int-or-string"];
  if (!s.type && !preserve) out.push(`${path}: no type`);
  if (s.properties && s.additionalProperties !== undefined)
    out.push(`${path}: properties and additionalProperties together`);
  if (s.type === "array" && !s.items) out.push(`${path}: array without items`);
  for (const r of s.required ?? [])
    if (!s.properties?.[r]) out.push(`${path}: required ${r} is not a property`);
  for (const v of s.enum ?? [])
    if (typeof v !== (s.type === "integer" ? "number" : s.type))
      out.push(`${path}: enum value of another type`);
  for (const [k, sub] of Object.entries(s.properties ?? {})) structuralErrors(sub, `${path}.${k}`, out);
  if (s.items) structuralErrors(s.items, `${path}[]`, out);
  if (typeof s.additionalProperties === "object") structuralErrors(s.additionalProperties, `${path}{}`, out);
  return out;
}

/**
 * The schema as ajv sees it: Kubernetes keywords known, and every object without
 * x-kubernetes-preserve-unknown-fields closed (the API server would prune an unknown field silently).
 */
function closed(s: Json): Json {
  if (s === null || typeof s !== "object") return s;
  if (Array.isArray(s)) return s.map(closed);
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) out[k] = k === "enum" || k === "required" ? v : closed(v);
  if (out.type === "object" && out.properties && !out["x-kubernetes-preserve-unknown-fields"])
    out.additionalProperties = false;
  return out;
}

const METADATA = {
  type: "object",
  required: ["name", "labels"],
  additionalProperties: false,
  properties: {
    // DNS-1123 subdomain, as the API server checks custom resource names.
    name: {
      type: "string",
      maxLength: 253,
      pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
    },
    namespace: { type: "string", maxLength: 63, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
    labels: {
      type: "object",
      additionalProperties: {
        type: "string",
        maxLength: 63,
        pattern: "^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$",
      },
    },
  },
};

function validator(kind: Kind): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addKeyword("x-kubernetes-preserve-unknown-fields");
  ajv.addKeyword("x-kubernetes-int-or-string");
  ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  const schema = closed(crd(kind).spec.versions[0].schema.openAPIV3Schema);
  schema.properties.metadata = METADATA;
  schema.properties.apiVersion = { const: "envtrace.dev/v1alpha1" };
  schema.properties.kind = { const: kind };
  schema.required = [...schema.required, "apiVersion", "kind", "metadata"];
  return ajv.compile(schema);
}

const validators = {
  EnvProvenanceReport: validator("EnvProvenanceReport"),
  EnvAuditEvent: validator("EnvAuditEvent"),
};

function expectValid(objects: Json[]): void {
  const bad: string[] = [];
  for (const o of objects) {
    const v = validators[o.kind as Kind];
    expect(v, `kind ${o.kind}`).toBeDefined();
    if (!v(o)) bad.push(`${o.kind} ${o.metadata?.name}: ${JSON.stringify(v.errors?.slice(0, 3))}`);
  }
  expect(bad).toEqual([]);
}

const docs = (yaml: string): Json[] => parseAllDocuments(yaml).map((d) => d.toJS());

describe("the CRDs", () => {
  for (const kind of Object.keys(CRD_FILES) as Kind[]) {
    it(`${kind}: a valid apiextensions.k8s.io/v1 CustomResourceDefinition (kubernetes-models)`, () => {
      const doc = crd(kind);
      expect(() => new CustomResourceDefinition(doc).validate()).not.toThrow();
      expect(doc.spec.group).toBe("envtrace.dev");
      expect(doc.spec.names.kind).toBe(kind);
      expect(doc.spec.scope).toBe("Namespaced");
      expect(doc.metadata.name).toBe(`${doc.spec.names.plural}.envtrace.dev`);
      expect(doc.spec.versions.map((v: Json) => v.name)).toEqual(["v1alpha1"]);
    });

    it(`${kind}: a structural schema`, () => {
      const schema = crd(kind).spec.versions[0].schema.openAPIV3Schema;
      expect(structuralErrors(schema, "openAPIV3Schema")).toEqual([]);
      // The root may say no more about metadata than its type.
      expect(schema.properties.metadata).toEqual({ type: "object" });
    });
  }

  it("the structural check itself rejects a type-less node and a $ref", () => {
    expect(structuralErrors({ type: "object", properties: { a: {} } }, "s")).toEqual(["s.a: no type"]);
    expect(structuralErrors({ $ref: "#/x", type: "object" }, "s")).toHaveLength(1);
  });

  it("a broken CRD is refused by the validator (the check can fail)", () => {
    const doc = crd("EnvAuditEvent");
    doc.spec.versions[0].schema.openAPIV3Schema.properties.level.type = 3;
    expect(() => new CustomResourceDefinition(doc).validate()).toThrow(/type/);
  });

  it("`kubectl kustomize deploy/` renders both CRDs", () => {
    const r = spawnSync("kubectl", ["kustomize", join(ROOT, "deploy")], { encoding: "utf8" });
    expect(r.error, "kubectl is missing: run scripts/install-test-deps.sh").toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const names = docs(r.stdout).map((d) => d.metadata.name);
    expect(names.sort()).toEqual(["envauditevents.envtrace.dev", "envprovenancereports.envtrace.dev"]);
  });
});

function podReport(): Promise<Report> {
  return runCli([
    "k8s",
    "explain",
    "-f",
    join(ROOT, "test/fixtures/k8s/offline/wordpress/wordpress-deployment.yaml"),
    "--format",
    "json",
  ]).then((r) => {
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout);
  });
}

describe("the k8s format", () => {
  it("is a YAML stream of reports then events, each valid against its CRD's own schema", async () => {
    const out = await k8sReporter.render(goldenReport(), {});
    expect(out.startsWith("---\n")).toBe(true);
    const objs = docs(out);
    expect(objs[0].kind).toBe("EnvProvenanceReport");
    expect(objs.slice(1).every((o) => o.kind === "EnvAuditEvent")).toBe(true);
    expectValid(objs);
    expect(out).not.toContain(SECRET);
  });

  it("the validators catch what the API server would refuse or prune", () => {
    const [report, event] = k8sObjects(goldenReport()) as Json[];
    const pruned = structuredClone(report);
    pruned.report.variables[0].source.extra = "x";
    const badLevel = { ...structuredClone(event), level: "Everything" };
    const badName = structuredClone(event);
    badName.metadata.name = "Not_A_Name";
    for (const o of [pruned, badLevel, badName]) expect(validators[o.kind as Kind](o)).toBe(false);
  });

  it("one report per subject, with a summary that counts the findings", () => {
    const objs = k8sObjects(goldenReport()) as Json[];
    const reports = objs.filter((o) => o.kind === "EnvProvenanceReport");
    expect(reports).toHaveLength(1);
    const s = reports[0].report.summary;
    expect([s.variables, s.findings, s.critical, s.issues]).toEqual([4, 1, 1, 1]);
    expect(reports[0].report.variables.find((v: Json) => v.key === "GITHUB_TOKEN").masked).toBe(true);
  });

  it("every level validates; Metadata keeps no value, None keeps no event", () => {
    const r = goldenReport();
    for (const level of AUDIT_LEVELS) {
      const objs = k8sObjects(r, { k8s: { level } }) as Json[];
      expectValid(objs);
      const events = objs.filter((o) => o.kind === "EnvAuditEvent");
      if (level === "None") expect(events).toEqual([]);
      else expect(events.every((e) => e.level === level)).toBe(true);
      if (level === "Metadata") {
        for (const e of events) {
          expect(e.variable?.value, e.metadata.name).toBeUndefined();
          expect(e.finding?.message).toBeUndefined();
          expect(e.variable?.source?.evidence).toBeUndefined();
        }
      }
      if (level === "RequestResponse") {
        const f = events.find((e) => e.eventType === "finding");
        expect(f.finding.remediation).toBeTruthy();
        expect(events.find((e) => e.key === "EDITOR").variable.shadowed).toHaveLength(1);
      }
    }
  });

  it("default policy: a masked value is logged at Metadata (as audit policies log Secrets), the rest at Request", () => {
    const events = (k8sObjects(goldenReport()) as Json[]).filter((o) => o.kind === "EnvAuditEvent");
    const byKey = (k: string, t = "variable") => events.find((e) => e.key === k && e.eventType === t);
    expect(byKey("GITHUB_TOKEN").level).toBe("Metadata");
    expect(byKey("GITHUB_TOKEN").variable.value).toBeUndefined();
    expect(byKey("EDITOR").level).toBe("Request");
    expect(byKey("EDITOR").variable.value).toBe("vim");
    expect(events.find((e) => e.eventType === "issue").level).toBe("Metadata");
    expect(
      defaultLevel({
        type: "variable",
        run: "r",
        time: "t",
        host: "h",
        subject: { id: "s", kind: "pod-container", name: "s" },
        code: "k8s-secret",
        data: { masked: false, source: { kind: "k8s-secret" } },
      }),
    ).toBe("Metadata");
  });

  it("audit model: verb, user (who set it), objectRef (the subject), timestamps", () => {
    const events = (k8sObjects(goldenReport()) as Json[]).filter((o) => o.kind === "EnvAuditEvent");
    const editor = events.find((e) => e.key === "EDITOR");
    expect(editor.verb).toBe("observe");
    expect(editor.user.username).toBe("bash (pid 4242)");
    expect(editor.objectRef).toEqual({ resource: "processes", name: "4242", fieldPath: "env.EDITOR" });
    expect(editor.requestReceivedTimestamp).toBe("2026-11-24T06:00:01.000Z");
    expect(editor.stageTimestamp).toBe("2026-11-24T06:00:02.000Z");
    expect(new Set(events.map((e) => e.eventID)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.metadata.name)).size).toBe(events.length);
  });

  it("timestamp, hostname, app-name, MSGID and severity are the syslog line's, one to one", async () => {
    const r = goldenReport();
    const lines = (await syslogReporter.render(r, {})).trim().split("\n").map(parseSyslog);
    const events = (k8sObjects(r, { k8s: { level: "Request" } }) as Json[]).filter(
      (o) => o.kind === "EnvAuditEvent",
    );
    expect(events).toHaveLength(lines.length);
    events.forEach((e, i) => {
      const l = lines[i]!;
      expect([e.stageTimestamp, e.hostname, e.appName, e.msgID, e.syslogSeverity]).toEqual([
        l.timestamp,
        l.hostname,
        l.appName,
        l.msgId,
        l.severity,
      ]);
    });
  });

  it("pod containers: reports and events in the pod's namespace, objectRef pods/<pod>, all valid", async () => {
    const r = await podReport();
    // The JSON form is what the CLI printed; rebuild a Report from the same command instead.
    expect(r.subjects.length).toBeGreaterThan(0);
    const out = await runCli([
      "k8s",
      "explain",
      "-f",
      join(ROOT, "test/fixtures/k8s/offline/wordpress/wordpress-deployment.yaml"),
      "--format",
      "k8s",
    ]);
    expect(out.stderr).toBe("");
    const objs = docs(out.stdout);
    expectValid(objs);
    const reports = objs.filter((o) => o.kind === "EnvProvenanceReport");
    expect(reports).toHaveLength(r.subjects.length);
    const ev = objs.find((o) => o.kind === "EnvAuditEvent" && o.eventType === "variable");
    expect(ev.objectRef.resource).toBe("pods");
    for (const o of objs) {
      const subjectNs = o.kind === "EnvProvenanceReport" ? o.report.subject.details.namespace : undefined;
      if (subjectNs) expect(o.metadata.namespace).toBe(subjectNs);
    }
  });

  it("drift and Go subjects validate too (settings, drift entries)", async () => {
    const dir = join(ROOT, "test/fixtures/drift/secret-moved-source");
    const out = await runCli(["diff", join(dir, "a.json"), join(dir, "b.json"), "--format", "k8s"]);
    expect(out.stderr).toBe("");
    const objs = docs(out.stdout);
    expect(objs.some((o) => o.eventType === "drift")).toBe(true);
    expectValid(objs);
    for (const level of AUDIT_LEVELS) {
      const rep = await runCli(["diff", join(dir, "a.json"), join(dir, "b.json"), "--format", "json"]);
      const report = JSON.parse(rep.stdout);
      report.subjects[0].drift = report.subjects[0].drift ?? [];
      expectValid(k8sObjects(toReport(report), { k8s: { level } }) as Json[]);
    }
  });
});

/** A Report from its JSON form (values already strings: masked ones stay masked). */
function toReport(j: Json): Report {
  return { ...j, subjects: j.subjects.map((s: Json) => ({ ...s, variables: undefined })) } as Report;
}

describe("object names", () => {
  const RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  it("are DNS-1123 subdomains of at most 253 characters, deterministic, distinct per id", () => {
    const ids = [
      "pod/default/web/app",
      "pod/default/Web/app",
      "process/4242",
      "process/bash (pid 1)",
      "",
      "///",
      "ÄÖÜ/ünïcode",
      `pod/ns/${"x".repeat(400)}/c`,
      "-leading-and-trailing-",
    ];
    const names = ids.map((id) => dns1123Name(id));
    for (const n of names) {
      expect(n).toMatch(RE);
      expect(n.length).toBeLessThanOrEqual(253);
    }
    expect(new Set(names).size).toBe(ids.length);
    expect(ids.map((id) => dns1123Name(id))).toEqual(names);
    expect(dns1123Name("pod/default/web/app")).toMatch(/^pod-default-web-app-[0-9a-f]{10}$/);
  });

  it("a report keeps its name across runs (kubectl apply updates it)", () => {
    const a = k8sObjects(goldenReport())[0] as Json;
    const input = maskResult({
      subject: { pid: 4242, comm: "bash" },
      variables: [],
      findings: [],
      issues: [],
    });
    const later = buildReport(
      runInfo({ command: "explain", argv: [], version: "1", startedAt: new Date() }),
      [explainSubject(input)],
    );
    expect((k8sObjects(later)[0] as Json).metadata.name).toBe(a.metadata.name);
  });
});
