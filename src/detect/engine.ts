/**
 * The detection engine. Cheap stages first: one keyword pass over the text (Aho–Corasick, see
 * `prefilter.ts`) → for each line holding a keyword, only the regexes of the rules whose keywords occur
 * there → entropy of the captured group → allowlists (rule `allow`, placeholders; vendors' documentation example keys are kept but marked `example`)
 * → the rule's own `isFalsePositive`. Rules marked `multiline` (PEM blocks) look past the end of the line.
 *
 * Contract: `scan` never throws on any input and runs in time linear in the text (every rule regex is
 * bounded, see `rule.ts`); matches come back sorted and non-overlapping. An engine keeps per-line scratch
 * arrays between calls (no allocation per line), so a rule's callbacks (`isFalsePositive`, `extendEnd`,
 * `safePrefix`) must not scan with the engine that is calling them.
 */
import exampleKeys from "./data/example-keys.json" with { type: "json" };
import { entropyOf } from "./entropy.js";
import { classifyName, isPlaceholder, valueLooksSecret } from "./names.js";
import { KeywordIndex } from "./prefilter.js";
import type { Charset, SecretRule } from "./rule.js";

/** One detected secret in a text: `[start, end)` is the secret itself. */
export interface SecretMatch {
  ruleId: string;
  start: number;
  end: number;
  /** The span a `full` mask replaces (wider than the secret for URLs: the whole userinfo). */
  fullStart: number;
  fullEnd: number;
  /** Characters at the start of the secret that are safe to show in partial masks. */
  safePrefix: string;
  /** Partial masks show the length, except inside URLs (where it would break nothing but reads badly). */
  showLength: boolean;
  severity: SecretRule["severity"];
  /** A vendor's documentation example (`AKIAIOSFODNN7EXAMPLE`): masked, but no finding. */
  example?: boolean;
}

/**
 * A rule as the scan loop reads it. One class, all fields set in one order, so that every compiled rule
 * has the same hidden class: the loop's property reads stay monomorphic (the rule objects themselves
 * come in many shapes, and object literals with closures as getters gave each rule a map of its own —
 * every newly woken rule deoptimised the scan). Regexes are compiled on first use: the CLI's start-up
 * builds the engine but runs only the rules a keyword wakes.
 */
class CompiledRule {
  readonly id: string;
  readonly severity: SecretRule["severity"];
  readonly multiline: boolean;
  /** Tagged `url`: partial masks leave out the length. */
  readonly url: boolean;
  /** The rule's `nameGroup`, or -1. */
  readonly nameGroup: number;
  /** The rule's `fullGroup`, or -1. */
  readonly fullGroup: number;
  readonly extendWhile: RegExp | undefined;
  readonly hasExtendEnd: boolean;
  readonly entropyMin: number;
  readonly entropyCharset: Charset;
  readonly allow: readonly (RegExp | string)[] | undefined;
  readonly exampleKeys: readonly (RegExp | string)[] | undefined;
  readonly hasFalsePositive: boolean;
  readonly safePrefix: string | undefined;
  private readonly flags: string;
  private searchRe: RegExp | undefined = undefined;
  private offsetsRe: RegExp | undefined = undefined;
  private stickyRe: RegExp | undefined = undefined;
  private secretGroups: readonly number[] | undefined;

  constructor(
    readonly rule: SecretRule,
    readonly index: number,
    private readonly always: boolean,
  ) {
    this.id = rule.id;
    this.severity = rule.severity;
    this.multiline = rule.multiline === true;
    this.url = rule.tags.includes("url");
    this.nameGroup = rule.nameGroup ?? -1;
    this.fullGroup = rule.fullGroup ?? -1;
    this.extendWhile = rule.extendWhile;
    this.hasExtendEnd = typeof rule.extendEnd === "function";
    this.entropyMin = rule.entropy ? rule.entropy.min : -1;
    this.entropyCharset = rule.entropy?.charset ?? "any";
    this.allow = rule.allow;
    this.exampleKeys = rule.exampleKeys;
    this.hasFalsePositive = typeof rule.isFalsePositive === "function";
    this.safePrefix = typeof rule.safePrefix === "string" ? rule.safePrefix : undefined;
    this.flags = rule.regex.flags.replace(/[gyd]/g, "");
    const g = rule.secretGroup;
    // Counting groups compiles the regex: deferred to the first use.
    this.secretGroups = Array.isArray(g) ? g : g !== undefined ? [g as number] : undefined;
  }

