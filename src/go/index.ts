/**
 * The Go toolchain environment side room (`envtrace go`): collect (probe + sources) → check → report,
 * and module cache verification. `collectGoSettings` is the library entry point other commands use
 * (e.g. `snapshot --go`); it returns masked values.
 */
export { type AuditOptions, auditGo, runGoChecks, worstSeverity } from "./audit.js";
export { goChecks } from "./checks/index.js";
export type { GoCheck, GoCheckContext, GoCheckHit, GoProfile } from "./checks/types.js";
export { defineGoCheck, GO_PROFILES } from "./checks/types.js";
export {
  type CollectGoOptions,
  collectGoSettings,
  collectRaw,
  defaultGoEnvPath,
  type GoCollection,
  maskSettings,
  type RawGoCollection,
} from "./collect.js";
export { type EnvFileEntry, effectiveEntries, parseEnvFile } from "./envfile.js";
export { type GoSumEntry, type GoSumFile, parseGoSum } from "./modcache/gosum.js";
export { goModHash, hash1, hash1Of } from "./modcache/hash1.js";
export {
  type Mismatch,
  type MismatchKind,
  type VerifyOptions,
  type VerifyReport,
  verifyModcache,
} from "./modcache/verify.js";
export { hashDir, hashZip } from "./modcache/ziphash.js";
export { matchPrefixPatterns } from "./modpattern.js";
export { findGo, probeGo } from "./probe.js";
export { resolveSettings } from "./provenance.js";
export { maskGoValue, redactGoEnv } from "./redact.js";
export type { GoFinding, GoInfo, GoReport, GoSetting, GoSettingSource, GoSourceKind } from "./types.js";
export { type GoVersion, isSupported, NEWEST_RELEASE, parseGoVersion, RELEASES_AS_OF } from "./version.js";
