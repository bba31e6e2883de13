/**
 * The container resolvers, in the order the engine consults them (earlier wins ties of equal confidence),
 * and the attribution of a whole container from its collected facts (`envtrace container`).
 */
import type { Attribution, Lineage } from "../../model/index.js";
import { CONFIDENCE_RANK } from "../../model/index.js";
import type { ContainerFacts } from "../../snapshot/container/facts.js";
import type { ResolverAnswer, ResolverContext } from "../resolver.js";
import type { ContainerResolver } from "./common.js";
import compose from "./compose.js";
import containerImage from "./container-image.js";
import containerRun from "./container-run.js";
import containerRuntime from "./container-runtime.js";
import ociConfig from "./oci-config.js";

/**
 * Primary first (compose — file:line beats the flat run-time list on a tie —, run-time flags, image, runtime
 * defaults), then the oci-config fallback.
 */
export const containerResolvers: readonly ContainerResolver[] = [
  compose,
  containerRun,
  containerImage,
  containerRuntime,
  ociConfig,
];

async function run(
  list: readonly ContainerResolver[],
  facts: ContainerFacts,
  keys: ReadonlyMap<string, string>,
  ctx: ResolverContext,
  answers: Map<string, ResolverAnswer>,
) {
  for (const r of list) {
    let got: Map<string, ResolverAnswer>;
    try {
      got = await r.fromFacts(facts, keys, ctx);
    } catch (err) {
      ctx.report({
        subject: `resolver ${r.meta.id}`,
        code: "EIO",
        detail: `resolver failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
      });
      continue;
    }
    for (const [k, a] of got) {
      const prev = answers.get(k);
      if (!prev || CONFIDENCE_RANK[a.attribution.confidence] > CONFIDENCE_RANK[prev.attribution.confidence]) {
        answers.set(k, a);
      }
    }
  }
}

/** Attributes every variable of a container's final environment (unmasked; the caller masks). */
export async function attributeContainer(
  facts: ContainerFacts,
  ctx: ResolverContext,
  resolvers: readonly ContainerResolver[] = containerResolvers,
): Promise<Lineage[]> {
  const keys = new Map<string, string>();
  for (const [k, v] of facts.env) if (!keys.has(k)) keys.set(k, v);
  const answers = new Map<string, ResolverAnswer>();
  await run(
    resolvers.filter((r) => !r.fallback),
    facts,
    keys,
    ctx,
    answers,
  );
  const missing = new Map([...keys].filter(([k]) => !answers.has(k)));
  if (missing.size > 0) {
    await run(
      resolvers.filter((r) => r.fallback),
      facts,
      missing,
      ctx,
      answers,
    );
  }
  const lineages: Lineage[] = [];
  for (const [key, value] of keys) {
    const ans = answers.get(key);
    const winner: Attribution = ans?.attribution ?? {
      kind: "unknown",
      confidence: "possible",
      evidence: [
        facts.envFrom === "api"
          ? "in the container's Config.Env; neither the image, the run-time flags nor the runtime defaults explain it"
          : "in the container's environment; no source found",
      ],
    };
    const l: Lineage = { key, value, winner, shadowed: ans?.shadowed ?? [], notes: ans?.notes ?? [] };
    if (ans?.segments) l.segments = ans.segments;
    lineages.push(l);
  }
  return lineages.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