  /**
   * The search regex. Name rules search without match indices (`g`): building them costs allocations
   * per match, and most of their matches are rejected on the name alone. Other rules' matches are mostly
   * secrets, whose offsets are needed anyway (`gd`).
   */
  get re(): RegExp {
    this.searchRe ??= new RegExp(
      this.rule.regex.source,
      `${this.flags}${this.always || this.nameGroup < 0 ? "gd" : "g"}`,
    );
    return this.searchRe;
  }

  /**
   * For name rules, the same pattern with `dy`: run again at a match's start (same string, same
   * position, so the same match) when its group offsets are needed. Otherwise (and in `indices: "always"`
   * mode) `re` itself, which then has `gd`.
   */
  get reD(): RegExp {
    this.offsetsRe ??=
      this.always || this.nameGroup < 0 ? this.re : new RegExp(this.rule.regex.source, `${this.flags}dy`);
    return this.offsetsRe;
  }

  /**
   * For multi-line rules: the pattern with `dy`, tried at each start of a short line (`stickyExec`).
   * Under `u`/`v`, code-unit steps would land inside surrogate pairs: `re` then (searched).
   */
  get reY(): RegExp {
    this.stickyRe ??=
      this.always || /[uv]/.test(this.flags)
        ? this.re
        : new RegExp(this.rule.regex.source, `${this.flags}dy`);
    return this.stickyRe;
  }

  /** The capture groups that hold the secret. */
  get groups(): readonly number[] {
    this.secretGroups ??= [countGroups(this.re) > 0 ? 1 : 0];
    return this.secretGroups;
  }
}

const EXAMPLE_KEYS = new Set<string>(exampleKeys.keys);
/** Their lengths: most candidates are ruled out without hashing the candidate string. */
const EXAMPLE_KEY_LENGTHS = new Set<number>(exampleKeys.keys.map((k) => k.length));
/** How far before a credential word a name may start (name rules allow 128 characters, plus the word). */
const NAME_REACH = 160;
/** Lines up to this long try a multi-line rule at each of their starts (`stickyExec`), not by search. */
const STICKY_LINE = 1024;
/** Smallest run of bytes `scanBytes` decodes to a string at once (see there). */
const DECODE_BLOCK = 48 * 1024;
/** How far a multi-line rule (PEM) may look past the line holding its keyword. */
const MULTILINE_WINDOW = 70_000;

/** Options of {@link SecretEngine}. */
export interface EngineOptions {
  /**
   * `lazy` (default): search without match indices and work them out only for candidates that need
   * them. `always`: every search builds them (the simple path; tests check both give the same spans).
   */
  indices?: "lazy" | "always";
}

export class SecretEngine {
  private readonly compiled: CompiledRule[];
  private readonly index: KeywordIndex;
  /** keyword id → indices of rules that listed it. */
  private readonly keywordRules: number[][];
  private readonly stamp: Int32Array;
  private stampGen = 0;
  private primed = false;
  /** The rules one line wakes (reused). */
  private readonly todo: Int32Array;
  /** The keywords one line holds, as a set and a list (reused by `scanBytes`; cleared after each line). */
  private readonly kwSeen: Uint8Array;
  /** (`bytesPass`) The keyword ids of the current line, then -1. */
  private readonly lineKws: Int32Array;
  /** End of the last candidate `accept` extended (for rejections), -1 if none; relative to the hay. */
  private rejectedEnd = -1;
  readonly rules: readonly SecretRule[];

