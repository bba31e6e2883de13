/**
 * Secret detection entry points used by the rest of the pipeline.
 *
 * `detectSecret(key, value)` says whether an environment value is (or contains) a credential. One detection
 * for values and text: an environment value is also text, so every text rule (keyword prefilter → regex →
 * entropy → allowlists, `engine.ts`) runs over `KEY=value` and the spans it finds inside the value are
 * masked alone (`JAVA_OPTS=-Xmx1g -Dpassword=…` keeps `-Xmx1g` readable); name semantics (`names.ts`)
 * decide whether the whole value is the secret. `detectSecret(value)` judges a value without a name.
 * `scanText` finds every secret in free text (redact). Neither throws; both are linear in the input.
 */
import { SecretEngine, type SecretMatch } from "./engine.js";
import { classifyName, valueLooksSecret } from "./names.js";
import type { SecretRule } from "./rule.js";
import { builtinRules } from "./rules/index.js";

export interface SecretSpan {
  /** Offsets into the value. */
  start: number;
  end: number;
  /** Span a `full` mask hides (the whole userinfo of a URL). */
  fullStart: number;
  fullEnd: number;
  ruleId: string;
  safePrefix: string;
  showLength: boolean;
  /** A vendor's documentation example key: masked, but no finding. */
  example?: boolean;
}

export interface SecretHit {
  /** Rule ids that flagged the value, most specific first. */
  ruleIds: string[];
  /** A prefix that is safe to show (`ghp_`), for partial masks. */
  safePrefix?: string;
  /** Where in the value the secrets are; absent or covering the whole value when all of it is secret. */
  spans?: SecretSpan[];
  severity?: SecretRule["severity"];
  /**
   * Every span is a vendor's documentation example (`AKIAIOSFODNN7EXAMPLE`): mask the value, raise no
   * finding — trying the tool with documentation values must not look like a leak.
   */
  example?: boolean;
}

let defaultEngine: SecretEngine | undefined;
let active: SecretEngine | undefined;

/** The engine over the built-in rules (compiled once, on first use). */
export function builtinEngine(): SecretEngine {
  defaultEngine ??= new SecretEngine(builtinRules);
  return defaultEngine;
}

/** The engine `detectSecret` uses: the built-in one unless `useEngine` installed another (`--rules`). */
export function currentEngine(): SecretEngine {
  return active ?? builtinEngine();
}

/** Installs an engine (built-in + user rules) for this process; `undefined` restores the built-in one. */
export function useEngine(engine: SecretEngine | undefined): void {
  active = engine;
}

/** Every secret in `text`, sorted and non-overlapping. */
export function scanText(text: string, engine: SecretEngine = currentEngine()): SecretMatch[] {
  return engine.scan(text);
}

const NAME_RULE = "secret-assignment";

/**
 * Answers per engine for (key, value) pairs already seen: a scan meets the same variables in hundreds of
 * processes. Bounded (entries and value size); cleared when full.
 */
const memo = new WeakMap<SecretEngine, Map<string, SecretHit | null>>();
const MEMO_ENTRIES = 8192;
const MEMO_MAX_VALUE = 4096;

/**
 * Whether an environment value is or holds a credential, and where: `detectSecret(key, value)` for a
 * variable, `detectSecret(value)` for a value without a name. Returns null when nothing was found. Never
 * throws (a value that is not a string is read as `String(value)`).
 */
export function detectSecret(value: string): SecretHit | null;
export function detectSecret(key: string, value: string, engine?: SecretEngine): SecretHit | null;
export function detectSecret(
  keyOrValue: string,
  maybeValue?: string,
  engine: SecretEngine = currentEngine(),
): SecretHit | null {
  const oneArg = maybeValue === undefined || maybeValue === null;
  const key = oneArg ? "" : String(keyOrValue ?? "");
  const value = String((oneArg ? keyOrValue : maybeValue) ?? "");
  if (value.length === 0) return null;
  if (value.length > MEMO_MAX_VALUE) return detectUncached(key, value, engine);
  const cache = memo.get(engine) ?? new Map<string, SecretHit | null>();
  memo.set(engine, cache);
  const id = `${key}\0${value}`;
  const known = cache.get(id);
  if (known !== undefined) return known;
  const hit = detectUncached(key, value, engine);
  if (cache.size >= MEMO_ENTRIES) cache.clear();
  cache.set(id, hit);
  return hit;
}

