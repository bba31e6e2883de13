/**
 * CI values that must never be printed although no secret rule may flag them: GitLab CI/CD settings
 * variables, GitHub Actions secrets, and predefined job credentials — every lineage whose winning (or
 * shadowed) source carries a `value-withheld` note or is a `gitlab-settings` / `github-secret` source.
 *
 * The detect stage's `maskResult` decides by rule; this is the one extra step for sources that are secret
 * by origin. It uses only the detect API (`SecretValue`, `maskSecret`): run it on `maskResult`'s output,
 * `withholdCiValues(maskResult(r, o), o)`. `isWithheldByCi` is the predicate, for a caller that folds it
 * into masking itself.
 */
import { type MaskStyle, maskSecret } from "../../detect/mask.js";
import { isSecretValue, SecretValue } from "../../detect/secret-value.js";
import type { Attribution, DisplayValue, ExplainResult, Lineage } from "../../model/index.js";
import { WITHHELD_NOTE } from "./common.js";

const SECRET_MECHANISMS = new Set(["gitlab-settings", "github-secret"]);

function secretByOrigin(a: Attribution | null | undefined): boolean {
  return a?.kind === "ci" && a.mechanism !== undefined && SECRET_MECHANISMS.has(a.mechanism);
}

/** True when the variable's value came from a CI source that is secret by origin. */
export function isWithheldByCi(l: Pick<Lineage<unknown>, "winner" | "notes">): boolean {
  if (secretByOrigin(l.winner)) {
    // A file-type variable's value is the path of the file, not the content.
    return !l.notes.some((n) => n.startsWith("file-type variable"));
  }
  return l.winner?.kind === "ci" && l.notes.some((n) => n.startsWith(WITHHELD_NOTE));
}

const RULE = "ci-withheld";

function withhold(v: DisplayValue, style: MaskStyle): DisplayValue {
  if (isSecretValue(v)) return v;
  if (v === "") return v;
  return new SecretValue(v, maskSecret(v, style === "partial" ? "full" : style), [RULE]);
}

/**
 * Masks the values of CI-secret variables (current and shadowed ones whose source is secret by origin)
 * in an already masked result. With `reveal` the result is returned unchanged. Adds no findings: being a
 * CI secret is where a secret belongs.
 */
export function withholdCiValues(
  result: ExplainResult<DisplayValue>,
  opts: { reveal?: boolean; style?: MaskStyle } = {},
): ExplainResult<DisplayValue> {
  // Outside a CI job nothing is withheld: no copy of every lineage (a scan explains hundreds of processes).
  if (
    opts.reveal ||
    !result.variables.some((l) => isWithheldByCi(l) || l.shadowed.some((s) => secretByOrigin(s.attribution)))
  )
    return result;
  const style = opts.style ?? "partial";
  const secrets = new Set<string>();
  const variables = result.variables.map((l) => {
    const whole = isWithheldByCi(l);
    if (whole && typeof l.value === "string") secrets.add(l.value);
    const shadowed = l.shadowed.map((s) => {
      if (!whole && !secretByOrigin(s.attribution)) return s;
      if (typeof s.value === "string") secrets.add(s.value);
      return { ...s, value: withhold(s.value, style) };
    });
    if (!whole && shadowed.every((s, i) => s === l.shadowed[i])) return l;
    const { segments, ...rest } = l;
    return {
      ...rest,
      ...(segments && !whole ? { segments } : {}),
      value: whole ? withhold(l.value, style) : l.value,
      shadowed,
    };
  });
  // Evidence never holds values; notes of other variables might quote one (a PATH built from it).
  const scrub = (t: string) => {
    let out = t;
    for (const s of secrets) if (s.length >= 4 && out.includes(s)) out = out.split(s).join("********");
    return out;
  };
  return {
    ...result,
    variables: variables.map((l) => (secrets.size === 0 ? l : { ...l, notes: l.notes.map(scrub) })),
  };
}