  constructor(rules: readonly SecretRule[], opts: EngineOptions = {}) {
    this.rules = rules;
    const always = opts.indices === "always";
    const kwIds = new Map<string, number>();
    const keywordRules: number[][] = [];
    this.compiled = rules.map((rule, index) => {
      for (const k of rule.keywords) {
        const kw = k.toLowerCase();
        let id = kwIds.get(kw);
        if (id === undefined) {
          id = kwIds.size;
          kwIds.set(kw, id);
          keywordRules.push([]);
        }
        keywordRules[id]!.push(index);
      }
      return new CompiledRule(rule, index, always);
    });
    this.index = new KeywordIndex([...kwIds.keys()]);
    this.keywordRules = keywordRules;
    this.stamp = new Int32Array(rules.length).fill(-1);
    this.todo = new Int32Array(rules.length);
    this.kwSeen = new Uint8Array(keywordRules.length);
    this.lineKws = new Int32Array(keywordRules.length + 1);
  }

  /**
   * Runs the byte scan twice over the rules' own examples (results dropped), once per engine, so that
   * the JIT has seen every rule's path before a long input. Without it, each kind of secret first met
   * deep in a long input deoptimises the scan loop, which then runs unoptimised until it is compiled
   * again (on a 20 MB log, ~150 ms of 550). It compiles every rule's regex (~50 ms), so the redact
   * stream calls it only once its input is large.
   */
  prime(): void {
    if (this.primed) return;
    this.primed = true;
    const text = this.rules.flatMap((r) => [...r.examples.match, ...r.examples.noMatch]).join("\n");
    const bytes = Buffer.from(`${text}\n`, "latin1");
    this.scanBytes(bytes);
    this.scanBytes(bytes);
  }

  /** Secrets in `text`, sorted by position, overlaps merged (the earlier-listed rule names the merge). */
  scan(text: string): SecretMatch[] {
    return this.scanUnits(text, text.length, (a, b) => text.slice(a, b));
  }

  /**
   * Secrets in latin1 bytes (one char per byte, so offsets are byte offsets). The keyword pass reads the
   * bytes directly; the buffer is decoded only if some line holds a keyword.
   */
  scanBytes(buf: Uint8Array): SecretMatch[] {
    const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    // Decoded in blocks of at least DECODE_BLOCK bytes from the first line that needs one: the lines of
    // a block are cheap views of it, while decoding line by line allocates (and collects) a string per
    // line. Not the whole chunk at once: a megabyte string is a large (or, from Node, an external) object,
    // which costs page faults and full collections, where a block is an ordinary young object.
    let block = "";
    let blockStart = 0;
    let blockEnd = 0;
    const slice = (x: number, y: number) => {
      if (x < blockStart || y > blockEnd) {
        blockStart = x;
        // A wide window (a multi-line rule's, `extendEnd`'s rest of the input) takes the rest of the
        // buffer at once: later lines' windows reach further each time and would each decode anew.
        blockEnd = y - x > DECODE_BLOCK ? b.length : Math.min(b.length, Math.max(y, x + DECODE_BLOCK));
        block = b.toString("latin1", blockStart, blockEnd);
      }
      return block.slice(x - blockStart, y - blockStart);
    };
    const out: SecretMatch[] = [];
    this.kwSeen.fill(0);
    const lineStart = this.bytesPass(b, slice, out);
    const kws = this.lineKws;
    let nk = 0;
    while (kws[nk]! >= 0) nk++;
    if (nk > 0) {
      this.runLine(slice, b.length, lineStart, b.length, kws, nk, out);
      for (let j = 0; j < nk; j++) this.kwSeen[kws[j]!] = 0;
    }
    return mergeMatches(out, this.rules);
  }

