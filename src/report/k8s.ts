/**
 * Kubernetes objects of the two envtrace CRDs (`deploy/crds/`, group `envtrace.dev`, version `v1alpha1`),
 * as one YAML multi-document stream: first an `EnvProvenanceReport` per subject, then an `EnvAuditEvent`
 * per event of {@link reportEvents}.
 *
 * Strings are written so that YAML 1.1 readers (go-yaml under kubectl) read them as strings too: a time,
 * `yes`, `on` or `0755` is quoted.
 *
 * Why a multi-document stream and not a `v1 List`: it is what `kubectl apply -f -`, kustomize and every
 * log shipper read; each object stands alone, so a stream can be cut, grepped, appended to (the agent
 * writes one run after another) and diffed line by line; a `List` is a client-side wrapper that must be
 * held whole and that `kubectl apply --prune` and kustomize handle less well.
 *
 * - Report names are DNS-1123 subdomains derived from the subject id alone (`pod/default/web/app` →
 *   `pod-default-web-app-<hash>`), so re-applying a later run updates the same object. Pod subjects go to
 *   the pod's namespace; other subjects carry none (`kubectl apply -n` decides).
 * - Events follow the Kubernetes audit model (`audit.k8s.io/v1` Event): `level`, `eventID`, `stage`,
 *   `verb`, `user` (who set the variable), `objectRef` (the subject), `requestReceivedTimestamp` (run start)
 *   and `stageTimestamp` (the event's time). The level decides what is kept: `None` drops the event,
 *   `Metadata` keeps who/what/where but no value (masked or not), `Request` adds the value (masked) and the
 *   finding's text, `RequestResponse` adds evidence, shadowed values, notes, remediation and references.
 *   Default, as the Kubernetes example audit policy treats Secrets: Metadata for variables whose value is
 *   masked or that come from a Secret and for collection issues, Request for the rest.
 * - `stageTimestamp`, `hostname`, `appName`, `msgID` and `syslogSeverity` are the RFC 5424 TIMESTAMP,
 *   HOSTNAME, APP-NAME, MSGID and severity the `syslog` format writes for the same event, one to one.
 */
import { hash as digest } from "node:crypto";
import { Document, stringify } from "yaml";
import type { Report, Severity, Subject } from "../model/index.js";
import { forEachEvent, type ReportEvent } from "./events.js";
import { sourceJson, subjectJson } from "./json.js";
import type { RenderOptions, Reporter } from "./reporter.js";
import { summarize } from "./summary.js";
import { headerField, syslogSeverity } from "./syslog.js";

export const K8S_GROUP = "envtrace.dev";
export const K8S_VERSION = "v1alpha1";
export const K8S_API_VERSION = `${K8S_GROUP}/${K8S_VERSION}`;
export const AUDIT_LEVELS = ["None", "Metadata", "Request", "RequestResponse"] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
const LEVEL_RANK: Record<AuditLevel, number> = { None: 0, Metadata: 1, Request: 2, RequestResponse: 3 };

/** Options of the k8s format (RenderOptions.k8s). */
export interface K8sOptions {
  /** One level for every event, instead of the default policy. */
  level?: AuditLevel;
  /** Leave out the EnvProvenanceReport objects (events only) or the events (reports only). */
  reports?: boolean;
  events?: boolean;
}

/** The verb of an event: what envtrace did (the audit model's verb is what the requester did). */
const VERBS: Record<ReportEvent["type"], string> = {
  variable: "observe",
  setting: "observe",
  check: "check",
  drift: "compare",
  finding: "detect",
  issue: "collect",
};

/** The `objectRef.resource` of each subject kind (plural, lower case, as Kubernetes names resources). */
const RESOURCES: Record<Subject["kind"], string> = {
  process: "processes",
  container: "containers",
  "pod-container": "pods",
  "go-toolchain": "gotoolchains",
  "module-cache": "modulecaches",
  host: "hosts",
  drift: "drifts",
  "shell-startup": "shellstartups",
  "exec-tree": "exectrees",
  inputs: "inputs",
  "audit-log": "auditlogs",
};

