/**
 * The one document every command returns: run metadata, one entry per subject with what the command found
 * for it, the findings and the collection issues. Reporters (`src/report/<format>.ts`) receive a `Report`
 * and nothing else.
 *
 * Contract: a `Report` is already masked. Every value a rule flagged is a {@link SecretValue} whose string
 * and JSON forms are its mask; messages, notes, evidence, issues and the command line contain no value.
 * A reporter shows a value in clear only when `run.revealed` is true (the user's `--reveal`).
 */
import type { Attribution, CollectionIssue, DisplayValue, Finding, Lineage, Severity } from "./index.js";

/** Bumped on every incompatible change of the JSON form (`schema/report.v2.schema.json`). */
export const REPORT_SCHEMA_VERSION = 2;

/**
 * What a subject is. `process`: a host process; `container`: an engine or runtime container;
 * `pod-container`: one container of a Kubernetes pod; `go-toolchain`: the `go env` of a process;
 * `module-cache`: a Go module cache; `host`: the host's kernel, cgroup, SELinux, shells; `drift`: a pair of
 * snapshots; `shell-startup`: what a shell's startup files export; `exec-tree`: a process recorded under
 * `envtrace record`; `inputs`: problems with the inputs themselves (no subject of their own); `audit-log`: an
 * audit trail checked by `envtrace audit verify` (one or more rotated files).
 */
export const SUBJECT_KINDS = [
  "process",
  "container",
  "pod-container",
  "go-toolchain",
  "module-cache",
  "host",
  "drift",
  "shell-startup",
  "exec-tree",
  "inputs",
  "audit-log",
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** Where a Go setting (or any non-environment setting) came from. */
export interface SettingSource {
  /** `environment` | `goenv-file` | `goroot-go.env` | `default` | `derived` | `computed`. */
  kind: string;
  file?: string;
  line?: number;
  /** For `derived`: the setting or thing it was derived from. */
  from?: string;
  /** For `environment`: who put the variable into the environment. */
  origin?: Attribution;
  confidence: "certain" | "likely";
}

/** A setting of a tool (today: the go command) with its source; values masked like variables. */
export interface Setting<V = DisplayValue> {
  key: string;
  value: V;
  source: SettingSource;
  shadowed?: Array<{ value: V; source: SettingSource }>;
  /** False when the value was not asked from the tool (costly names without --full). */
  probed: boolean;
  notes?: string[];
}

export type CheckStatus = "ok" | "warn" | "fail" | "unknown";

/** The result of one check that always reports (host checks): ok, warn, fail or unknown, with facts. */
export interface CheckResult {
  id: string;
  /** Short name of what was checked (`kernel`, `cgroup`, …). */
  dimension: string;
  title: string;
  status: CheckStatus;
  /** One line for people. */
  summary: string;
  /** JSON-safe facts; never a variable's value. */
  facts: Record<string, unknown>;
}

export type DriftChangeKind = "added" | "removed" | "changed" | "source-changed";

/** A side of a drift entry: a value as stored in a snapshot (already masked there) and its source. */
export interface DriftSideInfo {
  value: string;
  masked: boolean;
  source: {
    kind: string;
    mechanism?: string;
    file?: string;
    line?: number;
    resource?: string;
    resourceKey?: string;
    from?: string;
    confidence?: string;
    origin?: unknown;
  };
}

export interface DriftEntry {
  scope: "variable" | "go";
  key: string;
  change: DriftChangeKind;
  before?: DriftSideInfo;
  after?: DriftSideInfo;
  findingId?: string;
  severity: Severity;
}

/** Identifying facts of a subject (no variable values); which fields appear depends on the kind. */
export interface SubjectDetails {
  pid?: number;
  comm?: string;
  exe?: string;
  startTime?: string;
  /** The process whose exec-time environment was read (the subject's child when explaining a shell). */
  envPid?: number;
  container?: string;
  image?: string;
  namespace?: string;
  pod?: string;
  node?: string;
  /** A shell's id and mode for `shell-startup`; the startup files it read. */
  shell?: string;
  mode?: { login: boolean; interactive: boolean };
  home?: string;
  files?: string[];
  /** The go command of a `go-toolchain` or `host` subject. */
  go?: { version: string; path?: string; source?: string } | null;
  /** Filesystem root the subject was read under (`/` for the live host). */
  root?: string;
  /** The two snapshots of a `drift` subject. */
  a?: { file: string; label: string; createdAt: string; go?: string };
  b?: { file: string; label: string; createdAt: string; go?: string };
  /** Module cache figures of a `module-cache` subject. */
  gomodcache?: string;
  moduleVersions?: number;
  zips?: number;
  zipBytes?: number;
  gosum?: Array<{ file: string; entries: number; notInCache: number }>;
  /** `--trace` ran the user's shell to confirm (it executed their startup files). */
  traced?: boolean;
  [extra: string]: unknown;
}

/** One thing a command looked at, and what it found there. */
export interface Subject {
  /** Unique within a report and stable across runs where the thing is: `process/1234`, `pod/ns/p/c`. */
  id: string;
  kind: SubjectKind;
  /** A label for people: `bash (pid 4242)`, `default/web/app`, `go1.22.3`. */
  name: string;
  details: SubjectDetails;
  /** Attributed environment variables with their lineage (explain, scan, container, k8s, shell, record). */
  variables?: Lineage<DisplayValue>[];
  /** Keys the user asked for that the subject does not have. */
  missing?: string[];
  /** Tool settings with their sources (go). */
  settings?: Setting[];
  /** Check results (host). */
  checks?: CheckResult[];
  /** Drift entries (diff). */
  drift?: DriftEntry[];
  findings: Finding[];
  issues: CollectionIssue[];
  /** Prose about the subject as a whole (never a value). */
  notes?: string[];
}

/** Who ran what, where and when. */
export interface RunInfo {
  /** Random id of this run (UUID); audit events and syslog lines carry it. */
  id: string;
  tool: { name: "envtrace"; version: string; informationUri: string };
  /** The command path: `explain`, `go verify-modcache`, `k8s explain`. */
  command: string;
  /** The command line with any secret in it masked. */
  argv: string[];
  host: string;
  startedAt: string;
  endedAt: string;
  /** True when `--reveal` was given: values are in clear and every format says so. */
  revealed: boolean;
  /** `--fail-on` threshold, when given (JUnit failures and exit codes use it). */
  failOn?: Severity;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  run: RunInfo;
  subjects: Subject[];
  /** Problems not tied to one subject (an unreadable input, an unreachable API). */
  issues: CollectionIssue[];
}

/** Every finding of a report, in subject order. */
export function reportFindings(r: Report): Finding[] {
  return r.subjects.flatMap((s) => s.findings);
}

/** Every collection issue of a report (the report's own first). */
export function reportIssues(r: Report): CollectionIssue[] {
  return [...r.issues, ...r.subjects.flatMap((s) => s.issues)];
}
