/**
 * Masking happens once, here, between attribution and reporting. `maskResult` turns every flagged value
 * (current and shadowed) into a {@link SecretValue}, scrubs any occurrence of a flagged value from every
 * other string in the result (evidence, notes, issue details), and adds one finding per secret.
 * Reporters only ever see its output.
 */
import { createHash } from "node:crypto";
import type { DisplayValue, ExplainResult, Finding, Lineage } from "../model/index.js";
import { detectSecret, type SecretHit } from "./index.js";
import { SecretValue } from "./secret-value.js";

export interface MaskOptions {
  /** The user's explicit opt-out (`--reveal`). */
  reveal?: boolean;
}

export const FULL_MASK = "********";

export function maskFor(value: string, hit: SecretHit): string {
  const prefix = hit.safePrefix && value.startsWith(hit.safePrefix) ? hit.safePrefix : "";
  return `${prefix}${FULL_MASK}`;
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

export function fingerprint(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}

/** Masks a whole explain result. With `reveal`, values stay plain but findings are still produced. */
export function maskResult(
  result: ExplainResult<string>,
  opts: MaskOptions = {},
): ExplainResult<DisplayValue> {
  const secrets = new Map<string, string>();
  const hits = new Map<Lineage, SecretHit>();
  const toDisplay = (key: string, value: string): DisplayValue => {
    const hit = detectSecret(key, value);
    if (!hit) return value;
    const mask = maskFor(value, hit);
    secrets.set(value, mask);
    return opts.reveal ? value : new SecretValue(value, mask, hit.ruleIds);
  };
  const variables = result.variables.map((l) => {
    const hit = detectSecret(l.key, l.value);
    if (hit) hits.set(l, hit);
    return {
      ...l,
      value: toDisplay(l.key, l.value),
      shadowed: l.shadowed.map((s) => ({ ...s, value: toDisplay(l.key, s.value) })),
    };
  });
  // Longest first, so that a secret containing another is replaced whole.
  const ordered = new Map([...secrets].sort((a, b) => b[0].length - a[0].length));
  const findings: Finding[] = [...result.findings];
  for (const [l, hit] of hits) {
    const subject =
      result.subject.pid !== undefined ? `pid ${result.subject.pid}` : (result.subject.name ?? "");
    const f: Finding = {
      id: "ENVT-SECRET-001",
      severity: "high",
      messageId: `secret.${hit.ruleIds[0]}`,
      message: `${l.key} holds a credential (${hit.ruleIds.join(", ")})`,
      subject,
      key: l.key,
      fingerprint: fingerprint("ENVT-SECRET-001", l.winner?.kind ?? "", subject, l.key, hit.ruleIds[0] ?? ""),
    };
    if (l.winner) f.attribution = l.winner;
    findings.push(f);
  }
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
