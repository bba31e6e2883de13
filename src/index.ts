/** envtrace's public library surface. Everything a program may import lives behind this file. */
export { attributeChain, createResolverContext } from "./attribution/engine.js";
export { resolvers } from "./attribution/index.js";
export type {
  ResolveRequest,
  Resolver,
  ResolverAnswer,
  ResolverContext,
  StaticCandidate,
} from "./attribution/resolver.js";
export { defineResolver } from "./attribution/resolver.js";
export { run } from "./cli/run.js";
export { detectSecret } from "./detect/index.js";
export { maskResult } from "./detect/mask.js";
export { SecretValue } from "./detect/secret-value.js";
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
export { reporters } from "./report/index.js";
export { parseEnviron } from "./snapshot/environ.js";
export { createHostFs, type HostFs } from "./snapshot/host-fs.js";
export { ProcReader } from "./snapshot/procfs.js";
