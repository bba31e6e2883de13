/**
 * ENVT-K8S-002 — a Secret consumed through environment variables instead of a file (CIS Kubernetes 5.4.1
 * "Prefer using Secrets as files over Secrets as environment variables"; kubescape C-0207; Checkov
 * CKV_K8S_35): `env[].valueFrom.secretKeyRef` or `envFrom[].secretRef`, in containers and initContainers.
 * Rationale (CIS, quoted by C-0207): applications commonly log their environment on errors.
 */
import { defineCheck } from "./check.js";

export default defineCheck({
  meta: {
    id: "ENVT-K8S-002",
    description: "A Secret is passed to the container as environment variables instead of a mounted file",
    severity: "medium",
    references: ["CIS Kubernetes 5.4.1", "kubescape C-0207", "CKV_K8S_35", "DISA STIG V-242415"],
    remediation:
      "Mount the Secret as a volume (readOnly) and read the file in the application; remove secretKeyRef/secretRef from env and envFrom.",
  },
  run(c) {
    const hits = [];
    for (const e of c.env) {
      if (e.source !== "secretKeyRef") continue;
      hits.push({
        messageId: "secret-env.secretKeyRef",
        message: `env ${e.name} of container ${c.container.name} reads a Secret key through valueFrom.secretKeyRef`,
        key: e.name,
        attribution: e.attribution,
      });
    }
    for (const f of c.envFrom) {
      if (f.kind !== "Secret") continue;
      hits.push({
        messageId: "secret-env.envFrom",
        message: `envFrom[${f.index}] of container ${c.container.name} exposes every key of Secret ${f.name} as variables`,
        attribution: f.attribution,
      });
    }
    return hits;
  },
});
