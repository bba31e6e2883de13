/** The policy engine (`envtrace check`): load a policy once, apply it to a run's subjects. */
export { type BaselineFile, baselineOf, parseBaseline } from "./baseline.js";
export { type AuditFacts, RULE_VARS, SOURCE_T, SUBJECT_T, VAR_T } from "./bindings.js";
export { type CelT, CelTypeError, checkExpr, typeName } from "./cel-types.js";
export { applyPolicy, type PolicyContext, type PolicyOutcome } from "./engine.js";
export { type AuditIndex, auditFacts, parseAuditLog } from "./k8s-audit.js";
export { globToRegExp, loadPolicyFile, POLICY_SCHEMA, parsePolicy } from "./load.js";
export { type CompiledRule, POLICY_IDS, type Policy, PolicyError } from "./types.js";
