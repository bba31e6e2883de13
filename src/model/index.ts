/**
 * The core data model shared by every stage of the pipeline
 * (collect → attribute → detect → check → report).
 *
 * Contract: nothing in here performs I/O. Values held in these types are raw until the detect stage
 * (`maskResult`) turns every flagged value into a {@link SecretValue}; reporters only ever receive
 * masked results.
 */
import type { SecretValue } from "../detect/secret-value.js";

/** Stable identifiers of where a variable came from; used verbatim in every output format. */
export const SOURCE_KINDS = [
  "shell",
  "pam-env",
  "login",
  "su",
  "sudo",
  "ssh",
  "systemd",
  "container-image",
  "container-run",
  "container-runtime",
  "oci-config",
  "k8s-literal",
  "k8s-configmap",
  "k8s-secret",
  "k8s-downward-api",
  "k8s-envfrom",
  "k8s-service-link",
  "k8s-file",
  "k8s-webhook",
  "ci",
  "dotenv",
  "runtime",
  "direnv",
  "kernel",
  "inherited",
  "unknown",
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** `certain`: the evidence pins the value to this source; `likely`: a match found statically; `possible`: a guess. */
export type Confidence = "certain" | "likely" | "possible";
export const CONFIDENCE_RANK: Record<Confidence, number> = { certain: 3, likely: 2, possible: 1 };

export interface FileLocation {
  file: string;
  line?: number;
  column?: number;
}
export interface ResourceLocation {
  /** e.g. `ConfigMap/default/app-cfg`, `Pod/ns/name`, `Container/abc123`. */
  resource: string;
  key?: string;
  /** Where in a manifest the resource was read from, when known. */
  file?: string;
  line?: number;
}
export type Location = FileLocation | ResourceLocation;

export interface ProcessActor {
  pid: number;
  comm: string;
  exe?: string;
  startTime?: string;
}
export interface ManagerActor {
  fieldManager: string;
  operation?: string;
}
export type Actor = ProcessActor | ManagerActor;

export type TimeWhat =
  | "process-start"
  | "file-mtime"
  | "managed-fields"
  | "container-created"
  | "image-created"
  | "observed";
export interface TimeInfo {
  /** ISO 8601. */
  at: string;
  what: TimeWhat;
}

/** One answer to "where did this value come from". Evidence strings never contain variable values. */
export interface Attribution {
  kind: SourceKind;
  /** Sub-mechanism, e.g. `bash`, `EnvironmentFile`, `secure_path`, `envFrom`. */
  mechanism?: string;
  location?: Location;
  actor?: Actor;
  /** When the value was set, as well as it is known (the primary of {@link times}). */
  time?: TimeInfo;
  /** Every time known about this source, each labelled (a shell's start and its startup file's mtime). */
  times?: TimeInfo[];
  confidence: Confidence;
  evidence: string[];
  /** Other places that could have produced the value (static search without a live actor). */
  candidates?: Location[];
  /** `--include-source`: the masked text of the line `location` points at, read at report time. */
  snippet?: string;
}

/** A segment of a PATH-like value and the place that added it. */
export interface PathSegment {
  segment: string;
  location?: FileLocation;
}

/** A value as it leaves the core: a plain string, or a SecretValue that prints its mask. */
export type DisplayValue = string | SecretValue;

export interface ShadowedValue<V = string> {
  value: V;
  attribution: Attribution;
}

/** Per-variable answer: the winning source and what it overrode. */
export interface Lineage<V = string> {
  key: string;
  value: V;
  /** True when the value is not valid UTF-8; `value` then shows invalid bytes as `\xNN`. */
  escaped?: boolean;
  winner: Attribution | null;
  shadowed: ShadowedValue<V>[];
  /** Where each segment of a PATH-like value came from. */
  segments?: PathSegment[];
  notes: string[];
}

export type IssueCode =
  | "EACCES"
  | "EPERM"
  | "ESRCH"
  | "ENOENT"
  | "EIO"
  | "KTHREAD"
  | "PARSE"
  | "CYCLE"
  | "TOO_LARGE"
  | "ENCODING"
  | "DUPLICATE_KEY"
  | "UNSUPPORTED"
  | "UNAVAILABLE"
  | "TIMEOUT";

/** Partial failure is data: what could not be seen, and why. Never contains a variable value. */
export interface CollectionIssue {
  /** What was being read: `pid 123`, a file path, a socket. */
  subject: string;
  code: IssueCode;
  detail: string;
}

export type Severity = "info" | "low" | "medium" | "high" | "critical";
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** A check or detector result. Tests and machine formats use `id`/`messageId`, never `message`. */
export interface Finding {
  id: string;
  severity: Severity;
  messageId: string;
  message: string;
  subject: string;
  key?: string;
  /** Where the finding points: the file:line or object that set the value, when known. */
  location?: Location;
  attribution?: Attribution;
  /** Stable identity for baselines: hashes source kind, object, key and rule, never the raw value. */
  fingerprint: string;
  remediation?: string;
  references?: string[];
}

/** A process as read from procfs. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
  exe?: string;
  cmdline: string[];
  uid?: number;
  /** Controlling terminal (`stat` field 7); 0 when none. */
  ttyNr: number;
  /** Start time in clock ticks after boot (`stat` field 22). */
  startTicks: number;
  /** Wall-clock start, ISO 8601, when btime was readable. */
  startTime?: string;
  /** Raw `/proc/<pid>/cgroup` lines. */
  cgroup: string[];
}

/** One environment entry, lossless: `raw` holds the exact bytes of the value. */
export interface EnvEntry {
  key: string;
  value: string;
  raw: Uint8Array;
  /** True when key or value was not valid UTF-8 and is shown with `\xNN` escapes. */
  escaped: boolean;
}
export type EnvMap = Map<string, EnvEntry>;

/** A process with its exec-time environment (null when it could not be read). */
export interface ProcessSnapshot {
  info: ProcessInfo;
  env: EnvMap | null;
}

/** The result of explaining one subject, before masking (V = string) or after (V = DisplayValue). */
export interface ExplainResult<V = string> {
  subject: { pid?: number; comm?: string; exe?: string; startTime?: string; kind?: string; name?: string };
  /** The process whose exec-time environment was read (the subject's child when explaining a shell). */
  envPid?: number;
  variables: Lineage<V>[];
  findings: Finding[];
  issues: CollectionIssue[];
}

export function isFileLocation(l: Location | undefined): l is FileLocation {
  return !!l && "file" in l && !("resource" in l);
}
export function isProcessActor(a: Actor | undefined): a is ProcessActor {
  return !!a && "pid" in a;
}

export * from "./report.js";
