/**
 * The shape of a secret rule: typed data, one provider per file (`rules/<provider>.ts`), listed in
 * `rules/index.ts`. The engine runs: keyword prefilter (every rule's `keywords`, one Aho–Corasick pass) →
 * `regex` only for rules whose keywords occur → entropy of the captured group → allowlists.
 *
 * Contract for `regex`: it must run in linear time on any input. Every quantifier is bounded (`{m,n}`,
 * `?`), never `*`, `+` or `{m,}`, and no quantified group contains another quantifier; `rules.test.ts`
 * checks this statically and times every pattern against adversarial input.
 */
import type { Severity } from "../model/index.js";

/** Character classes whose Shannon entropy is measured separately (hex bodies carry fewer bits per char). */
export type Charset = "hex" | "base64" | "alnum" | "any";

export interface EntropyCheck {
  /** Minimum Shannon entropy in bits per character, measured over `charset` characters of the secret. */
  min: number;
  charset?: Charset;
}

export interface SecretRule {
  /** Stable id, kebab-case, unique across all rules (`github-pat`). */
  id: string;
  description: string;
  /**
   * Lower-case literals, at least one of which occurs in any text the regex matches; the prefilter runs
   * the regex only when one occurs. Keep them specific (`ghp_`, not `g`).
   */
  keywords: readonly string[];
  /** Global-searchable pattern (no flags needed; the engine adds `g`, and `i` when `caseInsensitive`). */
  regex: RegExp;
  /**
   * Capture group holding the secret; 0 = the whole match. Default 1 when the regex has a group, else 0.
   * Several groups (alternatives): the first that participated.
   */
  secretGroup?: number | readonly number[];
  /** Capture group a `full` mask replaces instead of the secret alone (a URL's whole userinfo). */
  fullGroup?: number;
  /**
   * Capture group holding a variable name (`KEY=value`, `"key": "value"`): the match counts only when the
   * name is secret-bearing (`names.ts`) and the value looks like a credential for that name.
   */
  nameGroup?: number;
  /** The secret may continue past the regex's length bound while characters match this one-char class. */
  extendWhile?: RegExp;
  /** The match may span lines (PEM blocks); the engine looks up to 70 000 characters past the line. */
  multiline?: boolean;
  /**
   * Optional capability: where the secret really ends (key material running over several lines), given
   * the text from the match's line to the end of the input and the captured secret's `[start, end)` in
   * it. Must walk forward only (linear time).
   */
  extendEnd?(hay: string, start: number, end: number): number;
  entropy?: EntropyCheck;
  /** Secrets matching one of these (placeholders, references) are not secrets: left alone. */
  allow?: readonly (RegExp | string)[];
  /**
   * Vendors' documentation example values of this format (AWS's `…EXAMPLE`): masked like any secret but
   * marked `example`, so no finding is raised. `data/example-keys.json` lists the ones common to all rules.
   */
  exampleKeys?: readonly (RegExp | string)[];
  tags: readonly string[];
  severity: Severity;
  /**
   * A prefix of the secret that identifies the format and carries no secret material (`ghp_`), shown
   * by partial masks. A function for formats whose safe prefix varies.
   */
  safePrefix?: string | ((secret: string) => string);
  /** Optional capability: a last, format-specific check (checksum, structure) that rejects a candidate. */
  isFalsePositive?(secret: string): boolean;
  /** Where the format is documented (cited in the rule file too). */
  docs?: string;
  /**
   * Texts the rule must flag (`match`) and must leave alone (`noMatch`), run through the real engine by
   * `rules.test.ts`. Example secrets are synthetic.
   */
  examples: { match: readonly string[]; noMatch: readonly string[] };
}

/** One provider's rules: one file, one object. */
export interface SecretProvider {
  meta: { id: string; description: string; docs?: string };
  rules: readonly SecretRule[];
}

/** Identity helper: gives literal objects the provider type without widening. */
export function defineProvider(p: SecretProvider): SecretProvider {
  return p;
}
