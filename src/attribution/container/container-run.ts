/**
 * `container-run`: variables given when the container was created — `--env`/`-e`, `--env-file` (file:line),
 * `--env-host`. Podman records the CLI argv (`Config.CreateCommand`), so the flag and the env file are known;
 * Docker does not (the client reads `--env-file` itself and sends one flat list), so there the answer is
 * "container `Config.Env` minus image `Config.Env`", `likely`, with the mechanism unknown.
 */
import type { Attribution } from "../../model/index.js";
import type { ResolverAnswer } from "../resolver.js";
import {
  containerResource,
  containerTime,
  defineContainerResolver,
  type RunSetter,
  runSetters,
  setterMatch,
} from "./common.js";
import { isRuntimeAdded } from "./container-runtime.js";

function describeSetter(s: RunSetter): string {
  if (s.mechanism === "env") {
    return `${s.value === undefined ? "-e KEY without a value (copied from the podman client's environment)" : "-e KEY=…"} at CreateCommand argument ${s.argIndex}`;
  }
  if (s.mechanism === "env-file") {
    return s.line !== undefined
      ? `--env-file ${s.file} line ${s.line}${s.value === undefined ? " (bare KEY: copied from the client's environment)" : ""}`
      : `--env-file ${s.file} (not readable now)`;
  }
  return "--env-host (the whole client environment)";
}

function setterAttribution(s: RunSetter, confidence: Attribution["confidence"], res: string): Attribution {
  const a: Attribution = {
    kind: "container-run",
    mechanism: s.mechanism,
    confidence,
    evidence: [`podman ${describeSetter(s)}`],
  };
  a.location =
    s.mechanism === "env-file" && s.file
      ? s.line !== undefined
        ? { file: s.file, line: s.line }
        : { file: s.file }
      : { resource: res, key: "CreateCommand" };
  if (s.relative)
    a.evidence.push("the env file path is relative to podman's working directory, which is not recorded");
  return a;
}

export default defineContainerResolver({
  meta: {
    id: "container-run",
    kind: "container-run",
    description:
      "Variables given at container creation: podman/docker run --env, --env-file (file:line from Podman's CreateCommand), --env-host; for Docker, container Config.Env minus image Config.Env.",
  },
  async fromFacts(f, keys, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const rs = await runSetters(f, ctx);
    const time = containerTime(f);
    const res = containerResource(f);
    for (const [key, value] of keys) {
      const imageValue = f.image?.env.get(key);
      let ans: ResolverAnswer | undefined;
      if (rs) {
        const rel = rs.setters.filter((s) =>
          s.prefix ? s.key === "" || key.startsWith(s.key) : s.key === key,
        );
        // Env files first, then -e: the last setter that can give the value wins; earlier ones are shadowed.
        let w = -1;
        for (let i = rel.length - 1; i >= 0 && w < 0; i--)
          if (setterMatch(rel[i]!, key, value) !== false) w = i;
        const winner = rel[w];
        if (winner) {
          const m = setterMatch(winner, key, value);
          const contradicted = rel.slice(w + 1).some((s) => s.value !== undefined);
          const conf = m === "value" && !winner.relative && !contradicted ? "certain" : "likely";
          ans = { attribution: setterAttribution(winner, conf, res), shadowed: [] };
          if (m === "passthrough") {
            ans.attribution.evidence.push("value copied from the environment of the process that ran podman");
          }
          for (const s of rel.slice(0, w)) {
            if (s.value !== undefined && !s.candidates.includes(value)) {
              ans.shadowed!.push({ value: s.value, attribution: setterAttribution(s, "certain", res) });
            }
          }
        }
        if (!ans && rs.envHost && !isRuntimeAdded(f, key, value, undefined) && imageValue !== value) {
          ans = {
            attribution: {
              kind: "container-run",
              mechanism: "env-host",
              confidence: "likely",
              location: { resource: res, key: "CreateCommand" },
              evidence: ["podman --env-host copied the client's whole environment into the container"],
            },
          };
        }
      } else if (f.image && imageValue !== value && !isRuntimeAdded(f, key, value, undefined)) {
        ans = {
          attribution: {
            kind: "container-run",
            mechanism: "create",
            confidence: "likely",
            location:
              f.envFrom === "api" || !f.bundle
                ? { resource: res, key: "Config.Env" }
                : { resource: res, file: f.bundle.configPath },
            evidence: [
              `in the container's ${f.envFrom === "api" ? "Config.Env" : "config.json"} but ${imageValue === undefined ? "absent from" : "different in"} the image's Config.Env: set at create time (--env, --env-file or the API; ${f.engine === "docker" ? "Docker does not record which" : f.envFrom === "api" ? "no CreateCommand recorded" : "no engine answered, so CreateCommand is unknown"})`,
            ],
          },
        };
      }
      if (!ans) continue;
      if (time) ans.attribution.time = time;
      if (imageValue !== undefined && imageValue !== value && f.image) {
        ans.shadowed ??= [];
        ans.shadowed.push({
          value: imageValue,
          attribution: {
            kind: "container-image",
            mechanism: "ENV",
            confidence: "certain",
            location: { resource: `Image/${f.image.name ?? f.image.id.slice(0, 19)}`, key },
            evidence: ["the image's Config.Env, overridden at container creation"],
          },
        });
      }
      out.set(key, ans);
    }
    return out;
  },
});
