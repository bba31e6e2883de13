/**
 * Builds the peer-suite corpus for `bench/secrets-peers.ts` (issue 16) from the peers' own repositories,
 * read with git from local mirrors (bare git directories, `PEER_MIRRORS`, default `/work/.mirror`, laid out
 * as `owner+name/repo`, as `fetch github:owner/name` leaves them). The peers' test data is never committed
 * here: the corpus goes to a git-ignored cache (`node_modules/.cache/envtrace-peer-corpus/corpus.jsonl`),
 * each case recording repository, commit and path.
 *
 * - secretlint (`packages/@secretlint/secretlint-rule-*`, `test/snapshots/<case>/output.json`): the snapshot's
 *   `sourceContent`, labelled by the case's `ng.`/`ok.` prefix (else by whether the snapshot has messages),
 *   positives with the snapshot's message ranges as spans. Skipped (counted): presets (copies of the rule
 *   snapshots), `pattern`/`example`/`internal-test-*`/`filter-comments` (no built-in detection), `no-dotenv`/
 *   `no-homedir` (file names and paths, not values), `options.*` cases and `ok.` cases under a non-default
 *   configuration (`.secretlintrc.json`/`options.ts`: negative only because of that configuration), binary inputs.
 * - gitleaks (`cmd/generate/config/rules/*.go`): each rule function's `tps`/`fps` as passed to
 *   `utils.Validate`/`ValidateWithPaths`, evaluated by a small interpreter for the Go subset they use —
 *   interpreted and raw (backquoted) string literals, `+`, `[]string{…}`, `map[string]string{…}`, `append`,
 *   local variables, `fmt.Sprintf`, `utils.GenerateSampleSecret(s)` (its templates read from the same
 *   commit's `utils/generate.go`), the `utils` pattern helpers and `secrets.NewSecret(regex)` (a seeded
 *   generator for the regex subset used, so the corpus is the same on every build). A statement touching
 *   `tps`/`fps` that cannot be evaluated (loops, base64 encoders…) is skipped and counted. A path-only false
 *   case (same text as a true one, negative because of its file name) is skipped and counted.
 * - detect-secrets (`tests/plugins/*_test.py`): `pytest.mark.parametrize` cases with a line and a
 *   `should_flag`, single-line lists judged by their test's assertion, and the keyword plugin's
 *   `*_TEST_CASES` tables (line, expected secret or None); Python string literals, `+`, `.format()`, slices
 *   and module constants are evaluated. Keyword lines the plugin labels both ways (a per-file-type rule:
 *   quotes required in C but not in Go) keep the true label, the false one is skipped and counted.
 *
 * Run: `npx tsx bench/peer-corpus.ts` (prints counts per source and what was skipped); `secrets-peers.ts`
 * calls `buildCorpus()` itself when the cache is missing or older than the mirrors' commits.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface Case {
  source: "secretlint" | "gitleaks" | "detect-secrets";
  repo: string;
  commit: string;
  path: string;
  family: string;
  rule?: string;
  case?: string;
  label: boolean;
  spans?: [number, number][];
  text: string;
}

const here = dirname(fileURLToPath(import.meta.url));
export const MIRRORS = process.env.PEER_MIRRORS ?? "/work/.mirror";
export const CACHE_DIR = resolve(here, "../node_modules/.cache/envtrace-peer-corpus");
export const CACHE = resolve(CACHE_DIR, "corpus.jsonl");
export const PEERS = ["secretlint/secretlint", "gitleaks/gitleaks", "Yelp/detect-secrets"] as const;

const gitDir = (repo: string) => resolve(MIRRORS, repo.replace("/", "+"), "repo");
const git = (repo: string, ...args: string[]) =>
  execFileSync("git", [`--git-dir=${gitDir(repo)}`, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });

/** The peers whose mirror is missing, as `fetch` sources. */
export function missingMirrors(): string[] {
  return PEERS.filter((p) => !existsSync(gitDir(p))).map((p) => `github:${p}`);
}

export function headCommits(): Record<string, string> {
  return Object.fromEntries(PEERS.map((p) => [p, git(p, "rev-parse", "HEAD").trim()]));
}

/** Family names shared across the three suites (lower case, vendor name without token-kind suffixes). */
const ALIAS: Record<string, string> = {
  basicauth: "basic-auth",
  basic_auth: "basic-auth",
  privatekey: "private-key",
  private_key: "private-key",
  "hashicorp-vault": "hashicorp",
  hashicorp_tf_api_token: "hashicorp",
  "1password": "onepassword",
  "database-connection-string": "database-url",
  "no-k8s-kind-secret": "kubernetes",
  aws_key: "aws",
  azure_storage_key: "azure",
  github_token: "github",
  gitlab_token: "gitlab",
  mailchimp_key: "mailchimp",
  pypi_token: "pypi",
  sendgrid: "sendgrid",
  square_oauth: "square",
  stripe_key: "stripe",
  telegram_token: "telegram",
  keyword: "generic",
  ibm_cloud_iam: "ibm",
  ibm_cos_hmac: "ibm",
};
export const family = (s: string) => ALIAS[s] ?? s.replace(/_/g, "-");