// One-shot `crypto.hash`: a `createHash` object per event costs more than the rest of the event.
const hash = (s: string, n: number) => digest("sha256", s, "hex").slice(0, n);

/**
 * A DNS-1123 subdomain (RFC 1123 labels joined by dots; at most 253 characters) for `id`: its lower-case
 * alphanumerics with runs of anything else as `-`, cut to fit, and a hash of the whole id so that ids that
 * differ only in case or punctuation never collide.
 */
export function dns1123Name(id: string, max = 253): string {
  const suffix = hash(id, 10);
  const slug = id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max - suffix.length - 1)
    .replace(/-+$/, "");
  return slug ? `${slug}-${suffix}` : `subject-${suffix}`;
}

/** A label value: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends (or empty). */
export function labelValue(s: string): string {
  return s
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** The namespace a subject's objects belong in: the pod's, for pod containers. */
function namespaceOf(kind: Subject["kind"], details: Subject["details"] | undefined): string | undefined {
  if (kind !== "pod-container") return undefined;
  const ns = typeof details?.namespace === "string" ? details.namespace : undefined;
  return ns && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) && ns.length <= 63 ? ns : undefined;
}

function metadata(name: string, namespace: string | undefined, labels: Record<string, string>) {
  return { name, ...(namespace ? { namespace } : {}), labels: nonEmpty(labels) };
}

function nonEmpty(labels: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const k in labels) if (labels[k] !== "") kept[k] = labels[k]!;
  return kept;
}

/** What every object of one rendering shares, worked out once. */
interface RunContext {
  r: Report;
  opts: RenderOptions;
  /** `dns1123Name(run.id, 200)`: the events' names are this and their index. */
  eventPrefix: string;
  runLabel: string;
  userAgent: string;
  appName: string;
  /** headerField results (HOSTNAME, MSGID) by input. */
  hostnames: Map<string | undefined, string>;
  msgIds: Map<string, string>;
  /** Parts that many events share, built once and written once (see shareYaml): by subject, type and severity, actor. */
  subjects: Map<ReportEvent["subject"], Record<string, unknown>>;
  labels: Map<string, Record<string, string>>;
  users: Map<string, Record<string, unknown>>;
}

function runContext(r: Report, opts: RenderOptions): RunContext {
  return {
    r,
    opts,
    eventPrefix: dns1123Name(r.run.id, 200),
    runLabel: labelValue(r.run.id),
    userAgent: `${r.run.tool.name}/${r.run.tool.version}`,
    appName: headerField(opts.syslog?.appName ?? "envtrace", 48),
    hostnames: new Map(),
    msgIds: new Map(),
    subjects: new Map(),
    labels: new Map(),
    users: new Map(),
  };
}

function shared<K, V extends object>(m: Map<K, V>, k: K, f: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = shareYaml(f());
    m.set(k, v);
  }
  return v;
}

function memo<K>(m: Map<K, string>, k: K, f: (k: K) => string): string {
  let v = m.get(k);
  if (v === undefined) {
    v = f(k);
    m.set(k, v);
  }
  return v;
}

/**
 * Drops `undefined` so that YAML and the schema see only what is there. (The renderer skips it: its YAML
 * writer leaves out what JSON would.)
 */
function clean<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

const SEVERITIES: Severity[] = ["critical", "high", "medium", "low", "info"];

/** One EnvProvenanceReport: the subject and everything found for it (values masked). */
export function provenanceReport(r: Report, s: Subject): Record<string, unknown> {
  return clean(provenanceReportIn(r, s, labelValue(r.run.id)));
}

