/**
 * Helpers shared by the rule files: pattern fragments and a deterministic generator of synthetic,
 * format-valid example secrets (so no rule file carries anything that looks like a real credential).
 */
import names from "../data/names.json" with { type: "json" };
import type { Charset, SecretRule } from "../rule.js";

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const HEX = "0123456789abcdef";
export const HEXU = "0123456789ABCDEF";
export const UPNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const LOWNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
export const LOWER = "abcdefghijklmnopqrstuvwxyz";
export const ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const B32 = "abcdefghijklmnopqrstuvwxyz234567";
export const B32U = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const B64URL = `${ALNUM}_-`;
export const B64 = `${ALNUM}+/`;
export const DIGITS = "0123456789";

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** mulberry32: small, seedable, good enough for synthetic examples. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` characters from `charset`, deterministic per (`seed`, call). */
export function body(charset: string, n: number, seed: string): string {
  const r = prng(hash(seed));
  let s = "";
  for (let i = 0; i < n; i++) s += charset[Math.floor(r() * charset.length)];
  return s;
}

/**
 * A synthetic token: literal strings are kept, `[charset, n]` pairs become random characters.
 * The same parts always give the same token.
 */
export function fake(...parts: Array<string | readonly [string, number]>): string {
  const seed = JSON.stringify(parts);
  return parts.map((p, i) => (typeof p === "string" ? p : body(p[0], p[1], `${seed}#${i}`))).join("");
}

/** A synthetic version-4 UUID, deterministic per seed. */
export const uuid = (seed: string): string =>
  `${body(HEX, 8, `${seed}1`)}-${body(HEX, 4, `${seed}2`)}-4${body(HEX, 3, `${seed}3`)}-a${body(HEX, 3, `${seed}4`)}-${body(HEX, 12, `${seed}5`)}`;

/** Start boundary: the token is not the tail of a longer identifier. */
export const B = "(?<![A-Za-z0-9_])";
/** End boundary for tokens of alphanumerics, `_` and `-`. */
export const E = "(?![A-Za-z0-9_-])";

/**
 * A value introduced by one of `names` (case-insensitive) in an assignment: `NAME=v`, `name: "v"`,
 * `"name": "v"`, `name => v`. The value is capture group 1.
 */
export function assigned(names: string, value: string, end = E): RegExp {
  return new RegExp(
    `(?:${names})[A-Za-z0-9_.-]{0,20}["']?[ \\t]{0,5}(?:=|:=|:|=>|,)[ \\t]{0,5}["'\`]?(${value})${end}`,
    "i",
  );
}

/** `KEY=value` text for examples. */
export const kv = (key: string, value: string): string => `${key}=${value}`;

export interface PrefixedSpec {
  id: string;
  description: string;
  /** Literal prefix (regex-escaped here). */
  prefix: string;
  /** Regex source of the body after the prefix (bounded quantifiers only). */
  body: string;
  example: string;
  tags: readonly string[];
  severity?: SecretRule["severity"];
  docs: string;
  charset?: Charset;
  minEntropy?: number;
  /** Characters that may not follow the token (default: base64url characters). */
  end?: string;
  /** Lookbehind the token may not follow (default: base64url characters, `(?<![A-Za-z0-9_-])`). */
  start?: string;
  /** Case-insensitive prefix. */
  ignoreCase?: boolean;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** A token recognised by a fixed prefix followed by a body: most modern formats. */
export function prefixed(s: PrefixedSpec): SecretRule {
  const charset = s.charset ?? "base64";
  return {
    id: s.id,
    description: s.description,
    keywords: [s.prefix.toLowerCase()],
    regex: new RegExp(
      `${s.start ?? "(?<![A-Za-z0-9_-])"}(${escapeRe(s.prefix)}${s.body})${s.end ?? E}`,
      s.ignoreCase ? "i" : "",
    ),
    entropy: { min: s.minEntropy ?? (charset === "hex" ? 3.0 : 3.3), charset },
    tags: s.tags,
    severity: s.severity ?? "high",
    safePrefix: s.prefix,
    docs: s.docs,
    examples: {
      match: [s.example, `TOKEN="${s.example}"`],
      noMatch: [
        `${s.prefix}short`,
        `${s.prefix}${"0".repeat(Math.max(1, s.example.length - s.prefix.length))}`,
      ],
    },
  };
}

/**
 * Keywords for a name holding a credential word (`data/names.json`), for rules with a `nameGroup`. Words of
 * ≤ 3 letters (pat, pwd, key, …) hide inside common names (PATH, OLDPWD): they count only next to a
 * delimiter.
 */
export const nameKeywords: readonly string[] = [
  ...new Set(
    [...names.passwordWords, ...names.secretWords].flatMap((w) => {
      const k = w.toLowerCase();
      return k.length > 3 ? [k] : ["=", ":", '"', "'", " ", "_", "-", "."].map((d) => `${k}${d}`);
    }),
  ),
];
