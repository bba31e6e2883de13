/**
 * Shannon entropy per charset. A random hex string tops out at 4 bits/char and random base64 at 6, so one
 * threshold for all would either miss hex secrets or flag English words; rules and name semantics compare
 * against the threshold for the charset the candidate is written in.
 */
import type { Charset } from "./rule.js";

const counts = new Int32Array(256);

/** Bits per character over the characters of `s` (code units ≥ 256 share one bucket). O(length). */
export function shannon(s: string): number {
  return entropyOver(s, undefined);
}

/** Membership tables per charset (1 = counted). */
const MEMBERS: Record<Exclude<Charset, "any">, Uint8Array> = {
  hex: table("0123456789abcdefABCDEF"),
  alnum: table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
  base64: table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-"),
};

function table(chars: string): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/**
 * Entropy over the characters of `s` that `members` admits (all when undefined), in one pass to count and
 * one to sum: no copy of the string, no walk over all 256 buckets (this runs once per candidate secret).
 */
function entropyOver(s: string, members: Uint8Array | undefined): number {
  const len = s.length;
  let n = 0;
  for (let i = 0; i < len; i++) {
    let c = s.charCodeAt(i);
    if (c > 255) c = 255;
    if (members !== undefined && members[c] === 0) continue;
    counts[c]!++;
    n++;
  }
  if (n === 0) return 0;
  let h = 0;
  for (let i = 0; i < len; i++) {
    let c = s.charCodeAt(i);
    if (c > 255) c = 255;
    const k = counts[c]!;
    if (k > 0) {
      const p = k / n;
      h -= p * Math.log2(p);
      counts[c] = 0;
    }
  }
  return h;
}

/** The narrowest charset `s` is written in. */
export function charsetOf(s: string): Charset {
  if (/^[0-9a-fA-F]+$/.test(s)) return "hex";
  if (/^[A-Za-z0-9]+$/.test(s)) return "alnum";
  if (/^[A-Za-z0-9+/=_-]+$/.test(s)) return "base64";
  return "any";
}

/**
 * Entropy of the characters of `s` that belong to `charset` (others are dropped), so that a hex digest
 * inside `sha256:…` is measured as hex.
 */
export function entropyOf(s: string, charset: Charset = "any"): number {
  return entropyOver(s, charset === "any" ? undefined : MEMBERS[charset]);
}

/**
 * Default thresholds (bits/char) that separate random-looking tokens from words, per charset. Chosen on
 * the labelled corpus of `bench/secrets-accuracy.ts`: random 32-char hex is ≈ 3.7, random alnum ≈ 4.7,
 * English words and identifiers ≈ 2.5–3.3.
 */
export const ENTROPY_THRESHOLD: Record<Charset, number> = { hex: 3.0, alnum: 3.3, base64: 3.5, any: 3.0 };

/** True when `s` looks random for its charset. */
export function looksRandom(s: string, min?: number): boolean {
  const cs = charsetOf(s);
  return entropyOf(s, cs) >= (min ?? ENTROPY_THRESHOLD[cs]);
}
