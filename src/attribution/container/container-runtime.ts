/**
 * `container-runtime`: variables the engine or OCI runtime adds on its own — `HOSTNAME` (the container's
 * hostname), the default `PATH` when the image sets none, `container=podman|oci` (Podman, systemd-nspawn
 * convention), `TERM=xterm` (Podman always, Docker with `-t`), and `HOME` (runc and Docker set it from the
 * user's passwd entry when the spec has none).
 */
import type { ContainerFacts } from "../../snapshot/container/facts.js";
import type { ResolverAnswer } from "../resolver.js";
import {
  containerResource,
  containerTime,
  DEFAULT_PATH,
  defineContainerResolver,
  isPodman,
  type RunSetters,
  runSetters,
  setterKeys,
} from "./common.js";

export type RuntimeMechanism = "hostname" | "default-path" | "container-env" | "tty" | "home";

/** Which runtime default produced `key=value`, if one did and neither the image nor `run` set it. */
export function isRuntimeAdded(
  f: ContainerFacts,
  key: string,
  value: string,
  rs: RunSetters | undefined,
): RuntimeMechanism | undefined {
  if (f.image?.env.get(key) === value) return undefined;
  if (setterKeys(rs).has(key)) return undefined;
  // Known only from a bundle written by a runtime user we cannot ask (bare runc, containerd): the spec's
  // env is the caller's, so only what the runtime adds at exec (HOME) is the runtime's own.
  if (f.envFrom === "oci-config" && !isPodman(f)) {
    return key === "HOME" && f.bundle && !f.bundle.config.env.some((e) => e.startsWith("HOME="))
      ? "home"
      : undefined;
  }
  if (key === "HOSTNAME" && (value === f.hostname || value === f.bundle?.config.hostname)) return "hostname";
  if (key === "PATH" && value === DEFAULT_PATH && !f.image?.env.has("PATH")) return "default-path";
  if (key === "container" && (value === "podman" || value === "oci" || value === "docker"))
    return "container-env";
  if (key === "TERM" && value === "xterm" && (f.tty || isPodman(f))) return "tty";
  if (key === "HOME" && f.bundle && !f.bundle.config.env.some((e) => e.startsWith("HOME="))) return "home";
  return undefined;
}

const EVIDENCE: Record<RuntimeMechanism, string> = {
  hostname:
    "HOSTNAME is the container's hostname, added by the engine (Config.Hostname / config.json hostname)",
  "default-path": "the default PATH the engine gives a container whose image sets none",
  "container-env":
    "the container variable Podman (container=podman) and other OCI tools add to every container",
  tty: "TERM=xterm is added by Podman for every container, and by Docker with -t",
  home: "HOME is absent from the OCI config.json: the runtime sets it from the user's passwd entry at exec",
};

export default defineContainerResolver({
  meta: {
    id: "container-runtime",
    kind: "container-runtime",
    description:
      "Variables the container engine or OCI runtime adds itself: HOSTNAME, the default PATH, container=, TERM=xterm, HOME.",
  },
  async fromFacts(f, keys, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const rs = await runSetters(f, ctx);
    const time = containerTime(f);
    for (const [key, value] of keys) {
      const m = isRuntimeAdded(f, key, value, rs);
      if (!m) continue;
      // With a CreateCommand we know every run-time setter, so a default is certain; else it is likely.
      const certain = (!!f.createCommand && !!f.image) || (m === "hostname" && !!f.hostname);
      const ans: ResolverAnswer = {
        attribution: {
          kind: "container-runtime",
          mechanism: m,
          confidence: certain ? "certain" : "likely",
          location: { resource: containerResource(f), key },
          evidence: [EVIDENCE[m], `engine: ${f.engine ?? f.bundle?.via ?? "unknown"}`],
        },
      };
      if (time) ans.attribution.time = time;
      out.set(key, ans);
    }
    return out;
  },
});
