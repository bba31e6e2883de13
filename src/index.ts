/** envtrace's public library surface. Everything a program may import lives behind this file. */

export {
  type CiContext,
  type CiOptions,
  detectCiContext,
  parseGithubEnvFile,
  withCiOptions,
  withholdCiValues,
} from "./attribution/ci/index.js";
export { type ExplainContainerOptions, explainContainer } from "./attribution/container/explain.js";
export { attributeContainer, containerResolvers } from "./attribution/container/index.js";
export { attributeChain, createResolverContext } from "./attribution/engine.js";
export { resolvers } from "./attribution/index.js";
export { parsePamEnvFile, parseSystemdEnvFile } from "./attribution/lib/envfile.js";
export { decodeGzenv, type EnvDiff } from "./attribution/lib/gzenv.js";
export { parseUnitFile, unitFromCgroup } from "./attribution/lib/unit-file.js";
export type {
  ResolveRequest,
  Resolver,
  ResolverAnswer,
  ResolverContext,
  StaticCandidate,
} from "./attribution/resolver.js";
export { defineResolver } from "./attribution/resolver.js";
export { analyzeStartup } from "./attribution/shell/analyze.js";
export {
  analyzeFishStartup,
  type FishAnalysis,
  type FishAssignment,
  parseFishVariables,
} from "./attribution/shell/fish/analyze.js";
export { type FishParse, parseFish } from "./attribution/shell/fish/parse.js";
export { detectShellMode, shellOf, startupPlan } from "./attribution/shell/startup.js";
export type {
  ShellAnalysis,
  ShellAnalysisRequest,
  ShellAssignment,
  ShellId,
  ShellMode,
} from "./attribution/shell/types.js";
export { EnvtraceError, type ErrorCode, EXIT } from "./cli/errors.js";
export { run } from "./cli/run.js";
export { loadFingerprintKey } from "./detect/fingerprint-key.js";
export {
  builtinEngine,
  detectSecret,
  SecretEngine,
  type SecretHit,
  type SecretMatch,
  type SecretProvider,
  type SecretRule,
  scanText,
} from "./detect/index.js";
export {
  MASK_STYLES,
  type MaskStyle,
  maskFor,
  maskResult,
  maskSecret,
  valueFingerprint,
} from "./detect/mask.js";
export { type RedactOptions, Redactor, redactStream } from "./detect/redact.js";
export { builtinRules, providers as secretProviders } from "./detect/rules/index.js";
export { SecretValue } from "./detect/secret-value.js";
export { loadUserRules, parseUserRules, RuleFileError } from "./detect/user-rules.js";
export { type DriftChange, type DriftReport, diffSnapshots } from "./drift/diff.js";
export { buildSnapshot, parseSnapshot, type Snapshot, serializeSnapshot } from "./drift/snapshot.js";
export { defaultSubject, type ExplainOptions, ExplainSession, explainProcess } from "./explain.js";
export {
  auditGo,
  collectGoSettings,
  type GoCollection,
  type GoFinding,
  type GoReport,
  type GoSetting,
  type VerifyReport,
  verifyModcache,
} from "./go/index.js";
export { hostChecks, runHostChecks } from "./host/index.js";
export type { HostCheck, HostCheckResult, HostReport } from "./host/types.js";
export type { K8sCheck, K8sCheckMeta } from "./k8s/checks/index.js";
export { k8sChecks } from "./k8s/checks/index.js";
export {
  explainIndex,
  explainManifests,
  indexFiles,
  type K8sExplainOptions,
  type K8sExplainOutput,
} from "./k8s/explain.js";
export { detectInPod, explainInPod, type InPodOptions } from "./k8s/in-pod.js";
export { fetchLive, type LiveOptions } from "./k8s/live.js";
export { loadManifest } from "./k8s/load.js";
export * from "./model/index.js";
export {
  attributeTree,
  ExecTree,
  RecordError,
  type RecordOptions,
  type RecordRun,
  record,
  recordSubjects,
  TraceParser,
} from "./record/index.js";
export {
  buildReport,
  explainSubject,
  FORMATS,
  type Format,
  type RenderOptions,
  type Reporter,
  renderResults,
  reporterFor,
  reporters,
  runInfo,
} from "./report/index.js";
// The in-process runtime (issue 13). Programs that only want it import `envtrace/register` or the
// middleware subpaths (`envtrace/express`, `/fastify`, `/koa`, `/http`), which load src/runtime alone.
export {
  type AuditSink,
  type CallSite,
  type DriftItem as RuntimeDriftItem,
  drift as runtimeDrift,
  type EnvChange,
  type ExplainedVariable,
  envChanges,
  explainAll,
  type GuardMode,
  type InitOptions,
  init,
  jsonlFileSink,
  memorySink,
  Runtime,
  type RuntimeAuditEvent,
  type RuntimeSnapshot,
  runtime,
  type SnapshotVariable,
  type Source as RuntimeSource,
  seal,
  shutdown,
  snapshot,
  sourceOf,
  stderrSink,
  verifySnapshot,
} from "./runtime/index.js";
export {
  type BundleInfo,
  findBundle,
  listRuntimeContainers,
} from "./snapshot/container/bundle.js";
export { type ComposeService, parseCompose } from "./snapshot/container/compose.js";
export {
  type ContainerBoundary,
  containerBoundary,
  containerFromCgroup,
  detectFromHost,
  detectInside,
  type InsideDetection,
} from "./snapshot/container/detect.js";
export { EngineClient, type EngineEndpoint, engineEndpoints } from "./snapshot/container/engine-api.js";
export { parseEnvFile } from "./snapshot/container/env-file.js";
export { type ContainerFacts, collectContainerFacts } from "./snapshot/container/facts.js";
export { type CriInfo, criInfo, parseOciConfig } from "./snapshot/container/oci.js";
export { parseEnviron } from "./snapshot/environ.js";
export { createHostFs, type HostFs } from "./snapshot/host-fs.js";
export { ProcReader } from "./snapshot/procfs.js";
export { VERSION } from "./version.js";