function provenanceReportIn(r: Report, s: Subject, runLabel: string): Record<string, unknown> {
  const json = subjectJson(s, r.run.revealed);
  const sum = summarize([s]);
  const bySeverity = Object.fromEntries(SEVERITIES.map((x) => [x, sum.findings[x] ?? 0]));
  const report: Record<string, unknown> = {
    run: {
      id: r.run.id,
      tool: r.run.tool,
      command: r.run.command,
      host: r.run.host,
      startedAt: r.run.startedAt,
      endedAt: r.run.endedAt,
      revealed: r.run.revealed,
    },
    subject: { id: s.id, kind: s.kind, name: s.name, details: s.details },
    variables: json.variables ?? [],
    ...(s.missing?.length ? { missing: s.missing } : {}),
    ...(json.settings ? { settings: json.settings } : {}),
    ...(s.checks ? { checks: s.checks } : {}),
    ...(s.drift ? { drift: s.drift } : {}),
    findings: s.findings.map(findingJson),
    issues: s.issues,
    ...(s.notes?.length ? { notes: s.notes } : {}),
    summary: {
      variables: sum.variables,
      unknown: sum.unknown,
      secrets: sum.secrets,
      findings: s.findings.length,
      ...bySeverity,
      issues: s.issues.length,
      bySource: sum.byKind,
    },
  };
  return {
    apiVersion: K8S_API_VERSION,
    kind: "EnvProvenanceReport",
    metadata: metadata(dns1123Name(s.id), namespaceOf(s.kind, s.details), {
      "app.kubernetes.io/managed-by": "envtrace",
      "envtrace.dev/subject-kind": s.kind,
      "envtrace.dev/run": runLabel,
    }),
    report,
  };
}

/** A finding as the CRDs hold it: location flattened, attribution as a source. */
function findingJson(f: Report["subjects"][number]["findings"][number]): Record<string, unknown> {
  const { attribution, location, ...rest } = f;
  const out: Record<string, unknown> = { ...rest };
  if (location) {
    out.location =
      "resource" in location
        ? { resource: location.resource, resourceKey: location.key, file: location.file, line: location.line }
        : { file: location.file, line: location.line, column: location.column };
  }
  if (attribution) out.source = sourceJson(attribution);
  return out;
}

/** The default audit policy: what a Kubernetes audit policy does for Secrets, applied to variables. */
export function defaultLevel(e: ReportEvent): AuditLevel {
  if (e.type === "issue") return "Metadata";
  if (e.type === "variable" || e.type === "setting") {
    const src = (e.data.source ?? {}) as Record<string, unknown>;
    if (e.data.masked === true || src.kind === "k8s-secret") return "Metadata";
    if (src.kind === "k8s-envfrom" && String(src.resource ?? "").startsWith("Secret/")) return "Metadata";
  }
  return "Request";
}

/** Who set the variable (the audit model's `user`): a field manager, a process, or envtrace itself. */
function userOf(src: Record<string, unknown> | undefined): Record<string, unknown> {
  const actor = src?.actor as Record<string, unknown> | undefined;
  if (actor && typeof actor.fieldManager === "string")
    return {
      username: actor.fieldManager,
      extra: {
        kind: ["field-manager"],
        ...(actor.operation ? { operation: [String(actor.operation)] } : {}),
      },
    };
  if (actor && typeof actor.pid === "number")
    return {
      username: `${String(actor.comm ?? "?")} (pid ${actor.pid})`,
      uid: String(actor.pid),
      extra: { kind: ["process"], ...(actor.exe ? { exe: [String(actor.exe)] } : {}) },
    };
  return { username: src ? `source:${String(src.kind ?? "unknown")}` : "envtrace" };
}

/** userOf, one object per distinct answer (the key holds everything userOf reads). */
function userAt(ctx: RunContext, src: Record<string, unknown> | undefined): Record<string, unknown> {
  const actor = src?.actor as Record<string, unknown> | undefined;
  const key =
    actor && typeof actor.fieldManager === "string"
      ? JSON.stringify(["m", actor.fieldManager, actor.operation ? String(actor.operation) : null])
      : actor && typeof actor.pid === "number"
        ? JSON.stringify([
            "p",
            String(actor.pid),
            String(actor.comm ?? "?"),
            actor.exe ? String(actor.exe) : null,
          ])
        : JSON.stringify(["s", src ? String(src.kind ?? "unknown") : null]);
  return shared(ctx.users, key, () => userOf(src));
}

const SOURCE_METADATA = [
  "kind",
  "mechanism",
  "file",
  "line",
  "column",
  "resource",
  "resourceKey",
  "actor",
  "confidence",
  "time",
] as const;

