/**
 * SARIF 2.1.0 as GitHub code scanning ingests it (docs.github.com "SARIF support for code scanning"):
 * `tool.driver` with the rules that fired (from the rule catalogue), one result per finding, the run's
 * invocation with collection issues as notifications.
 *
 * Choices, each for what GitHub does with the file:
 * - Every result has a `physicalLocation` with an artifact URI: GitHub rejects the whole upload when one
 *   result lacks it ("locationFromSarifResult: expected artifact location"). The finding's file:line when
 *   known (its location, its attribution's, the Go setting's source file); else what the subject was read
 *   from (`/proc/<pid>/environ`, the snapshot file, the module cache, the go binary); else the subject id
 *   as a relative URI (the way image scanners name an image).
 * - Files under the working directory are relative to `%SRCROOT%` (GitHub maps them onto the repository);
 *   others are absolute `file://` URIs (GitHub keeps them as they are). The working directory is written
 *   only when a URI uses it, so output about files elsewhere does not depend on where envtrace ran.
 * - `partialFingerprints.primaryLocationLineHash` carries the finding's identity fingerprint (with an
 *   occurrence counter): GitHub only reads that key, and a line hash of a file outside the repository
 *   cannot be computed by the upload action, which would make every run's alerts new ones.
 * - `security-severity` (rule property; GitHub reads it from the rule) for security rules: the worst of
 *   the rule's default severity and the severities it fired with in this run, on GitHub's scale.
 * - Levels: critical/high → error, medium → warning, low/info → note.
 * Results carry messages and ids only, never a value; a revealed run says so in `run.properties`.
 */
import { isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type RuleMeta, ruleMeta, secretRule } from "../checks/index.js";
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

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const SRCROOT = "%SRCROOT%";

export type SarifLevel = "error" | "warning" | "note";

/** The explicit severity mapping of this format. */
export const SARIF_LEVEL: Record<Severity, SarifLevel> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/** GitHub's security-severity scale: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
export const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "2.0",
  info: undefined,
};

type Json = Record<string, unknown>;

interface FileRef {
  file: string;
  line?: number;
  column?: number;
}

function fileOf(l: Location | undefined): FileRef | undefined {
  if (!l) return undefined;
  if (isFileLocation(l)) return l.file ? l : undefined;
  if (l.file) return { file: l.file, ...(l.line !== undefined ? { line: l.line } : {}) };
  return undefined;
}

/** Where a finding points in a file, when it does. */
function findingFile(f: Finding, s: Subject): FileRef | undefined {
  const direct = fileOf(f.location) ?? fileOf(f.attribution?.location);
  if (direct) return direct;
  if (f.key !== undefined && s.settings) {
    const st = s.settings.find((x) => x.key === f.key);
    if (st?.source.file) return { file: st.source.file, ...(st.source.line ? { line: st.source.line } : {}) };
    const origin = fileOf(st?.source.origin?.location);
    if (origin) return origin;
  }
  return undefined;
}

/** What the subject itself was read from (when the finding has no file of its own). */
function subjectArtifact(s: Subject): string | undefined {
  const d = s.details;
  switch (s.kind) {
    case "process":
    case "pod-container":
    case "exec-tree": {
      const pid = d.envPid ?? d.pid;
      return pid !== undefined ? `/proc/${pid}/environ` : undefined;
    }
    case "drift":
      return d.b?.file;
    case "module-cache":
      return d.gomodcache;
    case "go-toolchain":
      return d.go?.path;
    default:
      return undefined;
  }
}

class Uris {
  used = false;
  private readonly base: string;
  constructor(readonly cwd: string) {
    this.base = pathToFileURL(cwd.endsWith("/") ? cwd : `${cwd}/`).href;
  }
  /** An artifactLocation for a path (relative to %SRCROOT% under cwd, absolute file:// otherwise). */
  artifact(path: string): Json {
    const abs = isAbsolute(path) ? path : resolve(this.cwd, path);
    const rel = relative(this.cwd, abs);
    const href = pathToFileURL(abs).href;
    if (rel && !rel.startsWith("..") && !isAbsolute(rel) && href.startsWith(this.base)) {
      this.used = true;
      return { uri: href.slice(this.base.length), uriBaseId: SRCROOT };
    }
    return { uri: href };
  }
  get srcroot(): string {
    return this.base;
  }
}

/** A relative URI naming a subject (`process/4242`), each segment percent-encoded. */
const subjectUri = (id: string) => id.split("/").map(encodeURIComponent).join("/");

function logicalLocations(f: Finding, s: Subject): Json[] {
  const out: Json[] = [{ name: s.name, fullyQualifiedName: s.id, kind: s.kind }];
  if (f.key !== undefined)
    out.push({ name: f.key, fullyQualifiedName: `${s.id}/${f.key}`, kind: "variable" });
  return out;
}

function ruleJson(m: RuleMeta, fired: Severity): Json {
  const properties: Json = { tags: [...m.tags] };
  const sev = SEVERITY_RANK[fired] > SEVERITY_RANK[m.defaultSeverity] ? fired : m.defaultSeverity;
  const score = SECURITY_SEVERITY[sev];
  if (m.security && score) properties["security-severity"] = score;
  properties.precision = "high";
  if (m.references.length > 0) properties.references = [...m.references];
  return {
    id: m.id,
    name: m.name,
    shortDescription: { text: m.shortDescription },
    fullDescription: { text: m.fullDescription },
    help: { text: m.help, markdown: m.help },
    helpUri: m.helpUri,
    defaultConfiguration: { level: SARIF_LEVEL[m.defaultSeverity] },
    properties,
  };
}

