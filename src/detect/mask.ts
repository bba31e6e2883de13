/**
 * Masking happens once, here, between attribution and reporting. `maskResult` turns every flagged value
 * (current and shadowed) into a {@link SecretValue}, scrubs any occurrence of a flagged value from every
 * other string in the result (evidence, notes, issue details), and adds one finding per secret (rule id,
 * key, source). Reporters only ever see its output.
 *
 * Styles: `full` (`********`), `partial` (a known non-secret prefix such as `ghp_`, then `********` and
 * the length; URLs keep scheme, user and host), `fingerprint` (`hmac-sha256:` + 12 hex of a keyed HMAC,
 * see `fingerprint-key.ts`). A vendor's documentation example key is masked too; its partial mask says
 * `(example)` instead of the length, and it raises no finding.
 */
import { createHmac } from "node:crypto";
import { fingerprint } from "../model/fingerprint.js";
import type { DisplayValue, ExplainResult, Finding, Lineage } from "../model/index.js";
import { loadFingerprintKey } from "./fingerprint-key.js";
import { detectSecret, type SecretHit } from "./index.js";
import { SecretValue } from "./secret-value.js";

/** Re-exported for the library's users: it lives with the model (building a report needs no rules). */
export { fingerprint };

export type MaskStyle = "full" | "partial" | "fingerprint";
export const MASK_STYLES: readonly MaskStyle[] = ["full", "partial", "fingerprint"];

export interface MaskOptions {
  /** The user's explicit opt-out (`--reveal`). */
  reveal?: boolean;
  /** Default `partial`. */
  style?: MaskStyle;
  /** Key for `fingerprint` masks; default from {@link loadFingerprintKey}. */
  fingerprintKey?: Buffer;
  /** Where `loadFingerprintKey` looks (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

export const FULL_MASK = "********";

/** A keyed, truncated HMAC of a secret: correlates equal secrets without revealing them. */
export function valueFingerprint(secret: string, key: Buffer): string {
  return `hmac-sha256:${createHmac("sha256", key).update(secret, "latin1").digest("hex").slice(0, 12)}`;
}

/** The mask for one secret (a span of a value or a text). */
export function maskSecret(
  secret: string,
  style: MaskStyle,
  o: { safePrefix?: string; showLength?: boolean; key?: Buffer; example?: boolean } = {},
): string {
  if (style === "full") return FULL_MASK;
  if (style === "fingerprint") return valueFingerprint(secret, o.key ?? loadFingerprintKey());
  const prefix =
    o.safePrefix && secret.startsWith(o.safePrefix) && o.safePrefix.length < secret.length
      ? o.safePrefix
      : "";
  if (o.example) return `${prefix}${FULL_MASK}(example)`;
  return o.showLength === false ? `${prefix}${FULL_MASK}` : `${prefix}${FULL_MASK}(${secret.length})`;
}

/** The masked form of a whole flagged value: only its secret spans are replaced. */
export function maskFor(value: string, hit: SecretHit, style: MaskStyle = "partial", key?: Buffer): string {
  const spans = hit.spans?.length
    ? hit.spans
    : [
        {
          start: 0,
          end: value.length,
          fullStart: 0,
          fullEnd: value.length,
          safePrefix: hit.safePrefix ?? "",
          showLength: true,
          example: hit.example === true,
        },
      ];
  let out = "";
  let at = 0;
  for (const s of spans) {
    const a = style === "full" ? s.fullStart : s.start;
    const b = style === "full" ? s.fullEnd : s.end;
    if (a < at) continue;
    out += value.slice(at, a);
    out += maskSecret(value.slice(s.start, s.end), style, {
      safePrefix: s.safePrefix,
      showLength: s.showLength,
      ...(s.example ? { example: true } : {}),
      ...(key ? { key } : {}),
    });
    at = b;
  }
  return out + value.slice(at);
}

/** Replaces every occurrence of each secret (longest first) in `text`. */
export function scrub(text: string, secrets: ReadonlyMap<string, string>): string {
  if (secrets.size === 0 || text.length === 0) return text;
  let out = text;
  for (const [secret, mask] of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(mask);
  }
  return out;
}

function deepScrub<T>(value: T, secrets: ReadonlyMap<string, string>): T {
  if (typeof value === "string") return scrub(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => deepScrub(v, secrets)) as T;
  if (value instanceof SecretValue) return value;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepScrub(v, secrets);
    return out as T;
  }
  return value;
}