/**
 * Variables whose value is an encoded copy of other variables (direnv's gzenv `DIRENV_DIFF` holds every
 * value its .envrc set, secrets included): always masked whole, since no rule can see inside.
 */
const ENCODED_ENV_KEYS: ReadonlySet<string> = new Set(["DIRENV_DIFF"]);

function detectUncached(key: string, value: string, engine: SecretEngine): SecretHit | null {
  if (ENCODED_ENV_KEYS.has(key)) {
    const span = {
      start: 0,
      end: value.length,
      fullStart: 0,
      fullEnd: value.length,
      ruleId: "encoded-environment",
      safePrefix: "",
      showLength: true,
    };
    return { ruleIds: ["encoded-environment"], spans: [span], severity: "medium" };
  }
  // Without a name the value is scanned alone; with one, as `KEY=value` (rules that read the name).
  const prefix = key === "" ? "" : `${key}=`;
  const spans: SecretSpan[] = [];
  for (const m of engine.scan(prefix + value)) {
    if (m.end <= prefix.length) continue;
    // The key's own assignment (`DB_PASSWORD=…`) is judged on the whole value below, not up to its
    // first space; assignments inside the value (`--password=…`) start ≥ 2 characters later and stay.
    if (m.ruleId === NAME_RULE && prefix !== "" && m.start - prefix.length <= 1) continue;
    const sh = (n: number) => Math.max(0, n - prefix.length);
    spans.push({
      start: sh(m.start),
      end: sh(m.end),
      fullStart: sh(m.fullStart),
      fullEnd: sh(m.fullEnd),
      ruleId: m.ruleId,
      safePrefix: m.safePrefix,
      showLength: m.showLength,
      ...(m.example ? { example: true } : {}),
    });
  }
  const cls = key === "" ? null : classifyName(key);
  const bySpans = spans.length > 0;
  // A password inside a URL (`DB_DSN=postgres://u:p@h/db`) is masked alone: URL rules (the ones whose
  // partial masks leave out the length) keep scheme, user and host readable.
  if (cls && valueLooksSecret(value, cls) && !(bySpans && spans.some((s) => !s.showLength))) {
    // The whole value is the secret; a specific rule that matched all of it names it.
    const whole = spans.find((s) => s.start === 0 && s.end === value.length);
    const id = whole?.ruleId ?? NAME_RULE;
    const sp = whole?.safePrefix ?? "";
    const ids = [...new Set([id, ...spans.map((s) => s.ruleId), NAME_RULE])];
    return {
      ruleIds: ids,
      ...(sp ? { safePrefix: sp } : {}),
      spans: [
        {
          start: 0,
          end: value.length,
          fullStart: 0,
          fullEnd: value.length,
          ruleId: id,
          safePrefix: sp,
          showLength: true,
        },
      ],
      severity: whole ? severityOf(engine, id) : "high",
    };
  }
  if (!bySpans) return null;
  const real = spans.filter((s) => !s.example);
  const first = real[0] ?? spans[0]!;
  const out: SecretHit = {
    ruleIds: [...new Set((real.length > 0 ? real : spans).map((s) => s.ruleId))],
    spans,
    severity: severityOf(engine, first.ruleId),
  };
  if (real.length === 0) out.example = true;
  if (spans[0]!.start === 0 && spans[0]!.safePrefix) out.safePrefix = spans[0]!.safePrefix;
  return out;
}

function severityOf(engine: SecretEngine, id: string): SecretRule["severity"] {
  return engine.rules.find((r) => r.id === id)?.severity ?? "high";
}

export { SecretEngine, type SecretMatch } from "./engine.js";
export type { SecretProvider, SecretRule } from "./rule.js";