export interface Skipped {
  [reason: string]: number;
}
const skip = (s: Skipped, why: string, n = 1) => {
  s[why] = (s[why] ?? 0) + n;
};

// ---------------------------------------------------------------------------------------------- secretlint

const SL_EXCLUDED =
  /^secretlint-rule-(preset-.*|pattern|example|internal-test-.*|filter-comments|no-dotenv|no-homedir)$/;

/** Backslash escapes with one meaning in both languages' string literals. */
const COMMON_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "'": "'" };
/** Go interpreted string literals add the C control escapes. */
const GO_ESCAPES: Record<string, string> = { ...COMMON_ESCAPES, a: "\x07", b: "\b", f: "\f", v: "\v" };
/** Python non-raw strings: a backslash before a newline continues the line. */
const PY_ESCAPES: Record<string, string> = { ...COMMON_ESCAPES, "\n": "" };

function secretlintCases(skipped: Skipped): Case[] {
  const repo = "secretlint/secretlint";
  const commit = git(repo, "rev-parse", "HEAD").trim();
  const files = git(repo, "ls-tree", "-r", "--name-only", commit, "packages/@secretlint").split("\n");
  const dirs = new Map<string, string[]>();
  for (const f of files) {
    const m = /^packages\/@secretlint\/(secretlint-rule-[^/]+)\/test\/snapshots\/(.+)\/([^/]+)$/.exec(f);
    if (!m) continue;
    const key = `${m[1]}\u0000${m[2]}`;
    dirs.set(key, [...(dirs.get(key) ?? []), m[3]!]);
  }
  const out: Case[] = [];
  for (const [key, names] of dirs) {
    const [pkg, name] = key.split("\u0000") as [string, string];
    if (!names.includes("output.json")) continue;
    if (SL_EXCLUDED.test(pkg)) {
      skip(skipped, "secretlint: preset copy or rule without built-in detection");
      continue;
    }
    const configured = names.includes(".secretlintrc.json") || names.includes("options.ts");
    const prefix = /^(ok|ng|options)\./.exec(name)?.[1];
    if (prefix === "options" || (prefix === "ok" && configured)) {
      skip(skipped, "secretlint: negative only under a non-default configuration");
      continue;
    }
    const path = `packages/@secretlint/${pkg}/test/snapshots/${name}/output.json`;
    const snap = JSON.parse(git(repo, "show", `${commit}:${path}`)) as {
      filePath: string;
      messages: { range: [number, number] }[];
      sourceContent?: string;
    };
    const text = snap.sourceContent;
    if (text === undefined || text.includes("\u0000") || text.includes("\ufffd")) {
      skip(skipped, "secretlint: binary input");
      continue;
    }
    const label = prefix ? prefix === "ng" : snap.messages.length > 0;
    out.push({
      source: "secretlint",
      repo,
      commit,
      path: `packages/@secretlint/${pkg}/test/snapshots/${name}/${snap.filePath.split("/").pop()}`,
      family: family(pkg.replace(/^secretlint-rule-/, "")),
      rule: pkg,
      case: name,
      label,
      ...(label && snap.messages.length ? { spans: snap.messages.map((m) => m.range) } : {}),
      text,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- gitleaks

type GoTok = { t: "str" | "id" | "num" | "op"; v: string };

/** Go tokens with automatic semicolon insertion (the spec's rule: after an identifier, literal, `)`, `]`, `}`). */
function goTokens(src: string): GoTok[] {
  const out: GoTok[] = [];
  let i = 0;
  const semi = () => {
    const last = out[out.length - 1];
    if (last && (last.t !== "op" || [")", "]", "}"].includes(last.v))) out.push({ t: "op", v: ";" });
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\n") {
      semi();
      i++;
    } else if (c === " " || c === "\t" || c === "\r") i++;
    else if (src.startsWith("//", i)) {
      const e = src.indexOf("\n", i);
      i = e < 0 ? src.length : e;
    } else if (src.startsWith("/*", i)) {
      const e = src.indexOf("*/", i + 2);
      if (src.slice(i, e).includes("\n")) semi();
      i = e < 0 ? src.length : e + 2;
    } else if (c === "`") {
      const e = src.indexOf("`", i + 1);
      out.push({ t: "str", v: src.slice(i + 1, e).replace(/\r/g, "") });
      i = e + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\") {
          const n = src[j + 1]!;
          const simple = GO_ESCAPES;
          if (n in simple) {
            s += simple[n];
            j += 2;
          } else if (n === "x") {
            s += String.fromCharCode(Number.parseInt(src.slice(j + 2, j + 4), 16));
            j += 4;
          } else if (n === "u") {
            s += String.fromCharCode(Number.parseInt(src.slice(j + 2, j + 6), 16));
            j += 6;
          } else if (/[0-7]/.test(n)) {
            s += String.fromCharCode(Number.parseInt(src.slice(j + 1, j + 4), 8));
            j += 4;
          } else {
            s += n;
            j += 2;
          }
        } else s += src[j++];
      }
      out.push({ t: c === "'" ? "num" : "str", v: s });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200))!;
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9a-fA-FxX._]*/.exec(src.slice(i, i + 100))!;
      out.push({ t: "num", v: m[0] });
      i += m[0].length;
    } else {
      const op =
        ["...", ":=", "==", "!=", "&&", "||", "+=", "<=", ">="].find((o) => src.startsWith(o, i)) ?? c;
      out.push({ t: "op", v: op });
      i += op.length;
    }
  }
  semi();
  return out;
}

