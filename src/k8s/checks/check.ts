/**
 * The shape of a Kubernetes env check: one file per check, one object with `meta` and `run`. A check sees
 * one container's assembled environment (raw, before masking) and returns findings that carry ids, never
 * values: masking runs after the checks, and messages name keys and objects only.
 */
import type { Attribution, Finding, Severity } from "../../model/index.js";
import type { ContainerEnv } from "../assemble.js";

export interface K8sCheckMeta {
  /** Stable id, also the name of `docs/k8s/<id>.md`. */
  id: string;
  description: string;
  severity: Severity;
  /** Framework controls this check implements (CIS, kubescape, Checkov). */
  references: readonly string[];
  remediation: string;
}

/** A finding before the common fields (id, severity, subject, fingerprint) are filled in. */
export interface CheckHit {
  messageId: string;
  message: string;
  key?: string;
  attribution?: Attribution;
}

export interface K8sCheck {
  readonly meta: K8sCheckMeta;
  run(c: ContainerEnv): CheckHit[];
}

/** Identity helper: `export default defineCheck({...})` gets type checking with inference. */
export function defineCheck<C extends K8sCheck>(c: C): C {
  return c;
}

export type { Finding };