/** A source cut to a level: Metadata keeps where and who; RequestResponse adds evidence and candidates. */
function sourceAt(src: Record<string, unknown> | undefined, level: AuditLevel) {
  if (!src) return undefined;
  if (level === "RequestResponse") return src;
  const out: Record<string, unknown> = {};
  for (const k of SOURCE_METADATA) if (src[k] !== undefined) out[k] = src[k];
  return out;
}

/** The variable (or setting) part of an event at a level. */
function variableAt(e: ReportEvent, level: AuditLevel): Record<string, unknown> {
  const d = e.data;
  const out: Record<string, unknown> = {
    key: String(d.key ?? e.key ?? ""),
    masked: d.masked === true,
    source: sourceAt(d.source as Record<string, unknown>, level),
  };
  if (level !== "Metadata") out.value = String(d.value ?? "");
  if (level === "RequestResponse") {
    if (Array.isArray(d.shadowed))
      out.shadowed = (d.shadowed as Array<Record<string, unknown>>).map((x) => ({
        value: String(x.value ?? ""),
        masked: x.masked === true,
        source: x.source,
      }));
    if (Array.isArray(d.notes)) out.notes = d.notes;
    if (d.escaped) out.escaped = true;
  }
  return out;
}

function findingAt(e: ReportEvent, level: AuditLevel): Record<string, unknown> {
  const d = e.data as Record<string, unknown>;
  const out: Record<string, unknown> = {
    id: d.id,
    severity: d.severity,
    messageId: d.messageId,
    fingerprint: d.fingerprint,
    ...(d.key !== undefined ? { key: d.key } : {}),
    ...(d.attribution ? { source: sourceAt(d.attribution as Record<string, unknown>, level) } : {}),
  };
  if (d.location) {
    const l = d.location as Record<string, unknown>;
    out.location = { file: l.file, line: l.line, column: l.column, resource: l.resource, resourceKey: l.key };
  }
  if (level !== "Metadata") out.message = d.message;
  if (level === "RequestResponse") {
    if (d.remediation) out.remediation = d.remediation;
    if (d.references) out.references = d.references;
  }
  return out;
}