  /**
   * The fused pass of `scanUnits` on the compact byte DFA (`prefilter.ts`): one class lookup and one
   * transition per byte; keyword ends and newlines are the states at or above `special`. Runs each
   * complete line's rules; returns where the last (unterminated) line starts, its keywords left in
   * `lineKws` (ended by -1). A function of its own with nothing after its loop but the return: optimised
   * code entered in the loop would otherwise meet code without type feedback at its end, and be thrown
   * away at every call.
   */
  private bytesPass(b: Uint8Array, slice: (a: number, b: number) => string, out: SecretMatch[]): number {
    const kwSeen = this.kwSeen;
    const lineKws = this.lineKws;
    const dfa = this.index.bytes();
    const { delta, byteClass: cls, special, newline: nl, out: outputs, classes: k } = dfa;
    const n = b.length;
    let lineStart = 0;
    let s = 0;
    let nk = 0;
    lineKws[0] = -1;
    for (let i = 0; i < n; i++) {
      s = delta[s + cls[b[i]!]!]!;
      if (s < special) continue;
      if (s === nl) {
        if (nk > 0) {
          this.runLine(slice, n, lineStart, i, lineKws, nk, out);
          for (let j = 0; j < nk; j++) kwSeen[lineKws[j]!] = 0;
          nk = 0;
          lineKws[0] = -1;
        }
        lineStart = i + 1;
        continue;
      }
      const o = outputs[(s / k) | 0]!;
      for (let j = 0; j < o.length; j++) {
        const id = o[j]!;
        if (kwSeen[id] === 0) {
          kwSeen[id] = 1;
          lineKws[nk++] = id;
          lineKws[nk] = -1;
        }
      }
    }
    return lineStart;
  }

  private scanUnits(
    src: string | Uint8Array,
    n: number,
    slice: (a: number, b: number) => string,
  ): SecretMatch[] {
    const out: SecretMatch[] = [];
    const kwSeen = new Uint8Array(this.keywordRules.length);
    const lineKws: number[] = [];
    // One fused pass: the keyword DFA over the whole input, noting which keywords each line holds; a
    // line's rules run when its newline is reached. The DFA resets at each newline (keywords never span lines).
    const { delta, out: outputs, accepting } = this.index;
    const isString = typeof src === "string";
    const bytes = isString ? undefined : src;
    const str = isString ? src : "";
    let lineStart = 0;
    let s = 0;
    for (let i = 0; i < n; i++) {
      let c = bytes !== undefined ? bytes[i]! : str.charCodeAt(i);
      if (c === 10) {
        if (lineKws.length > 0) {
          this.runLine(slice, n, lineStart, i, lineKws, lineKws.length, out);
          for (const k of lineKws) kwSeen[k] = 0;
          lineKws.length = 0;
        }
        lineStart = i + 1;
        s = 0;
        continue;
      }
      if (c >= 128) c = 0;
      s = delta[(s << 7) | c]!;
      if (accepting[s] === 1) {
        const o = outputs[s]!;
        for (let j = 0; j < o.length; j++) {
          const id = o[j]!;
          if (kwSeen[id] === 0) {
            kwSeen[id] = 1;
            lineKws.push(id);
          }
        }
      }
    }
    if (lineKws.length > 0) this.runLine(slice, n, lineStart, n, lineKws, lineKws.length, out);
    return mergeMatches(out, this.rules);
  }

