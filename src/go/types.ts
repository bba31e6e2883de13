/**
 * Types of the Go toolchain environment audit (`envtrace go`). Values in these types are masked:
 * a setting's value is a plain string or a {@link SecretValue} whose every printed form is its mask.
 */
import type { CollectionIssue, DisplayValue, Finding, Setting, SettingSource } from "../model/index.js";

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

/** Where a Go setting came from: the model's {@link SettingSource} with `kind` one of {@link GoSourceKind}. */
export interface GoSettingSource extends SettingSource {
  kind: GoSourceKind;
}

export interface GoSetting<V = DisplayValue> extends Setting<V> {
  source: GoSettingSource;
  shadowed?: Array<{ value: V; source: GoSettingSource }>;
}

/** The probed go command. */
export interface GoInfo {
  version: string;
  path: string;
}

/** One result of a Go check: the one {@link Finding} type (subject `go`); its message never contains a value. */
export type GoFinding = Finding;

/** What `envtrace go --format json` prints (schemaVersion 1). */
export interface GoReport {
  schemaVersion: 1;
  go: GoInfo;
  settings: GoSetting[];
  findings: GoFinding[];
  issues: CollectionIssue[];
}
