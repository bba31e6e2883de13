/**
 * Types of the Go toolchain environment audit (`envtrace go`). Values in these types are masked:
 * a setting's value is a plain string or a {@link SecretValue} whose every printed form is its mask.
 */
import type { Attribution, CollectionIssue, DisplayValue, Severity } from "../model/index.js";

/**
 * Where the go command took a setting from, in its own order (facts/go-env.md §1.1):
 * `environment` (the process environment, when non-empty) › `goenv-file` (written by `go env -w`; last
 * duplicate wins) › `goroot-go.env` (Go ≥ 1.21; first occurrence wins) › `default` (built into cmd/go).
 * `derived`: a default computed from another setting (`from`: GONOPROXY/GONOSUMDB from GOPRIVATE,
 * GOMODCACHE from GOPATH, GOROOT from the go binary's location). `computed`: read-only values the go
 * command works out itself (GOVERSION, GOTOOLDIR, GOTELEMETRY …).
 */
export type GoSourceKind =
  | "environment"
  | "goenv-file"
  | "goroot-go.env"
  | "default"
  | "derived"
  | "computed";

export interface GoSettingSource {
  kind: GoSourceKind;
  file?: string;
  line?: number;
  /** For `derived`: the setting or thing it was derived from (`GOPRIVATE`, `GOPATH`, `go-binary`). */
  from?: string;
  /** For `environment`: who put the variable into the environment (the host attribution engine's winner). */
  origin?: Attribution;
  /** `likely` when envtrace's reading of this source disagrees with what `go env` printed. */
  confidence: "certain" | "likely";
}

export interface GoSetting<V = DisplayValue> {
  key: string;
  value: V;
  source: GoSettingSource;
  /** Values from lower-precedence sources that this one hides (e.g. a `go env -w` line under an env var). */
  shadowed?: Array<{ value: V; source: GoSettingSource }>;
  /** False when the value was not asked from `go env` (costly names without --full, GOTOOLCHAIN). */
  probed: boolean;
  /** Surprises worth saying (an empty env var that falls through, an ignored `go env -w` line). No values. */
  notes?: string[];
}

/** The probed go command. */
export interface GoInfo {
  version: string;
  path: string;
}

/** One result of a Go check. `message` never contains a setting's value. */
export interface GoFinding {
  id: string;
  messageId: string;
  severity: Severity;
  key?: string;
  message: string;
  remediation: string;
  references: string[];
}

/** What `envtrace go --format json` prints (schemaVersion 1). */
export interface GoReport {
  schemaVersion: 1;
  go: GoInfo;
  settings: GoSetting[];
  findings: GoFinding[];
  issues: CollectionIssue[];
}