  private runLine(
    slice: (a: number, b: number) => string,
    n: number,
    ls: number,
    le: number,
    kws: ArrayLike<number>,
    nk: number,
    out: SecretMatch[],
  ): void {
    const gen = ++this.stampGen;
    // The rules the line's keywords wake, in rule order (insertion into a reused array: a handful each).
    const todo = this.todo;
    let nt = 0;
    for (let q = 0; q < nk; q++) {
      const rs = this.keywordRules[kws[q]!]!;
      for (let x = 0; x < rs.length; x++) {
        const r = rs[x]!;
        if (this.stamp[r] !== gen) {
          this.stamp[r] = gen;
          let j = nt++;
          while (j > 0 && todo[j - 1]! > r) {
            todo[j] = todo[j - 1]!;
            j--;
          }
          todo[j] = r;
        }
      }
    }
    let line: string | undefined;
    let wide: string | undefined;
    for (let t = 0; t < nt; t++) {
      const c = this.compiled[todo[t]!]!;
      const base = ls;
      let hay: string;
      if (c.multiline) {
        wide ??= slice(ls, Math.min(n, le + MULTILINE_WINDOW));
        hay = wide;
      } else {
        line ??= slice(ls, le);
        hay = line;
      }
      // A multi-line rule's match starts in this line but the search would look for starts across the
      // whole window (70 000 characters) before giving up: on a short line, try each start of the line
      // with the sticky twin instead (the same first match, found without scanning past the line).
      const lim = le - ls;
      const re = c.multiline && lim <= STICKY_LINE && hay.length > 4 * lim ? c.reY : c.re;
      const sticky = re.sticky;
      re.lastIndex = 0;
      for (
        let m = sticky ? stickyExec(re, hay, lim) : re.exec(hay);
        m !== null;
        m = sticky ? stickyExec(re, hay, lim) : re.exec(hay)
      ) {
        if (m[0].length === 0) re.lastIndex++;
        if (c.multiline && m.index >= lim) break;
        const hit = this.accept(c, m, base, hay, slice, ls, n);
        if (hit) {
          out.push(hit);
          // An extended match already covers the rest of the value: resume after it (keeps the scan linear).
          if (hit.end - base > re.lastIndex) re.lastIndex = hit.end - base;
        } else if (this.rejectedEnd > re.lastIndex) {
          // The candidate ran on past the regex (`extendWhile`) and was rejected as a whole: a run is
          // judged once, not again from each of its characters (linear time).
          re.lastIndex = this.rejectedEnd;
        } else if (c.nameGroup >= 0) {
          // A name that is not credential-bearing (`JAVA_OPTS=`): its value may hold an assignment of
          // its own (`-Dpassword=…`, `--password=…`), so search again from the value, not after it.
          // Only where a credential word occurs in the value, from just before it (the longest name),
          // so that `k1=v1;k2=v2;…` is not matched again from every value (linear time).
          // No keyword anywhere in the match means none in its value: the value's offset (which needs
          // the match indices) is worked out only when one is there.
          if (this.index.firstEnd(hay, m.index, re.lastIndex) < 0) continue;
          const at = valueStart(c, this.withIndices(c, m, hay));
          const kw = at > m.index ? this.index.firstEnd(hay, at, re.lastIndex) : -1;
          if (kw > 0) re.lastIndex = Math.max(at, kw - NAME_REACH);
        }
      }
    }
  }

  /**
   * `m` with its group offsets: `m` itself when it has them, else the same pattern run sticky at the same
   * position of the same string — the same match, since a backtracking search returns the first match at
   * the first position that has one.
   */
  private withIndices(c: CompiledRule, m: RegExpExecArray, hay: string): RegExpExecArray {
    if (m.indices !== undefined) return m;
    const re = c.reD;
    re.lastIndex = m.index;
    return re.exec(hay) ?? m;
  }