/** A deterministic UUID-shaped id for the `index`th event of a run. */
function eventId(run: string, index: number): string {
  const h = hash(`${run}\0${index}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One EnvAuditEvent, or null when its level is None. */
export function auditEvent(
  r: Report,
  e: ReportEvent,
  index: number,
  opts: RenderOptions = {},
  subject?: Subject,
): Record<string, unknown> | null {
  const o = auditEventIn(runContext(r, opts), e, index, subject);
  return o && clean(o);
}

function auditEventIn(
  ctx: RunContext,
  e: ReportEvent,
  index: number,
  subject: Subject | undefined,
): Record<string, unknown> | null {
  const { r, opts } = ctx;
  const level = opts.k8s?.level ?? defaultLevel(e);
  if (level === "None") return null;
  const rich = LEVEL_RANK[level] >= LEVEL_RANK.RequestResponse;
  const ns = namespaceOf(e.subject.kind, subject?.details);
  const src = (e.type === "finding" ? e.data.attribution : e.data.source) as
    | Record<string, unknown>
    | undefined;
  const obj: Record<string, unknown> = {
    apiVersion: K8S_API_VERSION,
    kind: "EnvAuditEvent",
    metadata: {
      name: `${ctx.eventPrefix}-${String(index).padStart(6, "0")}`,
      // undefined members are left out (clean(), the YAML writer): no spread of a temporary object.
      namespace: ns ? ns : undefined,
      labels: shared(ctx.labels, `${e.type}\0${e.severity || ""}`, () =>
        nonEmpty({
          "app.kubernetes.io/managed-by": "envtrace",
          "envtrace.dev/run": ctx.runLabel,
          "envtrace.dev/type": e.type,
          ...(e.severity ? { "envtrace.dev/severity": e.severity } : {}),
        }),
      ),
    },
    level,
    eventID: eventId(r.run.id, index),
    runID: r.run.id,
    stage: "ResponseComplete",
    verb: VERBS[e.type],
    eventType: e.type,
    code: e.code,
    severity: e.severity ? e.severity : undefined,
    user: userAt(
      ctx,
      e.type === "variable" || e.type === "setting" || e.type === "finding" ? src : undefined,
    ),
    userAgent: ctx.userAgent,
    objectRef: objectRef(e, subject, ns),
    requestReceivedTimestamp: r.run.startedAt,
    stageTimestamp: e.time,
    hostname: memo(ctx.hostnames, e.host, (h) => headerField(h, 255)),
    appName: ctx.appName,
    msgID: memo(ctx.msgIds, e.code, (c) => headerField(c, 32)),
    syslogSeverity: syslogSeverity(e),
    subject: shared(ctx.subjects, e.subject, () => ({
      id: e.subject.id,
      kind: e.subject.kind,
      name: e.subject.name,
    })),
  };
  if (e.key !== undefined) obj.key = e.key;
  switch (e.type) {
    case "variable":
    case "setting":
      obj.variable = variableAt(e, level);
      break;
    case "finding":
      obj.finding = findingAt(e, level);
      break;
    case "issue":
      obj.issue = { subject: e.data.subject, code: e.data.code, detail: e.data.detail };
      break;
    case "check": {
      const { facts, ...rest } = e.data as Record<string, unknown>;
      obj.check = rich ? { ...rest, facts } : rest;
      break;
    }
    case "drift": {
      const d = e.data as Record<string, unknown>;
      const side = (x: unknown) => {
        if (!x) return undefined;
        const s = x as Record<string, unknown>;
        return level === "Metadata"
          ? { masked: s.masked, source: s.source }
          : { value: s.value, masked: s.masked, source: s.source };
      };
      obj.drift = {
        scope: d.scope,
        key: d.key,
        change: d.change,
        severity: d.severity,
        ...(d.findingId ? { findingId: d.findingId } : {}),
        before: side(d.before),
        after: side(d.after),
      };
      break;
    }
  }
  return obj;
}

function objectRef(e: ReportEvent, subject: Subject | undefined, ns: string | undefined) {
  const d = subject?.details ?? {};
  const ref: Record<string, unknown> = {
    resource: RESOURCES[e.subject.kind] ?? e.subject.kind,
    name: e.subject.name,
  };
  if (e.subject.kind === "pod-container") {
    if (typeof d.pod === "string") ref.name = d.pod;
    if (ns) ref.namespace = ns;
    ref.apiVersion = "v1";
    if (typeof d.container === "string") ref.subresource = `containers/${d.container}`;
  } else if (e.subject.kind === "process" && typeof d.pid === "number") {
    ref.name = String(d.pid);
  }
  if (e.key !== undefined && e.type !== "issue") ref.fieldPath = `env.${e.key}`;
  return ref;
}

/** Every object of a report, in order: reports, then events. */
export function k8sObjects(r: Report, opts: RenderOptions = {}): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  forEachObject(r, opts, (o) => out.push(clean(o)));
  return out;
}

/**
 * Calls `fn` with each object of {@link k8sObjects}, in order, before `clean` (undefined members kept),
 * one at a time: the renderer writes each and drops it.
 */
function forEachObject(r: Report, opts: RenderOptions, fn: (o: Record<string, unknown>) => void): void {
  const ctx = runContext(r, opts);
  if (opts.k8s?.reports !== false) for (const s of r.subjects) fn(provenanceReportIn(r, s, ctx.runLabel));
  if (opts.k8s?.events !== false) {
    const byId = new Map(r.subjects.map((s) => [s.id, s]));
    forEachEvent(r, (e, i) => {
      const o = auditEventIn(ctx, e, i, byId.get(e.subject.id));
      if (o) fn(o);
    });
  }
}

export const k8sReporter: Reporter = {
  id: "k8s",
  description:
    "Kubernetes objects (YAML stream): an EnvProvenanceReport per subject, an EnvAuditEvent per event (CRDs in deploy/crds/)",
  extension: "yaml",
  render(r, opts) {
    const docs: string[] = [];
    forEachObject(r, opts, (o) => {
      docs.push(yamlDocument(o));
    });
    return docs.length === 0 ? "" : `---\n${docs.join("---\n")}`;
  },
};

// ---------------------------------------------------------------------------------------------------------
// YAML. `yaml`'s stringify builds a node tree per document and tests every scalar against every tag: 0.3 ms
// an object, seconds for a scan. What these objects hold (plain objects, arrays, short one-line strings,
// safe integers, booleans, null) is written below with the same rules as `yaml` (2.x, block style, indent 2,
// sequences indented, YAML 1.1 schema, no line folding), so the text is the same byte for byte; anything
// else in a document (a multi-line or non-printable string, a float, a class instance, a key over 1024
// characters, a top-level key starting with a document marker) sends that document through `yaml` itself.
// k8s.test.ts compares both writers on generated documents.

const YAML_OPTIONS = { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false } as const;

/** The YAML text of one object (what `stringify(clean(o), YAML_OPTIONS)` writes), ending with a newline. */
export function yamlDocument(o: Record<string, unknown>): string {
  return fastYaml(o) ?? stringify(clean(o), YAML_OPTIONS);
}

/** The text of the writer below, or undefined when `o` holds what it leaves to `yaml`. */
export function fastYaml(o: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  try {
    if (!writeMap(o, 0, parts)) parts.push("{}");
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
  parts.push("\n");
  return parts.join("");
}

/** Thrown by the fast writer for a value it leaves to `yaml`. */
const UNSUPPORTED = new Error("k8s: value left to the yaml library");

/**
 * What a plain string must not look like (else `yaml` quotes it): the default tags of `yaml`'s YAML 1.1
 * schema, as `yaml` tests them, in one regular expression (each is anchored at both ends).
 */
const IMPLICIT_TAG_TESTS: RegExp[] = (() => {
  const schema = new Document(null, YAML_OPTIONS).schema;
  const tags = [...schema.tags, ...((schema as { compat?: typeof schema.tags }).compat ?? [])];
  const tests = tags.flatMap((t) => {
    const x = t as { default?: unknown; tag: string; test?: RegExp };
    return x.default && x.tag !== "tag:yaml.org,2002:str" && x.test ? [x.test] : [];
  });
  if (tests.some((t) => t.flags !== "")) throw new Error("k8s: a YAML tag test with flags");
  return tests;
})();
const IMPLICIT_TAG_SOURCES = IMPLICIT_TAG_TESTS.map((t) => t.source);
/** The tag tests a plain string must fail (for k8s.test.ts, which pins them). */
export const YAML_TAG_TESTS: readonly string[] = IMPLICIT_TAG_SOURCES;
const IMPLICIT_TAG = new RegExp(IMPLICIT_TAG_SOURCES.map((s) => `(?:${s})`).join("|"));

/** One line of printable characters (no controls, C1, surrogates, line separators or BOM). */
const PRINTABLE = /^[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
/** `yaml`'s test for a string that cannot be plain (an indicator first, `: `, ` #`, a trailing space or colon). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const MARKER = /^(?:---|\.\.\.)/;

/**
 * A string `yaml` certainly writes plain, in one test: it starts with a letter no default tag's test can
 * start with (not the n/y/t/o/f of null and the booleans, not the e of `e5`, a float in YAML 1.1; no digit,
 * sign, dot, `~` or `<`), holds only letters, digits, space and `/_.()@+=,;-` (no indicator, no `: ` or
 * ` #`), and does not end with a space. The tag tests it was derived from are pinned in k8s.test.ts.
 */
const PLAIN_FAST = /^[A-DG-MP-SU-XZa-dg-mp-su-xz/_](?:[\w/.()@+=,;\- ]*[\w/.()@+=,;-])?$/;

function yamlString(s: string): string {
  if (PLAIN_FAST.test(s)) return s;
  if (!PRINTABLE.test(s) || s === "<<") throw UNSUPPORTED;
  if (!NOT_PLAIN.test(s) && !IMPLICIT_TAG.test(s)) return s;
  // yaml's quotedString: single quotes for a string with " and no ', else double quotes (JSON escapes).
  return s.includes('"') && !s.includes("'") ? `'${s}'` : JSON.stringify(s);
}

/** `key:` for each key seen (keys repeat in every object). */
const KEYS = new Map<string, string>();

function yamlKey(k: string, depth: number): string {
  // yaml quotes a top-level key that starts like a document marker (a value, or a deeper key, stays plain).
  if (depth === 0 && MARKER.test(k)) throw UNSUPPORTED;
  let out = KEYS.get(k);
  if (out === undefined) {
    // yaml writes a key over 1024 characters as an explicit `? key`.
    if (k === "__proto__" || k.length > 1000) throw UNSUPPORTED;
    out = `${yamlString(k)}:`;
    if (KEYS.size > 10_000) KEYS.clear();
    KEYS.set(k, out);
  }
  return out;
}

/** A scalar's text, or undefined for an object or array. */
function yamlScalar(v: unknown): string | undefined {
  switch (typeof v) {
    case "string":
      return yamlString(v);
    case "number":
      if (Number.isSafeInteger(v)) return String(v);
      throw UNSUPPORTED;
    case "boolean":
      return v ? "true" : "false";
    case "object":
      return v === null ? "null" : undefined;
    default:
      throw UNSUPPORTED;
  }
}

/**
 * Objects that many documents of a stream hold (an event's subject, user, labels): their text, by the
 * depth it was written at, is kept and reused. They must not change once shared.
 */
const SHARED = new WeakMap<object, { depth: number; text: string }>();

function shareYaml<T extends object>(o: T): T {
  if (!SHARED.has(o)) SHARED.set(o, { depth: -1, text: "" });
  return o;
}

/** `\n` and the indentation of each depth. */
const NL = Array.from({ length: 32 }, (_, d) => `\n${"  ".repeat(d)}`);

/** A block mapping at `depth` (its first key where the caller is); false when it has no member. */
function writeMap(o: object, depth: number, out: string[]): boolean {
  const proto = Object.getPrototypeOf(o);
  if (
    (proto !== Object.prototype && proto !== null) ||
    typeof (o as { toJSON?: unknown }).toJSON === "function" ||
    depth >= NL.length - 1
  )
    throw UNSUPPORTED;
  let first = true;
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    if (!first) out.push(NL[depth]!);
    first = false;
    out.push(yamlKey(k, depth));
    const scalar = yamlScalar(v);
    if (scalar !== undefined) out.push(" ", scalar);
    else if (Array.isArray(v)) {
      if (v.length === 0) out.push(" []");
      else {
        out.push(NL[depth + 1]!);
        writeSeq(v, depth + 1, out);
      }
    } else {
      const memo = SHARED.get(v as object);
      if (memo !== undefined) {
        if (memo.depth !== depth + 1) {
          const sub: string[] = [];
          memo.text = writeMap(v as object, depth + 1, sub) ? sub.join("") : "";
          memo.depth = depth + 1;
        }
        if (memo.text === "") out.push(" {}");
        else out.push(NL[depth + 1]!, memo.text);
        continue;
      }
      const mark = out.length;
      out.push(NL[depth + 1]!);
      if (!writeMap(v as object, depth + 1, out)) {
        out.length = mark;
        out.push(" {}");
      }
    }
  }
  return !first;
}

/** A non-empty block sequence at `depth` (its first dash where the caller is). */
function writeSeq(a: unknown[], depth: number, out: string[]): void {
  if (depth >= NL.length - 1) throw UNSUPPORTED;
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out.push(NL[depth]!);
    let v = a[i];
    // JSON (clean) writes these as null in an array.
    if (v === undefined || typeof v === "function" || typeof v === "symbol") v = null;
    const scalar = yamlScalar(v);
    if (scalar !== undefined) out.push("- ", scalar);
    else if (Array.isArray(v)) {
      if (v.length === 0) out.push("- []");
      else {
        out.push("- ");
        writeSeq(v, depth + 1, out);
      }
    } else {
      out.push("- ");
      if (!writeMap(v as object, depth + 1, out)) out.push("{}");
    }
  }
}
