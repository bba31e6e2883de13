/**
 * `oci-config`: the container's OCI bundle `config.json` (`process.env[i]`), when no higher-level origin is
 * known — a bare `runc run`, containerd/CRI containers seen from the node, or an engine that cannot be asked.
 * The bundle is found from runc's or crun's state dir, containerd's task dir or podman's storage. CRI
 * annotations in the spec name the pod, namespace and container (Kubernetes nodes).
 */
import type { Attribution } from "../../model/index.js";
import { criInfo } from "../../snapshot/container/oci.js";
import { processActor } from "../engine.js";
import type { ResolverAnswer } from "../resolver.js";
import { containerTime, defineContainerResolver } from "./common.js";

export default defineContainerResolver({
  meta: {
    id: "oci-config",
    kind: "oci-config",
    description:
      "The OCI bundle config.json process.env entry (runc/crun state dir, containerd task dir, podman storage), with CRI pod/namespace/container annotations; used when no higher-level origin is known.",
  },
  fallback: true,
  async fromFacts(f, keys) {
    const out = new Map<string, ResolverAnswer>();
    const b = f.bundle;
    if (!b) return out;
    const index = new Map<string, [string, number]>();
    b.config.env.forEach((e, i) => {
      const eq = e.indexOf("=");
      if (eq > 0 && !index.has(e.slice(0, eq))) index.set(e.slice(0, eq), [e.slice(eq + 1), i]);
    });
    const cri = criInfo({ ...b.state?.annotations, ...b.config.annotations });
    const time = containerTime(f);
    for (const [key, value] of keys) {
      const hit = index.get(key);
      if (!hit || hit[0] !== value) continue;
      const a: Attribution = {
        kind: "oci-config",
        mechanism: "process.env",
        confidence: "certain",
        location: { resource: `Container/${f.id}`, file: b.configPath },
        evidence: [
          `process.env[${hit[1]}] in the bundle's config.json (found via ${b.via}${b.statePath ? ` ${b.statePath}` : ""})`,
        ],
      };
      if (cri) {
        const pod = [cri.podNamespace, cri.podName].filter(Boolean).join("/");
        a.evidence.push(
          `CRI: ${pod ? `pod ${pod}` : "pod unknown"}${cri.containerName ? `, container ${cri.containerName}` : ""}${cri.containerType ? ` (${cri.containerType})` : ""}`,
        );
      }
      if (time) a.time = time;
      out.set(key, { attribution: a });
    }
    // Seen from a live process: a key the spec does not give (or gives another value) was set inside the
    // container after the runtime exec'd it — an entrypoint script that exports and then execs, or `exec -e`.
    if (f.init) {
      const engineEnv = new Map(f.env.map(([k, v]) => [k, v] as const));
      for (const [key, value] of keys) {
        const hit = index.get(key);
        if ((hit && hit[0] === value) || engineEnv.get(key) === value) continue;
        const a: Attribution = {
          kind: "runtime",
          mechanism: "entrypoint",
          confidence: "likely",
          actor: processActor(f.init),
          location: { resource: `Container/${f.id}`, file: b.configPath },
          evidence: [
            `${hit ? "different in" : "absent from"} the container's config.json: set inside the container after the runtime started it (an entrypoint that exports and execs, or exec -e)`,
          ],
        };
        const ans: ResolverAnswer = { attribution: a };
        if (hit) {
          ans.shadowed = [
            {
              value: hit[0],
              attribution: {
                kind: "oci-config",
                mechanism: "process.env",
                confidence: "certain",
                location: { resource: `Container/${f.id}`, file: b.configPath },
                evidence: [
                  `process.env[${hit[1]}] in the bundle's config.json, replaced inside the container`,
                ],
              },
            },
          ];
        }
        out.set(key, ans);
      }
    }
    return out;
  },
});