function notification(i: CollectionIssue, subject?: Subject): Json {
  const n: Json = {
    level: i.code === "KTHREAD" || i.code === "UNSUPPORTED" ? "note" : "warning",
    message: { text: `${i.subject}: ${i.detail} (${i.code})` },
    descriptor: { id: i.code },
  };
  if (subject) {
    n.locations = [
      { logicalLocations: [{ name: subject.name, fullyQualifiedName: subject.id, kind: subject.kind }] },
    ];
  }
  return n;
}

/** The command line as one string, each argument quoted for a POSIX shell when it needs to be. */
function commandLine(argv: readonly string[]): string {
  const q = (a: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ["envtrace", ...argv].map(q).join(" ");
}

export function sarifLog(r: Report, cwd = process.cwd()): Json {
  const uris = new Uris(cwd);
  const fired = new Map<string, Severity>();
  for (const s of r.subjects)
    for (const f of s.findings) {
      const prev = fired.get(f.id);
      if (!prev || SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev]) fired.set(f.id, f.severity);
    }
  const ruleIds = [...fired.keys()].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => ruleJson(ruleMeta(id), fired.get(id)!));
  const seen = new Map<string, number>();
  const results: Json[] = [];
  for (const s of r.subjects) {
    for (const f of s.findings) {
      const where = findingFile(f, s);
      const path = where?.file ?? subjectArtifact(s);
      const physical: Json = {
        artifactLocation: path ? uris.artifact(path) : { uri: subjectUri(s.id) },
      };
      if (where?.line !== undefined && where.line > 0) {
        physical.region = {
          startLine: where.line,
          ...(where.column !== undefined && where.column > 0 ? { startColumn: where.column } : {}),
        };
      }
      const n = (seen.get(f.fingerprint) ?? 0) + 1;
      seen.set(f.fingerprint, n);
      const properties: Json = { severity: f.severity, messageId: f.messageId, subject: s.id };
      if (f.key !== undefined) properties.key = f.key;
      if (!where) properties.artifact = path ? "subject" : "subject-id";
      if (f.attribution) {
        properties.source = f.attribution.kind;
        properties.confidence = f.attribution.confidence;
      }
      const rule = f.id === "ENVT-SECRET-001" ? secretRule(f.messageId) : undefined;
      if (rule) properties.secretRule = rule.id;
      if (f.remediation) properties.remediation = f.remediation;
      if (f.references && f.references.length > 0) properties.references = f.references;
      results.push({
        ruleId: f.id,
        ruleIndex: index.get(f.id),
        level: SARIF_LEVEL[f.severity],
        kind: "fail",
        message: { text: f.message },
        locations: [{ physicalLocation: physical, logicalLocations: logicalLocations(f, s) }],
        partialFingerprints: {
          primaryLocationLineHash: `${f.fingerprint}:${n}`,
          "envtrace/v1": f.fingerprint,
        },
        properties,
      });
    }
  }
  const notifications = [
    ...r.issues.map((i) => notification(i)),
    ...r.subjects.flatMap((s) => s.issues.map((i) => notification(i, s))),
  ];
  const invocation: Json = {
    executionSuccessful: true,
    startTimeUtc: r.run.startedAt,
    endTimeUtc: r.run.endedAt,
    commandLine: commandLine(r.run.argv),
    arguments: [...r.run.argv],
    machine: r.run.host,
  };
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;
  if (r.run.revealed) {
    invocation.toolConfigurationNotifications = [
      {
        level: "warning",
        message: { text: "--reveal was given: values are shown in clear in this run's other outputs" },
      },
    ];
  }
  const run: Json = {
    tool: {
      driver: {
        name: r.run.tool.name,
        version: r.run.tool.version,
        ...(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(r.run.tool.version)
          ? { semanticVersion: r.run.tool.version }
          : {}),
        informationUri: r.run.tool.informationUri,
        rules,
      },
    },
    automationDetails: { id: `envtrace/${r.run.command.replace(/\s+/g, "-")}/${r.run.id}` },
  };
  if (uris.used) {
    run.originalUriBaseIds = { [SRCROOT]: { uri: uris.srcroot } };
    invocation.workingDirectory = { uri: uris.srcroot };
  }
  run.invocations = [invocation];
  run.results = results;
  run.columnKind = "utf16CodeUnits";
  run.properties = {
    revealed: r.run.revealed,
    runId: r.run.id,
    command: r.run.command,
    reportSchemaVersion: r.schemaVersion,
  };
  return { $schema: SARIF_SCHEMA, version: "2.1.0", runs: [run] };
}

export const sarifReporter: Reporter = {
  id: "sarif",
  description: "SARIF 2.1.0 for GitHub code scanning and other SARIF viewers",
  extension: "sarif",
  render(r) {
    return `${JSON.stringify(sarifLog(r), null, 2)}\n`;
  },
};