class Unsupported extends Error {}

/** A seeded generator of strings matching a regex (the subset gitleaks' `secrets.NewSecret` calls use). */
function generator(seed: string) {
  let h = createHash("sha256").update(seed).digest().readUInt32LE(0);
  const rnd = (n: number) => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n) as number;
  };
  const range = (a: string, b: string) => {
    const r: string[] = [];
    for (let x = a.charCodeAt(0); x <= b.charCodeAt(0); x++) r.push(String.fromCharCode(x));
    return r;
  };
  const W = [...range("a", "z"), ...range("A", "Z"), ...range("0", "9"), "_"];
  const D = range("0", "9");
  const S = [" "];
  const classEsc = (ch: string): string[] =>
    ch === "w" ? W : ch === "d" ? D : ch === "s" ? S : ch === "n" ? ["\n"] : ch === "t" ? ["\t"] : [ch];
  return (re: string): string => {
    let i = 0;
    const flagsI = re.startsWith("(?i)");
    if (flagsI) i = 4;
    type Node = () => string;
    const alt = (): Node => {
      const branches: Node[][] = [[]];
      while (i < re.length && re[i] !== ")") {
        if (re[i] === "|") {
          i++;
          branches.push([]);
          continue;
        }
        branches[branches.length - 1]!.push(quant(atom()));
      }
      return () => branches[rnd(branches.length)]!.map((n) => n()).join("");
    };
    const atom = (): Node => {
      const c = re[i]!;
      if (c === "(") {
        i++;
        if (re[i] === "?") {
          const m = /^\?(?:[a-z-]*:|P?<[A-Za-z_]+>)/.exec(re.slice(i));
          if (!m) throw new Unsupported(`regex group ${re.slice(i, i + 5)}`);
          i += m[0].length;
        }
        const n = alt();
        i++; // ")"
        return n;
      }
      if (c === "[") {
        i++;
        let neg = false;
        if (re[i] === "^") {
          neg = true;
          i++;
        }
        const set: string[] = [];
        let first = true;
        while (i < re.length && (re[i] !== "]" || first)) {
          first = false;
          let ch = re[i]!;
          let chars: string[];
          if (ch === "\\") {
            chars = classEsc(re[i + 1]!);
            i += 2;
          } else if (re.startsWith("[:", i)) {
            throw new Unsupported("posix class");
          } else {
            chars = [ch];
            i++;
          }
          if (chars.length === 1 && re[i] === "-" && re[i + 1] !== "]") {
            let to = re[i + 1]!;
            i += 2;
            if (to === "\\") {
              to = re[i]!;
              i++;
            }
            ch = chars[0]!;
            chars = range(ch, to);
          }
          set.push(...chars);
        }
        i++; // "]"
        if (neg) {
          const printable = range("!", "~").filter((x) => !set.includes(x) && /[A-Za-z0-9]/.test(x));
          return () => printable[rnd(printable.length)]!;
        }
        return () => set[rnd(set.length)]!;
      }
      if (c === "\\") {
        const n = re[i + 1]!;
        i += 2;
        if (n === "b" || n === "B") return () => "";
        const chars = classEsc(n);
        return () => chars[rnd(chars.length)]!;
      }
      if (c === "^" || c === "$") {
        i++;
        return () => "";
      }
      if (c === ".") {
        i++;
        return () => W[rnd(W.length)]!;
      }
      i++;
      return () => c;
    };
    const quant = (n: Node): Node => {
      let min = 1;
      let max = 1;
      const c = re[i];
      const m = /^\{(\d+)(,(\d*))?\}/.exec(re.slice(i));
      if (m) {
        min = Number(m[1]);
        max = m[2] ? (m[3] ? Number(m[3]) : min + 10) : min;
        i += m[0].length;
      } else if (c === "?") {
        min = 0;
        i++;
      } else if (c === "*") {
        min = 0;
        max = 10;
        i++;
      } else if (c === "+") {
        max = 10;
        i++;
      } else return n;
      if (re[i] === "?") i++; // lazy
      return () => {
        const k = min + rnd(max - min + 1);
        let s = "";
        for (let j = 0; j < k; j++) s += n();
        return s;
      };
    };
    const node = alt();
    if (i < re.length) throw new Unsupported(`regex ${re}`);
    return node();
  };
}

