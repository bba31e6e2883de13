/** Kubernetes env checks, listed explicitly and sorted by id. */
import type { K8sCheck } from "./check.js";
import duplicateEnv from "./duplicate-env.js";
import secretEnv from "./secret-env.js";
import secretLiteral from "./secret-literal.js";
import serviceLinkNoise from "./service-link-noise.js";

export const k8sChecks: readonly K8sCheck[] = [secretLiteral, secretEnv, duplicateEnv, serviceLinkNoise];

export type { CheckHit, K8sCheck, K8sCheckMeta } from "./check.js";