  private accept(
    c: CompiledRule,
    m: RegExpExecArray,
    base: number,
    hay: string,
    slice: (a: number, b: number) => string,
    ls: number,
    n: number,
  ): SecretMatch | null {
    this.rejectedEnd = -1;
    let g = -1;
    const groups = c.groups;
    for (let x = 0; x < groups.length; x++) {
      if (m[groups[x]!] !== undefined) {
        g = groups[x]!;
        break;
      }
    }
    if (g < 0) return null;
    // Cheapest rejection first: a name that is not credential-bearing (`PASSWORD_MIN_LENGTH`).
    let cls: ReturnType<typeof classifyName> = null;
    if (c.nameGroup >= 0) {
      const name = m[c.nameGroup];
      cls = name ? classifyName(name) : null;
      if (!cls) return null;
    }
    const md = this.withIndices(c, m, hay);
    const idx = md.indices?.[g];
    if (!idx || idx[1] <= idx[0]) return null;
    // Extend first, so the checks below see the whole value (`PASS=ab&cdefgh`).
    let end = idx[1];
    const ew = c.extendWhile;
    if (ew !== undefined) {
      while (end < hay.length && ew.test(hay[end]!)) end++;
    }
    let text = hay;
    if (c.hasExtendEnd) {
      // Key material may run past the regex window: the rule walks the rest of the input, once.
      text = slice(ls, n);
      end = Math.min(text.length, Math.max(end, c.rule.extendEnd!(text, idx[0], end)));
    }
    const secret = end === idx[1] ? m[g]! : text.slice(idx[0], end);
    this.rejectedEnd = ew !== undefined && c.nameGroup < 0 ? end : -1;
    // Documentation examples are masked like any key, marked so that no finding is raised.
    const example =
      (EXAMPLE_KEY_LENGTHS.has(secret.length) && EXAMPLE_KEYS.has(secret)) ||
      (c.exampleKeys !== undefined && anyOf(c.exampleKeys, secret));
    if (!example) {
      if (c.entropyMin >= 0 && entropyOf(secret, c.entropyCharset) < c.entropyMin) return null;
      if (secret.length < 200 && isPlaceholder(secret)) return null;
      if (c.allow !== undefined && anyOf(c.allow, secret)) return null;
      if (cls && !valueLooksSecret(secret, cls)) return null;
      if (c.hasFalsePositive && c.rule.isFalsePositive!(secret)) return null;
    }
    const fullIdx = c.fullGroup >= 0 ? md.indices?.[c.fullGroup] : undefined;
    const sp = c.safePrefix ?? (typeof c.rule.safePrefix === "function" ? c.rule.safePrefix(secret) : "");
    const hit: SecretMatch = {
      ruleId: c.id,
      start: base + idx[0],
      end: base + end,
      fullStart: base + (fullIdx ? fullIdx[0] : idx[0]),
      fullEnd: base + (fullIdx ? Math.max(fullIdx[1], end) : end),
      safePrefix: secret.startsWith(sp) && sp.length < secret.length ? sp : "",
      showLength: !c.url,
      severity: c.severity,
    };
    if (example) hit.example = true;
    return hit;
  }
}

function anyOf(list: readonly (RegExp | string)[], secret: string): boolean {
  for (const a of list) if (typeof a === "string" ? secret === a : a.test(secret)) return true;
  return false;
}

/** Where the value of a name rule's match starts (the first secret group that participated). */
function valueStart(c: CompiledRule, m: RegExpExecArray): number {
  for (const gi of c.groups) {
    const idx = m.indices?.[gi];
    if (idx) return idx[0];
  }
  return -1;
}

/**
 * The first match of sticky `re` in `hay` starting in `[re.lastIndex, lim)`, as a global search would
 * find it (the first start that matches, its first match), or null (`lastIndex` then 0, as after a
 * failed search).
 */
function stickyExec(re: RegExp, hay: string, lim: number): RegExpExecArray | null {
  for (let p = re.lastIndex; p < lim; p++) {
    re.lastIndex = p;
    const m = re.exec(hay);
    if (m !== null) return m;
  }
  re.lastIndex = 0;
  return null;
}

function countGroups(re: RegExp): number {
  return new RegExp(`${re.source}|`).exec("")!.length - 1;
}

/**
 * Sorts and merges overlapping matches: the union of the spans is masked (never leak the part one rule
 * saw and another did not), named by the rule listed first.
 */
export function mergeMatches(ms: SecretMatch[], rules: readonly SecretRule[]): SecretMatch[] {
  if (ms.length <= 1) return ms;
  const order = new Map(rules.map((r, i) => [r.id, i]));
  ms.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SecretMatch[] = [];
  for (const m of ms) {
    const prev = out[out.length - 1];
    if (prev && m.start < prev.end) {
      if ((order.get(m.ruleId) ?? 1e9) < (order.get(prev.ruleId) ?? 1e9) && m.start === prev.start) {
        prev.ruleId = m.ruleId;
        prev.safePrefix = m.safePrefix;
        prev.severity = m.severity;
      }
      // A merge that holds a real secret is not an example.
      if (!(prev.example && m.example)) delete prev.example;
      prev.end = Math.max(prev.end, m.end);
      prev.fullStart = Math.min(prev.fullStart, m.fullStart);
      prev.fullEnd = Math.max(prev.fullEnd, m.fullEnd, prev.end);
      continue;
    }
    out.push({ ...m });
  }
  return out;
}
