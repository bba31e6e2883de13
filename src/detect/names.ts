/**
 * Name semantics: whether a variable name says its value is a credential (`DB_PASSWORD`, `githubToken`),
 * and whether the value under such a name looks like one — not a number, a duration, a boolean, a
 * reference (`${X}`, `vault:…`, `arn:…:secret:…`), a path to a secret file, or a placeholder. The word
 * lists are data (`data/names.json`, `data/placeholders.json`).
 */
import exampleKeys from "./data/example-keys.json" with { type: "json" };
import names from "./data/names.json" with { type: "json" };
import placeholders from "./data/placeholders.json" with { type: "json" };
import { charsetOf, ENTROPY_THRESHOLD, entropyOf } from "./entropy.js";

const PASSWORD_WORDS = new Set(names.passwordWords);
const SECRET_WORDS = new Set(names.secretWords);
const NON_SECRET_SUFFIX = new Set(names.nonSecretSuffixes);
const NON_SECRET_WORDS = new Set(names.nonSecretWords);
const PAIRS = names.secretPairs.map(([a, b]) => `${a} ${b}`);
const EXAMPLE_KEYS = new Set<string>(exampleKeys.keys);
const PLACEHOLDER_EXACT = new Set(placeholders.exact.map((s) => s.toLowerCase()));
const PLACEHOLDER_EXACT_MAX = Math.max(...[...PLACEHOLDER_EXACT].map((s) => s.length));
/** One case-insensitive alternation instead of a loop of `includes` (this runs once per candidate). */
const PLACEHOLDER_CONTAINS = new RegExp(
  [...new Set(placeholders.contains.map((s) => s.toLowerCase()))]
    .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join("|"),
  "i",
);
/** Long words that name a credential even glued to another word (`PGPASSWORD`, `keystorepassword`). */
const COMPOUND_SUFFIX = /(?:password|passwd|passphrase)$/;

export type NameClass = "password" | "secret" | null;

/** Splits `DB_PASSWORD`, `db-password`, `dbPassword`, `db.password` into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

const cache = new Map<string, NameClass>();

/** `password` for names of human passwords, `secret` for other credential names, null otherwise. */
export function classifyName(name: string): NameClass {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const r = classifyUncached(name);
  if (cache.size > 10_000) cache.clear();
  cache.set(name, r);
  return r;
}

function classifyUncached(name: string): NameClass {
  const words = nameWords(name);
  if (words.length === 0) return null;
  const last = words[words.length - 1]!;
  if (NON_SECRET_SUFFIX.has(last) && words.length > 1) return null;
  if (words.some((w) => NON_SECRET_WORDS.has(w))) return null;
  if (words.some((w) => PASSWORD_WORDS.has(w))) return "password";
  if (words.some((w) => SECRET_WORDS.has(w))) return "secret";
  if (words.some((w) => COMPOUND_SUFFIX.test(w))) return "password";
  const joined = words.join(" ");
  if (PAIRS.some((p) => joined.includes(p))) return "secret";
  return null;
}

/** True for values that are obviously placeholders (`changeme`, `xxxxxxxx`, `<your-token>`). */
export function isPlaceholder(value: string): boolean {
  if (value.length <= PLACEHOLDER_EXACT_MAX && PLACEHOLDER_EXACT.has(value.toLowerCase())) return true;
  if (PLACEHOLDER_CONTAINS.test(value)) return true;
  return /^(.)\1{3,}$/i.test(value);
}

/** References to a secret kept elsewhere: shell/compose/k8s expansions, secret-manager URIs, files. */
export function isReference(value: string): boolean {
  return (
    /^\$\{?[A-Za-z_][A-Za-z0-9_]*(?:[:?-][^}]{0,200})?\}?$/.test(value) ||
    /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value) ||
    /^\{\{.{0,200}\}\}$/.test(value) ||
    /^%\w{1,64}%$/.test(value) ||
    /^(?:vault|secret|secrets|ref|file|env|op|sops|awssm|gcpsm|azkv|k8s|kms|ssm|keyring|keychain|bw|pass|doppler|infisical|akv|sm|secretsmanager)(?:\+[a-z0-9]{1,20})?:/i.test(
      value,
    ) ||
    /^ref\+[a-z0-9]{1,20}:\/\//i.test(value) ||
    /^arn:aws[\w-]{0,20}:(?:secretsmanager|ssm|kms):/.test(value) ||
    /^projects\/[^/]{1,100}\/secrets\//.test(value) ||
    /^@Microsoft\.KeyVault\(/.test(value) ||
    /^https:\/\/[\w-]{1,64}\.vault\.azure\.net\//.test(value)
  );
}

/** A path to a file (the secret lives in the file, not in the variable). */
export function isPath(value: string): boolean {
  return /^(?:~|\.{1,2})?\/[^\s]{0,4096}$/.test(value) && !/^\/\//.test(value) && value.length < 4096;
}

/** Numbers, durations, sizes, booleans, versions, timestamps: never credentials. */
export function isScalar(value: string): boolean {
  return (
    /^[+-]?\d{1,40}(?:\.\d{1,20})?(?:e[+-]?\d{1,4})?$/i.test(value) ||
    /^(?:\d{1,10}(?:\.\d{1,9})?(?:ns|us|µs|ms|s|m|h|d|w|y))+$/i.test(value) ||
    /^P(?:\d{1,10}[YMWD]){0,4}(?:T(?:\d{1,10}(?:\.\d{1,9})?[HMS]){1,3})?$/.test(value) ||
    /^\d{1,12}(?:\.\d{1,6})?\s?(?:[kmgtpe]i?b?|bytes?)$/i.test(value) ||
    /^(?:true|false|yes|no|on|off|y|n|t|f|enabled?|disabled?)$/i.test(value) ||
    /^v?\d{1,6}(?:\.\d{1,6}){1,3}(?:[-+][\w.]{1,40})?$/.test(value) ||
    /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]{5,18}(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
  );
}

/** Human words and sentences (several space-separated words) are descriptions, not secrets. */
function isProse(value: string): boolean {
  return / [a-z]{2,} /i.test(value) && value.split(" ").length >= 3;
}

/**
 * Whether `value`, held under a name of class `cls`, looks like a credential. Passwords may be any
 * string of ≥ 4 characters that is not one of the excluded shapes; other secret names also need a
 * random-looking value (entropy per charset) of ≥ 8 characters.
 */
export function valueLooksSecret(value: string, cls: Exclude<NameClass, null>): boolean {
  const v = value.trim();
  if (v.length < 4 || v.length > 65536) return false;
  if (isScalar(v) || isReference(v) || isPath(v) || isPlaceholder(v) || EXAMPLE_KEYS.has(v)) return false;
  if (/^[a-z][a-z0-9+.-]{1,31}:\/\/[^@\s]{0,4096}$/i.test(v)) return false; // a URL without userinfo
  if (cls === "password") return !isProse(v);
  if (v.length < 8 || isProse(v)) return false;
  const cs = charsetOf(v);
  return entropyOf(v, cs) >= ENTROPY_THRESHOLD[cs];
}