/** Masks a whole explain result. With `reveal`, values stay plain but findings are still produced. */
export function maskResult(
  result: ExplainResult<string>,
  opts: MaskOptions = {},
): ExplainResult<DisplayValue> {
  const style = opts.style ?? "partial";
  let key = opts.fingerprintKey;
  if (style === "fingerprint" && !key) key = loadFingerprintKey(opts.env);
  const secrets = new Map<string, string>();
  const hits = new Map<Lineage, SecretHit>();
  const toDisplay = (k: string, value: string, known?: SecretHit | null): DisplayValue => {
    const hit = known === undefined ? detectSecret(k, value) : known;
    if (!hit) return value;
    const mask = maskFor(value, hit, style, key);
    secrets.set(value, mask);
    // The secret parts alone too, so a password quoted without its URL is scrubbed as well.
    for (const s of hit.spans ?? []) {
      const part = value.slice(s.start, s.end);
      if (part !== value && !secrets.has(part))
        secrets.set(part, maskSecret(part, style === "partial" ? "full" : style, key ? { key } : {}));
    }
    return opts.reveal ? value : new SecretValue(value, mask, hit.ruleIds, hit.example === true);
  };
  const variables = result.variables.map((l) => {
    const hit = detectSecret(l.key, l.value);
    // Documentation example keys are masked but raise no finding.
    if (hit && !hit.example) hits.set(l, hit);
    // The segments of a flagged PATH-like value are pieces of the secret: they go with the value.
    const { segments, ...rest } = l;
    return {
      ...rest,
      ...(segments && !(hit && !opts.reveal) ? { segments } : {}),
      value: toDisplay(l.key, l.value, hit),
      shadowed: l.shadowed.map((s) => ({ ...s, value: toDisplay(l.key, s.value) })),
    };
  });
  // Longest first, so that a secret containing another is replaced whole.
  const ordered = new Map([...secrets].sort((a, b) => b[0].length - a[0].length));
  const findings: Finding[] = [...result.findings];
  for (const [l, hit] of hits) {
    const subject =
      result.subject.pid !== undefined ? `pid ${result.subject.pid}` : (result.subject.name ?? "");
    const rule = hit.ruleIds[0] ?? "secret";
    const f: Finding = {
      id: "ENVT-SECRET-001",
      severity: hit.severity ?? "high",
      messageId: `secret.${rule}`,
      message: `${l.key} holds a credential (${hit.ruleIds.join(", ")})`,
      subject,
      key: l.key,
      fingerprint: fingerprint("ENVT-SECRET-001", l.winner?.kind ?? "", subject, l.key, rule),
      remediation:
        "Move the value to a secret store and reference it (file mount, secret manager); rotate it if it was exposed.",
    };
    if (l.winner) f.attribution = l.winner;
    findings.push(f);
  }
  // Nothing to scrub: the (costly) deep copy would change nothing.
  if (opts.reveal || ordered.size === 0) return { ...result, variables, findings };
  return {
    ...result,
    variables: variables.map((v) => ({
      ...v,
      winner: deepScrub(v.winner, ordered),
      shadowed: v.shadowed.map((s) => ({ ...s, attribution: deepScrub(s.attribution, ordered) })),
      segments: deepScrub(v.segments, ordered),
      notes: deepScrub(v.notes, ordered),
    })),
    findings: deepScrub(findings, ordered),
    issues: deepScrub(result.issues, ordered),
  };
}
