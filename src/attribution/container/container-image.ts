/**
 * `container-image`: variables from the image's `Config.Env` that nobody overrode at run time. The image
 * history (`history[].created_by`) names the `ENV` step that set the value — base image steps included —
 * so the answer carries the step (values elided) and its time (`image-created`).
 */
import type { Attribution } from "../../model/index.js";
import { describeEnvStep, type HistoryStep, type ImageFacts } from "../../snapshot/container/facts.js";
import type { ResolverAnswer } from "../resolver.js";
import { defineContainerResolver, runSetters, setterMatch } from "./common.js";

/** The newest history step that sets `key` (to `value` when the step's value could be read). */
export function envStepFor(
  img: ImageFacts,
  key: string,
  value: string,
): { step: HistoryStep; exact: boolean } | undefined {
  for (let i = img.history.length - 1; i >= 0; i--) {
    const step = img.history[i]!;
    const e = step.env.find((x) => x.key === key);
    if (!e) continue;
    return { step, exact: e.value === value };
  }
  return undefined;
}

function imageResource(img: ImageFacts): string {
  return `Image/${img.name ?? img.id.replace(/^sha256:/, "").slice(0, 12)}`;
}

export default defineContainerResolver({
  meta: {
    id: "container-image",
    kind: "container-image",
    description:
      "Variables from the image's Config.Env (Dockerfile ENV), with the history step that set them and its time.",
  },
  async fromFacts(f, keys, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const img = f.image;
    if (!img) return out;
    const rs = await runSetters(f, ctx);
    for (const [key, value] of keys) {
      if (img.env.get(key) !== value) continue;
      // A run-time setter giving the same value takes precedence (container-run answers it).
      if (rs?.setters.some((s) => !s.prefix && s.key === key && setterMatch(s, key, value) === "value"))
        continue;
      const a: Attribution = {
        kind: "container-image",
        mechanism: "ENV",
        // Without CreateCommand, `-e KEY=<same value>` cannot be told apart from the image's ENV.
        confidence: rs ? "certain" : "likely",
        location: { resource: imageResource(img), key },
        evidence: [`in the image's Config.Env (image ${img.id.replace(/^sha256:/, "").slice(0, 12)})`],
      };
      const found = envStepFor(img, key, value);
      const shadowed: ResolverAnswer["shadowed"] = [];
      if (found) {
        a.evidence.push(
          `Dockerfile step: ${describeEnvStep(found.step)} (history[${found.step.index}] of ${img.history.length})`,
        );
        if (!found.exact)
          a.evidence.push("the step's text does not show the same value (a build argument or later step)");
        const at = found.step.created ?? img.created;
        if (at) a.time = { at, what: "image-created" };
        // Earlier ENV steps of the same key with other values were overridden by this one.
        for (const step of img.history.slice(0, found.step.index)) {
          const e = step.env.find((x) => x.key === key);
          if (e?.value !== undefined && e.value !== value) {
            const sa: Attribution = {
              kind: "container-image",
              mechanism: "ENV",
              confidence: "certain",
              location: { resource: imageResource(img), key },
              evidence: [
                `Dockerfile step: ${describeEnvStep(step)} (history[${step.index}]), overridden by a later step`,
              ],
            };
            if (step.created) sa.time = { at: step.created, what: "image-created" };
            shadowed.push({ value: e.value, attribution: sa });
          }
        }
      } else {
        a.evidence.push(
          "no ENV step in the image history sets it (set by `import --change`, `commit --change` or a builder that records no history)",
        );
        if (img.created) a.time = { at: img.created, what: "image-created" };
      }
      out.set(key, shadowed.length > 0 ? { attribution: a, shadowed } : { attribution: a });
    }
    return out;
  },
});
