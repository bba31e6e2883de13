/**
 * ENVT-K8S-004 — service-link variables: with `enableServiceLinks` left at its default (true), the kubelet
 * adds `<SVC>_SERVICE_HOST`, `<SVC>_PORT_…` for every Service in the namespace (facts/provenance.md §2.4).
 * They are rarely used, grow with the namespace, and can collide with application variables such as
 * `*_PORT` (nforgeio/neonKUBE#1579). Reported when a link variable is shadowed by an application variable
 * (a collision) or when more than 3 Services add variables.
 */
import { defineCheck } from "./check.js";

export const NOISY_SERVICE_COUNT = 3;

export default defineCheck({
  meta: {
    id: "ENVT-K8S-004",
    description: "Service-link variables are injected (enableServiceLinks) and collide or add noise",
    severity: "info",
    references: ["Kubernetes PodSpec enableServiceLinks"],
    remediation:
      "Set spec.enableServiceLinks: false unless the application reads the docker-links variables; use DNS names instead.",
  },
  run(c) {
    if (!c.serviceLinks.enabled) return [];
    const hits = [];
    const linkNames = new Set<string>();
    for (const s of c.serviceLinks.services) {
      const n = s.replace(/-/g, "_").toUpperCase();
      linkNames.add(`${n}_SERVICE_HOST`);
      linkNames.add(`${n}_SERVICE_PORT`);
      linkNames.add(`${n}_PORT`);
    }
    for (const l of c.lineages) {
      if (l.winner?.kind === "k8s-service-link") continue;
      if (!linkNames.has(l.key)) continue;
      hits.push({
        messageId: "service-link.collision",
        message: `variable ${l.key} of container ${c.container.name} has the name of a service-link variable; which one the application sees depends on who sets it last`,
        key: l.key,
        ...(l.winner ? { attribution: l.winner } : {}),
      });
    }
    const nonMaster = c.serviceLinks.services.filter((s) => s !== "kubernetes");
    if (nonMaster.length > NOISY_SERVICE_COUNT) {
      hits.push({
        messageId: "service-link.noise",
        message: `enableServiceLinks adds variables for ${nonMaster.length} Services to container ${c.container.name}`,
      });
    }
    return hits;
  },
});