type GoVal = string | number | GoVal[] | Map<string, GoVal> | null;

/** Go's fmt.Sprintf for %s, %d, %v, %q and %%. */
function sprintf(f: string, args: GoVal[]): string {
  let k = 0;
  return f.replace(/%[-+#0 ]*\d*([sdvq%])/g, (_, v: string) => {
    if (v === "%") return "%";
    const a = args[k++];
    if (typeof a !== "string" && typeof a !== "number") throw new Unsupported("Sprintf arg");
    return v === "q" ? JSON.stringify(a) : String(a);
  });
}

/** The `utils` pattern helpers of `cmd/generate/config/utils/patterns.go`. */
const PATTERNS: Record<string, (n: string) => string> = {
  Numeric: (n) => `[0-9]{${n}}`,
  Hex: (n) => `[a-f0-9]{${n}}`,
  AlphaNumeric: (n) => `[a-z0-9]{${n}}`,
  AlphaNumericExtendedShort: (n) => `[a-z0-9_-]{${n}}`,
  AlphaNumericExtended: (n) => `[a-z0-9=_\\-]{${n}}`,
  AlphaNumericExtendedLong: (n) => `[a-z0-9\\/=_\\+\\-]{${n}}`,
  Hex8_4_4_4_12: () => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
};

class GoEval {
  p = 0;
  constructor(
    readonly toks: GoTok[],
    readonly env: Map<string, GoVal>,
    readonly gen: (re: string) => string,
    readonly samples: [string, string][],
  ) {}
  peek(k = 0) {
    return this.toks[this.p + k];
  }
  eat(v: string) {
    if (this.peek()?.v !== v) throw new Unsupported(`expected ${v}, got ${this.peek()?.v}`);
    this.p++;
  }
  expr(): GoVal {
    let v = this.unary();
    while (this.peek()?.v === "+") {
      this.p++;
      const r = this.unary();
      if (typeof v !== "string" || typeof r !== "string") throw new Unsupported("+ on non-strings");
      v = v + r;
    }
    return v;
  }
  args(): GoVal[] {
    this.eat("(");
    const out: GoVal[] = [];
    while (this.peek()?.v !== ")") {
      if (this.peek()?.v === ";") {
        this.p++;
        continue;
      }
      const v = this.expr();
      if (this.peek()?.v === "...") {
        this.p++;
        if (!Array.isArray(v)) throw new Unsupported("spread");
        out.push(...v);
      } else out.push(v);
      if (this.peek()?.v === ",") this.p++;
      while (this.peek()?.v === ";") this.p++;
    }
    this.eat(")");
    return out;
  }
  composite(map: boolean): GoVal {
    this.eat("{");
    const list: GoVal[] = [];
    const m = new Map<string, GoVal>();
    while (this.peek()?.v !== "}") {
      if (this.peek()?.v === ";" || this.peek()?.v === ",") {
        this.p++;
        continue;
      }
      const v = this.expr();
      if (map) {
        this.eat(":");
        m.set(String(v), this.expr());
      } else list.push(v);
    }
    this.eat("}");
    return map ? m : list;
  }
  unary(): GoVal {
    const t = this.toks[this.p++];
    if (!t) throw new Unsupported("end");
    if (t.t === "str") return t.v;
    if (t.t === "num") return Number(t.v);
    if (t.v === "(") {
      const v = this.expr();
      this.eat(")");
      return v;
    }
    if (t.v === "[" && this.peek()?.v === "]") {
      this.p++;
      this.eat("string");
      return this.composite(false);
    }
    if (t.v === "map") {
      this.eat("[");
      this.eat("string");
      this.eat("]");
      this.eat("string");
      return this.composite(true);
    }
    if (t.t !== "id") throw new Unsupported(`token ${t.v}`);
    let name = t.v;
    while (this.peek()?.v === "." && this.peek(1)?.t === "id") {
      name += `.${this.peek(1)!.v}`;
      this.p += 2;
    }
    if (name === "nil") return null;
    if (this.peek()?.v !== "(") {
      if (!this.env.has(name)) throw new Unsupported(`unknown ${name}`);
      return this.env.get(name)!;
    }
    const a = this.args();
    const s = (k: number) => {
      const v = a[k];
      if (typeof v !== "string" && typeof v !== "number") throw new Unsupported(`${name} arg`);
      return String(v);
    };
    const helper = /^utils\.(\w+)$/.exec(name)?.[1];
    if (helper && helper in PATTERNS) return PATTERNS[helper]!(a.length ? s(0) : "");
    switch (name) {
      case "append": {
        const base = a[0] ?? [];
        if (!Array.isArray(base)) throw new Unsupported("append");
        return [...base, ...a.slice(1)];
      }
      case "secrets.NewSecret":
        return this.gen(s(0));
      case "fmt.Sprintf":
        return sprintf(s(0), a.slice(1));
      case "strings.Repeat":
        return s(0).repeat(Number(a[1]));
      case "strings.ToUpper":
        return s(0).toUpperCase();
      case "strings.ToLower":
        return s(0).toLowerCase();
      case "utils.GenerateSampleSecret":
        return `${s(0)}_api_token = "${s(1)}"`;
      case "utils.GenerateSampleSecrets":
        return this.samples.map(([, tpl]) =>
          tpl.replace(/\{([iIs])\}/g, (_, k: string) =>
            k === "i" ? s(0) : k === "I" ? s(0).toUpperCase() : s(1),
          ),
        );
      default:
        throw new Unsupported(`call ${name}`);
    }
  }
}

