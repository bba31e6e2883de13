/**
 * Shannon entropy per charset. A random hex string tops out at 4 bits/char and random base64 at 6, so one
 * threshold for all would either miss hex secrets or flag English words; rules and name semantics compare
 * against the threshold for the charset the candidate is written in.
 */
import type { Charset } from "./rule.js";

const counts = new Int32Array(256);

/** Bits per character over the characters of `s` (code units ≥ 256 share one bucket). */
export function shannon(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    counts[c < 256 ? c : 255]!++;
  }
  let h = 0;
  for (let i = 0; i < 256; i++) {
    const k = counts[i]!;
    if (k > 0) {
      const p = k / n;
      h -= p * Math.log2(p);
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
  if (charset === "any") return shannon(s);
  const re =
    charset === "hex" ? /[^0-9a-fA-F]/g : charset === "alnum" ? /[^A-Za-z0-9]/g : /[^A-Za-z0-9+/=_-]/g;
  return shannon(s.replace(re, ""));
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
