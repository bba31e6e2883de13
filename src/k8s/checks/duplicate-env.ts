/**
 * ENVT-K8S-003 — the same variable name appears twice in one container's `env` (kubescape C-0295
 * "Duplicate environment variable"; kube-score `environment-variable-key-duplication`). The last entry
 * wins at run time, and server-side apply cannot track keyed ownership of duplicates
 * (kubernetes/kubernetes#113482, helm/helm#31529).
 */
import { defineCheck } from "./check.js";

export default defineCheck({
  meta: {
    id: "ENVT-K8S-003",
    description: "An environment variable name is declared more than once in a container's env",
    severity: "low",
    references: ["kubescape C-0295", "kube-score environment-variable-key-duplication"],
    remediation: "Keep one entry per name; the last one is the one the container gets.",
  },
  run(c) {
    const seen = new Map<string, number>();
    const hits = [];
    for (const e of c.env) {
      const n = (seen.get(e.name) ?? 0) + 1;
      seen.set(e.name, n);
      if (n === 2) {
        hits.push({
          messageId: "duplicate-env.env",
          message: `env ${e.name} of container ${c.container.name} is declared more than once; the last declaration wins`,
          key: e.name,
          attribution: e.attribution,
        });
      }
    }
    return hits;
  },
});