/** Statements of a block: token ranges split at depth-0 `;`. */
function statements(toks: GoTok[], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = from;
  for (let k = from; k < to; k++) {
    const v = toks[k]!.t === "op" ? toks[k]!.v : "";
    if (v === "(" || v === "[" || v === "{") depth++;
    else if (v === ")" || v === "]" || v === "}") depth--;
    else if (v === ";" && depth === 0) {
      if (k > start) out.push([start, k]);
      start = k + 1;
    }
  }
  if (to > start) out.push([start, to]);
  return out;
}

function sampleTemplates(repo: string, commit: string): [string, string][] {
  const toks = goTokens(git(repo, "show", `${commit}:cmd/generate/config/utils/generate.go`));
  const k = toks.findIndex((t, j) => t.v === "samples" && toks[j + 1]?.v === ":=");
  const ev = new GoEval(toks, new Map(), () => "", []);
  ev.p = k + 2;
  const m = ev.expr();
  if (!(m instanceof Map)) throw new Error("gitleaks: GenerateSampleSecrets templates not found");
  return [...m].map(([a, b]) => [a, String(b)]);
}

function gitleaksCases(skipped: Skipped): Case[] {
  const repo = "gitleaks/gitleaks";
  const commit = git(repo, "rev-parse", "HEAD").trim();
  const samples = sampleTemplates(repo, commit);
  const dir = "cmd/generate/config/rules/";
  const files = git(repo, "ls-tree", "--name-only", commit, dir)
    .split("\n")
    .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"));
  const out: Case[] = [];
  for (const path of files) {
    const toks = goTokens(git(repo, "show", `${commit}:${path}`));
    const stem = path.slice(dir.length, -3);
    for (let k = 0; k < toks.length; k++) {
      if (toks[k]!.v !== "func" || toks[k + 1]?.t !== "id") continue;
      const fn = toks[k + 1]!.v;
      // The body: from the first `{` after the signature to its matching `}`.
      let b = k + 2;
      while (b < toks.length && toks[b]!.v !== "{") b++;
      let depth = 0;
      let e = b;
      for (; e < toks.length; e++) {
        if (toks[e]!.v === "{") depth++;
        else if (toks[e]!.v === "}" && --depth === 0) break;
      }
      const body = toks.slice(b + 1, e);
      k = e;
      const ruleAt = body.findIndex((t, j) => t.v === "RuleID" && body[j + 1]?.v === ":");
      const rule = ruleAt >= 0 && body[ruleAt + 2]?.t === "str" ? body[ruleAt + 2]!.v : fn;
      const env = new Map<string, GoVal>();
      const gen = generator(`${commit}:${path}:${fn}`);
      let tpsBroken = false;
      let fpsBroken = false;
      for (const [s0, s1] of statements(body, 0, body.length)) {
        const st = body.slice(s0, s1);
        const touches = (n: string) => st.some((t) => t.t === "id" && t.v === n);
        const head = st[0]!.v === "var" ? 1 : 0;
        const isReturn = st[0]!.v === "return";
        try {
          if (isReturn) continue;
          if (st[head]?.t === "id" && (st[head + 1]?.v === ":=" || st[head + 1]?.v === "=")) {
            const ev = new GoEval(st, env, gen, samples);
            ev.p = head + 2;
            const v = ev.expr();
            if (ev.p !== st.length) throw new Unsupported("trailing tokens");
            env.set(st[head]!.v, v);
          } else if (touches("tps") || touches("fps")) throw new Unsupported("statement");
        } catch (err) {
          if (!(err instanceof Unsupported)) throw err;
          if (touches("tps")) tpsBroken = true;
          if (touches("fps")) fpsBroken = true;
        }
      }
      // The lists passed to Validate: by convention `tps` and `fps`.
      const take = (name: string, label: boolean, broken: boolean) => {
        const v = env.get(name);
        if (broken) skip(skipped, `gitleaks: ${label ? "tps" : "fps"} statement not evaluated`);
        if (v == null) return [] as [string, string][];
        const entries: [string, string][] = Array.isArray(v)
          ? v.map((x, j) => [String(j), String(x)])
          : v instanceof Map
            ? [...v].map(([p, x]) => [p, String(x)])
            : [];
        return entries.map(([c, text]) => [c, text] as [string, string]);
      };
      const tps = take("tps", true, tpsBroken);
      const fps = take("fps", false, fpsBroken);
      const tpText = new Set(tps.map(([, t]) => t));
      for (const [c, text] of tps)
        out.push({
          source: "gitleaks",
          repo,
          commit,
          path,
          family: family(stem),
          rule,
          case: `tps ${c}`,
          label: true,
          text,
        });
      for (const [c, text] of fps) {
        if (tpText.has(text)) {
          skip(skipped, "gitleaks: fps negative only by file path");
          continue;
        }
        out.push({
          source: "gitleaks",
          repo,
          commit,
          path,
          family: family(stem),
          rule,
          case: `fps ${c}`,
          label: false,
          text,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- detect-secrets

type PyVal = string | number | boolean | null | PyVal[];
/** A value the evaluator cannot compute (an imported name, a random number): rows holding it are skipped. */
const UNKNOWN = "\u0000unknown" as const;

/** Python tokens: string literals (prefixes r/b/u; f-strings unsupported), names, numbers, operators. */
function pyTokens(src: string): GoTok[] {
  const out: GoTok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "#") {
      const e = src.indexOf("\n", i);
      i = e < 0 ? src.length : e;
    } else if (/[rRbBuUfF]/.test(c) && /^[rRbBuUfF]{1,2}['"]/.test(src.slice(i, i + 3))) {
      const m = /^[rRbBuUfF]{1,2}/.exec(src.slice(i))![0];
      const raw = /[rR]/.test(m);
      if (/[fF]/.test(m)) out.push({ t: "op", v: "f-string" });
      i += m.length;
      i = pyString(src, i, raw, out);
    } else if (c === "'" || c === '"') i = pyString(src, i, false, out);
    else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200))![0];
      out.push({ t: "id", v: m });
      i += m.length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9_.xXa-fA-F]*/.exec(src.slice(i, i + 100))![0];
      out.push({ t: "num", v: m });
      i += m.length;
    } else {
      const op = ["**", "==", "!=", "<=", ">="].find((o) => src.startsWith(o, i)) ?? c;
      out.push({ t: "op", v: op });
      i += op.length;
    }
  }
  return out;
}

function pyString(src: string, i: number, raw: boolean, out: GoTok[]): number {
  const q = src.startsWith(src[i]!.repeat(3), i) ? src[i]!.repeat(3) : src[i]!;
  let j = i + q.length;
  let s = "";
  while (j < src.length && !src.startsWith(q, j)) {
    if (src[j] === "\\" && !raw) {
      const n = src[j + 1]!;
      const simple = PY_ESCAPES;
      if (n in simple) {
        s += simple[n];
        j += 2;
      } else if (n === "x") {
        s += String.fromCharCode(Number.parseInt(src.slice(j + 2, j + 4), 16));
        j += 4;
      } else {
        s += `\\${n}`;
        j += 2;
      }
    } else if (src[j] === "\\" && raw) {
      s += src.slice(j, j + 2);
      j += 2;
    } else s += src[j++];
  }
  const prev = out[out.length - 1];
  // Adjacent literals concatenate.
  if (prev?.t === "str" && (out[out.length - 2]?.v ?? "") !== "f-string") prev.v += s;
  else out.push({ t: "str", v: s });
  return j + q.length;
}

class PyEval {
  p = 0;
  constructor(
    readonly toks: GoTok[],
    readonly env: Map<string, PyVal>,
  ) {}
  peek(k = 0) {
    return this.toks[this.p + k];
  }
  eat(v: string) {
    if (this.peek()?.v !== v) throw new Unsupported(`expected ${v}`);
    this.p++;
  }
  expr(): PyVal {
    let v = this.postfix();
    for (;;) {
      const op = this.peek()?.v;
      if (op !== "+" && op !== "*") return v;
      this.p++;
      const r = this.postfix();
      if (v === UNKNOWN || r === UNKNOWN) v = UNKNOWN;
      else if (op === "+" && typeof v === "string" && typeof r === "string") v = v + r;
      else if (op === "*" && typeof v === "string" && typeof r === "number") v = v.repeat(r);
      else throw new Unsupported("operator");
    }
  }
  postfix(): PyVal {
    let v = this.primary();
    for (;;) {
      if (this.peek()?.v === "." && this.peek(1)?.t === "id" && this.peek(2)?.v === "(") {
        const m = this.peek(1)!.v;
        this.p += 3;
        const a: PyVal[] = [];
        const kw = new Map<string, PyVal>();
        while (this.peek()?.v !== ")") {
          if (this.peek()?.t === "id" && this.peek(1)?.v === "=") {
            const k = this.peek()!.v;
            this.p += 2;
            kw.set(k, this.expr());
          } else a.push(this.expr());
          if (this.peek()?.v === ",") this.p++;
        }
        this.p++;
        if (v === UNKNOWN || a.includes(UNKNOWN) || [...kw.values()].includes(UNKNOWN)) v = UNKNOWN;
        else if (typeof v !== "string") throw new Unsupported("method on non-string");
        else if (m === "format") {
          let k = 0;
          v = v.replace(/\{\{|\}\}|\{(\w*)\}/g, (x, n: string) => {
            if (x === "{{") return "{";
            if (x === "}}") return "}";
            const r = n === "" ? a[k++] : /^\d+$/.test(n) ? a[Number(n)] : kw.get(n);
            if (r === undefined) throw new Unsupported(`format field ${n}`);
            return String(r);
          });
        } else if (m === "upper") v = v.toUpperCase();
        else if (m === "lower") v = v.toLowerCase();
        else throw new Unsupported(`method ${m}`);
      } else if (this.peek()?.v === "[") {
        this.p++;
        const a = this.peek()?.v === ":" ? 0 : Number(this.expr());
        let b: number | undefined;
        let slice = false;
        if (this.peek()?.v === ":") {
          slice = true;
          this.p++;
          if (this.peek()?.v !== "]") b = Number(this.expr());
        }
        this.eat("]");
        if (v === UNKNOWN) continue;
        if (typeof v !== "string" && !Array.isArray(v)) throw new Unsupported("index");
        v = slice ? v.slice(a, b) : ((v as PyVal[])[a] ?? null);
      } else return v;
    }
  }
  primary(): PyVal {
    const t = this.toks[this.p++];
    if (!t) throw new Unsupported("end");
    if (t.t === "str") return t.v;
    if (t.t === "num") return Number(t.v);
    if (t.v === "f-string") throw new Unsupported("f-string");
    if (t.v === "-") return -Number(this.primary());
    if (t.v === "(" || t.v === "[") {
      const close = t.v === "(" ? ")" : "]";
      const items: PyVal[] = [];
      let comma = false;
      while (this.peek()?.v !== close) {
        items.push(this.expr());
        if (this.peek()?.v === ",") {
          comma = true;
          this.p++;
        } else if (this.peek()?.v !== close) throw new Unsupported("sequence");
      }
      this.p++;
      return t.v === "(" && !comma && items.length === 1 ? items[0]! : items;
    }
    if (t.t === "id") {
      if (t.v === "True") return true;
      if (t.v === "False") return false;
      if (t.v === "None") return null;
      if (this.env.has(t.v)) return this.env.get(t.v)!;
      // An imported name or a call: unknown, skipping its argument list.
      if (this.peek()?.v === "(") {
        let depth = 0;
        do {
          const v = this.toks[this.p++]?.v;
          if (v === "(") depth++;
          else if (v === ")") depth--;
        } while (depth > 0 && this.p < this.toks.length);
      }
      return UNKNOWN;
    }
    throw new Unsupported(`token ${t.v}`);
  }
}

function detectSecretsCases(skipped: Skipped): Case[] {
  const repo = "Yelp/detect-secrets";
  const commit = git(repo, "rev-parse", "HEAD").trim();
  const files = git(repo, "ls-tree", "--name-only", commit, "tests/plugins/")
    .split("\n")
    .filter((f) => f.endsWith("_test.py") && !f.endsWith("base_test.py"));
  const out: Case[] = [];
  const seen = new Map<string, Case>();
  const push = (c: Case) => {
    const prev = seen.get(`${c.family}\u0000${c.text}`);
    if (prev) {
      if (prev.label !== c.label) {
        skip(skipped, "detect-secrets: line labelled both ways (per file type)");
        if (c.label) prev.label = true;
      }
      return;
    }
    seen.set(`${c.family}\u0000${c.text}`, c);
    out.push(c);
  };
  for (const path of files) {
    const src = git(repo, "show", `${commit}:${path}`);
    const stem = path.replace(/^tests\/plugins\//, "").replace(/_test\.py$/, "");
    const base = { source: "detect-secrets" as const, repo, commit, path, family: family(stem), rule: stem };
    const env = new Map<string, PyVal>();
    // Module constants: NAME = expr at column 0.
    const lines = src.split("\n");
    for (let l = 0; l < lines.length; l++) {
      const m = /^([A-Z_][A-Z0-9_]*) = (.*)$/.exec(lines[l]!);
      if (!m) continue;
      let text = m[2]!;
      let depth = 0;
      let e = l;
      const bal = (s: string) => {
        for (const ch of s.replace(/'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*"|#.*$/g, "")) {
          if ("([{".includes(ch)) depth++;
          else if (")]}".includes(ch)) depth--;
        }
      };
      bal(text);
      while (depth > 0 && e + 1 < lines.length) {
        e++;
        text += `\n${lines[e]}`;
        bal(lines[e]!);
      }
      try {
        const ev = new PyEval(pyTokens(text), env);
        env.set(m[1]!, ev.expr());
      } catch (err) {
        if (!(err instanceof Unsupported)) throw err;
      }
      if (/_TEST_CASES$/.test(m[1]!)) {
        const v = env.get(m[1]!);
        if (!Array.isArray(v)) {
          skip(skipped, "detect-secrets: test-case table not evaluated");
          continue;
        }
        v.forEach((row, j) => {
          if (!Array.isArray(row) || typeof row[0] !== "string" || row[0] === UNKNOWN) {
            skip(skipped, "detect-secrets: row not evaluated");
            return;
          }
          push({ ...base, case: `${m[1]}[${j}]`, label: row[1] != null, text: row[0] });
        });
      }
    }
    // parametrize('names', [ … ]) followed by the test function.
    const toks = pyTokens(src);
    for (let k = 0; k < toks.length; k++) {
      if (toks[k]!.v !== "parametrize" || toks[k + 1]?.v !== "(" || toks[k + 2]?.t !== "str") continue;
      const names = toks[k + 2]!.v.split(",").map((s) => s.trim());
      const lineAt = names.findIndex((n) => ["line", "payload", "file_content"].includes(n));
      const flagAt = names.findIndex((n) => ["should_flag"].includes(n));
      const ev = new PyEval(toks, env);
      ev.p = k + 4;
      let rows: PyVal;
      try {
        rows = ev.expr();
      } catch (err) {
        if (!(err instanceof Unsupported)) throw err;
        if (process.env.PEER_CORPUS_DEBUG) console.log(path, names, err.message);
        skip(skipped, `detect-secrets: parametrize(${names.join(",")}) not evaluated`);
        continue;
      }
      if (lineAt < 0 || !Array.isArray(rows) || (names.length > 1 && flagAt < 0)) {
        skip(
          skipped,
          `detect-secrets: parametrize(${names.join(",")}) not a line/label table`,
          Array.isArray(rows) ? rows.length : 1,
        );
        continue;
      }
      // A one-column table: the label is the test's assertion (`== 1`/truthy → true, `== 0`/`not` → false).
      let single: boolean | undefined;
      if (names.length === 1) {
        const fnAt = toks.findIndex((t, j) => j > ev.p && t.v === "def");
        const body = toks
          .slice(fnAt, fnAt + 80)
          .map((t) => t.v)
          .join(" ");
        single = !/==\s*0|assert not\b/.test(body);
      }
      rows.forEach((row, j) => {
        const r = names.length === 1 ? [row] : row;
        if (!Array.isArray(r) || typeof r[lineAt] !== "string" || r[lineAt] === UNKNOWN) {
          skip(skipped, "detect-secrets: row not evaluated");
          return;
        }
        const label = names.length === 1 ? single! : r[flagAt] === true;
        push({ ...base, case: `parametrize ${j}`, label, text: r[lineAt] as string });
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- build

export interface Built {
  cases: Case[];
  skipped: Skipped;
  commits: Record<string, string>;
}

export function buildCorpus(): Built {
  const skipped: Skipped = {};
  const cases = [...secretlintCases(skipped), ...gitleaksCases(skipped), ...detectSecretsCases(skipped)];
  return { cases, skipped, commits: headCommits() };
}

/** Writes the cache (corpus.jsonl, and meta.json with the commits and the skip counts). */
export function writeCorpus(b: Built, path = CACHE): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${b.cases.map((c) => JSON.stringify(c)).join("\n")}\n`);
  writeFileSync(
    resolve(dirname(path), "meta.json"),
    `${JSON.stringify({ commits: b.commits, skipped: b.skipped }, null, 2)}\n`,
  );
}

/** The cache when it was built from the mirrors' current commits. */
export function cacheIsFresh(path = CACHE): boolean {
  const meta = resolve(dirname(path), "meta.json");
  if (!existsSync(path) || !existsSync(meta)) return false;
  try {
    const { commits } = JSON.parse(readFileSync(meta, "utf8")) as { commits: Record<string, string> };
    const now = headCommits();
    return PEERS.every((p) => commits[p] === now[p]);
  } catch {
    return false;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = missingMirrors();
  if (missing.length) {
    console.log(
      `peer corpus not available: fetch ${missing.join(", ")} (mirrors under ${MIRRORS}, PEER_MIRRORS overrides)`,
    );
  } else {
    const b = buildCorpus();
    writeCorpus(b);
    const by = new Map<string, [number, number]>();
    for (const c of b.cases) {
      const r = by.get(c.source) ?? [0, 0];
      r[c.label ? 0 : 1]++;
      by.set(c.source, r);
    }
    for (const [s, [p, n]] of by)
      console.log(
        `${s.padEnd(15)} ${b.commits[PEERS.find((x) => x.toLowerCase().endsWith(s))!]}  true ${p}  false ${n}`,
      );
    console.log("skipped:");
    for (const [why, n] of Object.entries(b.skipped).sort())
      console.log(`  ${String(n).padStart(4)}  ${why}`);
    console.log(`wrote ${CACHE}`);
  }
}
