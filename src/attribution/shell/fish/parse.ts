import { decodeBytes, decodeUtf8Lossless } from "../../../snapshot/environ.js";

/**
 * A reader for the subset of fish syntax that startup files use (fish 3.x): quoting and escapes,
 * comments, `;`/newlines, `&&`/`||`/`|`, `and`/`or`/`not`, `begin`, `if`/`else if`/`else`, `switch`/`case`,
 * `for`, `while`, `function`, variable expansion, brace expansion, `~`, command substitution `(…)`/`$(…)`.
 *
 * Contract: `parseFish` never throws. Malformed input yields `errors` with a line number and a best-effort
 * tree; the analyser decides what fish would do with such a file (fish refuses to run a file that does not
 * parse). Every statement carries the 1-based line where it starts.
 */

/** One piece of a word, before expansion. */
export type WordPart =
  | { t: "lit"; s: string; quoted: boolean }
  /** `$name` or `$name[idx]`; `deref` for `$$name` (never evaluated statically). */
  | { t: "var"; name: string; index?: string; quoted: boolean; deref?: boolean }
  /** `(…)` or `$(…)`: its output is only known at run time. */
  | { t: "cmdsub"; text: string; quoted: boolean }
  /** `{a,b}`: each alternative is itself a list of parts. */
  | { t: "brace"; alts: WordPart[][] }
  /** `~` or `~user` at the start of a word. */
  | { t: "home"; user: string }
  /** An unquoted `*`, `**` or `?`: file-name expansion at run time. */
  | { t: "glob"; s: string };

export interface Word {
  parts: WordPart[];
  /** The word as written in the file. */
  raw: string;
  line: number;
}

export type Conj = "and" | "or";

interface StmtBase {
  line: number;
  /** Run only if the previous job succeeded (`and`, `&&`) or failed (`or`, `||`). */
  conj?: Conj;
  /** `not` / `!` prefixes (an odd count inverts the status). */
  negate?: boolean;
  /** This statement receives the output of the previous one through `|`. */
  piped?: boolean;
}

export interface CommandStmt extends StmtBase {
  type: "cmd";
  words: Word[];
}
export interface BlockStmt extends StmtBase {
  type: "begin";
  body: Stmt[];
}
export interface IfClause {
  line: number;
  /** The condition job: its first statement and the `and`/`or` statements that continue it. */
  cond: Stmt[];
  body: Stmt[];
}
export interface IfStmt extends StmtBase {
  type: "if";
  clauses: IfClause[];
  elseBody?: Stmt[];
}
export interface WhileStmt extends StmtBase {
  type: "while";
  cond: Stmt[];
  body: Stmt[];
}
export interface ForStmt extends StmtBase {
  type: "for";
  variable: Word | undefined;
  items: Word[];
  body: Stmt[];
}
export interface SwitchCase {
  line: number;
  patterns: Word[];
  body: Stmt[];
}
export interface SwitchStmt extends StmtBase {
  type: "switch";
  subject: Word | undefined;
  cases: SwitchCase[];
}
export interface FunctionStmt extends StmtBase {
  type: "function";
  /** `function` arguments: the name, then options (`--on-variable X`, `-d …`). */
  args: Word[];
  body: Stmt[];
}
export type Stmt = CommandStmt | BlockStmt | IfStmt | WhileStmt | ForStmt | SwitchStmt | FunctionStmt;

export interface ParseError {
  line: number;
  message: string;
}

export interface FishParse {
  body: Stmt[];
  errors: ParseError[];
}

// ---------------------------------------------------------------------------------------------------
// Tokenizer

type Sep = ";" | "\n" | "&&" | "||" | "|" | "&" | "eof";
type Token = { k: "word"; word: Word } | { k: "sep"; s: Sep; line: number } | { k: "redir"; line: number };

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};
/** Characters that a backslash makes literal in unquoted text. */
const LITERAL_ESCAPES = new Set(" $\\'\"*?~#()[]{}<>^&|;%,=@-!:+".split(""));

const isVarChar = (c: string | undefined): boolean => !!c && /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string | undefined): boolean => !!c && c >= "0" && c <= "9";

class Tokenizer {
  pos = 0;
  line = 1;
  readonly tokens: Token[] = [];
  constructor(
    readonly src: string,
    readonly errors: ParseError[],
  ) {}

  run(): Token[] {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === " " || c === "\t" || c === "\r") {
        this.pos++;
      } else if (c === "\\" && s[this.pos + 1] === "\n") {
        this.pos += 2;
        this.line++;
      } else if (c === "\n") {
        this.push({ k: "sep", s: "\n", line: this.line });
        this.pos++;
        this.line++;
      } else if (c === "#") {
        while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
      } else if (c === ";") {
        this.push({ k: "sep", s: ";", line: this.line });
        this.pos++;
      } else if (c === "&" && s[this.pos + 1] === "&") {
        this.push({ k: "sep", s: "&&", line: this.line });
        this.pos += 2;
      } else if (c === "|" && s[this.pos + 1] === "|") {
        this.push({ k: "sep", s: "||", line: this.line });
        this.pos += 2;
      } else if (c === "&" && s[this.pos + 1] === "|") {
        this.push({ k: "sep", s: "|", line: this.line });
        this.pos += 2;
      } else if (c === "|") {
        this.push({ k: "sep", s: "|", line: this.line });
        this.pos++;
      } else if (c === "&" && s[this.pos + 1] !== ">") {
        this.push({ k: "sep", s: "&", line: this.line });
        this.pos++;
      } else if (this.redirectionAhead()) {
        this.readRedirection();
      } else {
        this.push({ k: "word", word: this.readWord() });
      }
    }
    this.push({ k: "sep", s: "eof", line: this.line });
    return this.tokens;
  }

  private push(t: Token): void {
    this.tokens.push(t);
  }

  /** `>`, `>>`, `<`, `2>`, `2>&1`, `&>`, `>?`, `>|` start a redirection (fish does not treat `^` as one by default). */
  private redirectionAhead(): boolean {
    const s = this.src;
    let p = this.pos;
    while (isDigit(s[p])) p++;
    if (s[p] === "&" && s[p + 1] === ">") return true;
    return s[p] === ">" || s[p] === "<";
  }

  private readRedirection(): void {
    const s = this.src;
    const line = this.line;
    while (isDigit(s[this.pos])) this.pos++;
    if (s[this.pos] === "&") this.pos++;
    this.pos++; // > or <
    if (s[this.pos] === ">" || s[this.pos] === "?" || s[this.pos] === "|") this.pos++;
    if (s[this.pos] === "&") {
      // fd duplication: `2>&1`, `>&-`
      this.pos++;
      while (this.pos < s.length && /[0-9-]/.test(s[this.pos]!)) this.pos++;
      this.push({ k: "redir", line });
      return;
    }
    while (s[this.pos] === " " || s[this.pos] === "\t") this.pos++;
    if (this.pos < s.length && !"\n;|&".includes(s[this.pos]!)) this.readWord();
    this.push({ k: "redir", line });
  }

  private readWord(): Word {
    const s = this.src;
    const start = this.pos;
    const line = this.line;
    const parts: WordPart[] = [];
    let lit = "";
    const flush = (quoted = false): void => {
      if (lit) parts.push({ t: "lit", s: lit, quoted });
      lit = "";
    };
    const atStart = (): boolean => parts.length === 0 && lit === "";
    let braceDepth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (" \t\r\n;|".includes(c)) break;
      if (c === "&" && (s[this.pos + 1] === "&" || braceDepth === 0)) break;
      if ((c === "<" || c === ">") && braceDepth === 0) break;
      if (c === "\\") {
        const n = s[this.pos + 1];
        if (n === "\n") {
          this.pos += 2;
          this.line++;
          continue;
        }
        flush();
        const [text, len] = this.unquotedEscape(this.pos);
        parts.push({ t: "lit", s: text, quoted: true });
        this.pos += len;
        continue;
      }
      if (c === "'") {
        flush();
        parts.push({ t: "lit", s: this.readSingle(), quoted: true });
        continue;
      }
      if (c === '"') {
        flush();
        parts.push(...this.readDouble());
        continue;
      }
      if (c === "$") {
        flush();
        parts.push(this.readDollar(false));
        continue;
      }
      if (c === "(") {
        flush();
        parts.push({ t: "cmdsub", text: this.readParens(), quoted: false });
        continue;
      }
      if (c === "~" && atStart()) {
        this.pos++;
        let user = "";
        while (this.pos < s.length && /[A-Za-z0-9_.-]/.test(s[this.pos]!)) user += s[this.pos++];
        parts.push({ t: "home", user });
        continue;
      }
      if (c === "*" || c === "?") {
        flush();
        let g = "";
        while (s[this.pos] === "*" || s[this.pos] === "?") g += s[this.pos++];
        parts.push({ t: "glob", s: g });
        continue;
      }
      if (c === "{") braceDepth++;
      if (c === "}" && braceDepth > 0) braceDepth--;
      lit += c;
      this.pos++;
    }
    flush();
    const raw = s.slice(start, this.pos);
    return { parts: groupBraces(parts), raw, line };
  }

  /** Returns the text an unquoted backslash escape stands for, and its length. */
  private unquotedEscape(p: number): [string, number] {
    const s = this.src;
    const n = s[p + 1];
    if (n === undefined) return ["\\", 1];
    if (n in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[n]!, 2];
    if (n === "x" || n === "X") return this.numericEscape(p, 2, 16, 2);
    if (n === "u") return this.numericEscape(p, 2, 16, 4);
    if (n === "U") return this.numericEscape(p, 2, 16, 8);
    if (n >= "0" && n <= "7") return this.numericEscape(p, 1, 8, 3);
    if (n === "c") {
      const ch = s[p + 2];
      if (ch === undefined) return ["", 2];
      return [String.fromCharCode(ch.toUpperCase().charCodeAt(0) & 0x1f), 3];
    }
    if (LITERAL_ESCAPES.has(n)) return [n, 2];
    // fish drops the backslash of an unknown escape? It reports an error; keep the character.
    return [n, 2];
  }

  private numericEscape(p: number, skip: number, base: number, maxDigits: number): [string, number] {
    const s = this.src;
    let digits = "";
    const re = base === 16 ? /[0-9a-fA-F]/ : /[0-7]/;
    while (digits.length < maxDigits && re.test(s[p + skip + digits.length] ?? "")) {
      digits += s[p + skip + digits.length];
    }
    if (!digits) return [s[p + 1] ?? "", 2];
    let code = Number.parseInt(digits, base);
    let text: string;
    if ((skip === 2 && maxDigits === 2) || (base === 8 && code <= 0xff)) {
      // `\xHH` and octal escapes produce a byte: above 0x7f it is a raw byte (kept like invalid UTF-8).
      text = code <= 0x7f ? String.fromCharCode(code) : rawByteChar(code);
    } else {
      if (code > 0x10ffff) code = 0xfffd;
      text = String.fromCodePoint(code);
    }
    return [text, skip + digits.length];
  }

  private readSingle(): string {
    const s = this.src;
    const line = this.line;
    this.pos++;
    let out = "";
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === "'") {
        this.pos++;
        return out;
      }
      if (c === "\\" && (s[this.pos + 1] === "'" || s[this.pos + 1] === "\\")) {
        out += s[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (c === "\n") this.line++;
      out += c;
      this.pos++;
    }
    this.errors.push({ line, message: "unterminated single quote" });
    return out;
  }

  private readDouble(): WordPart[] {
    const s = this.src;
    const line = this.line;
    const parts: WordPart[] = [];
    let lit = "";
    const flush = (): void => {
      parts.push({ t: "lit", s: lit, quoted: true });
      lit = "";
    };
    this.pos++;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === '"') {
        this.pos++;
        if (lit || parts.length === 0) flush();
        return parts;
      }
      if (c === "\\") {
        const n = s[this.pos + 1];
        if (n === "\n") {
          this.pos += 2;
          this.line++;
          continue;
        }
        if (n === '"' || n === "\\" || n === "$") {
          lit += n;
          this.pos += 2;
          continue;
        }
        lit += c;
        this.pos++;
        continue;
      }
      if (c === "$") {
        if (lit) flush();
        parts.push(this.readDollar(true));
        continue;
      }
      if (c === "\n") this.line++;
      lit += c;
      this.pos++;
    }
    this.errors.push({ line, message: "unterminated double quote" });
    if (lit || parts.length === 0) flush();
    return parts;
  }

  /** At `$`: a variable, `$$var`, `$(…)`, or a lone `$`. */
  private readDollar(quoted: boolean): WordPart {
    const s = this.src;
    this.pos++;
    if (s[this.pos] === "(") return { t: "cmdsub", text: this.readParens(), quoted };
    let deref = false;
    while (s[this.pos] === "$") {
      deref = true;
      this.pos++;
    }
    let name = "";
    while (isVarChar(s[this.pos])) name += s[this.pos++];
    if (!name) {
      if (!deref) this.errors.push({ line: this.line, message: "'$' not followed by a variable name" });
      return { t: "lit", s: "$", quoted };
    }
    const part: WordPart = { t: "var", name, quoted };
    if (deref) part.deref = true;
    if (s[this.pos] === "[") {
      const close = s.indexOf("]", this.pos);
      if (close < 0) {
        this.errors.push({ line: this.line, message: "unterminated variable index" });
        part.index = s.slice(this.pos + 1);
        this.pos = s.length;
      } else {
        part.index = s.slice(this.pos + 1, close);
        this.pos = close + 1;
      }
    }
    return part;
  }

  /** At `(`: returns the text up to the matching `)`, respecting quotes and nesting. */
  private readParens(): string {
    const s = this.src;
    const line = this.line;
    const start = this.pos + 1;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === "\\") {
        if (s[this.pos + 1] === "\n") this.line++;
        this.pos += 2;
        continue;
      }
      if (c === "'" || c === '"') {
        const q = c;
        this.pos++;
        while (this.pos < s.length && s[this.pos] !== q) {
          if (s[this.pos] === "\\") this.pos++;
          else if (s[this.pos] === "\n") this.line++;
          this.pos++;
        }
        this.pos++;
        continue;
      }
      if (c === "#" && (s[this.pos - 1] === " " || s[this.pos - 1] === "\n" || s[this.pos - 1] === "(")) {
        while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
        continue;
      }
      if (c === "\n") this.line++;
      if (c === "(") depth++;
      if (c === ")") {
        depth--;
        if (depth === 0) {
          this.pos++;
          return s.slice(start, this.pos - 1);
        }
      }
      this.pos++;
    }
    this.errors.push({ line, message: "unterminated command substitution" });
    return s.slice(start);
  }
}

/** Marks a raw byte (from `\xHH` or undecodable input) with fish's own trick: a private-use character. */
export const RAW_BYTE_BASE = 0xf600;
export function rawByteChar(byte: number): string {
  return String.fromCharCode(RAW_BYTE_BASE + (byte & 0xff));
}

/** Turns unquoted literal `{a,b}` text into brace parts (fish leaves `{}` and `{x}` with no comma literal). */
function groupBraces(parts: WordPart[]): WordPart[] {
  if (!parts.some((p) => p.t === "lit" && !p.quoted && p.s.includes("{"))) return parts;
  // Flatten unquoted literals into characters so braces can be matched across other parts.
  type Item = { ch: string } | { part: WordPart };
  const items: Item[] = [];
  for (const p of parts) {
    if (p.t === "lit" && !p.quoted) for (const ch of p.s) items.push({ ch });
    else items.push({ part: p });
  }
  let i = 0;
  const parseSeq = (inBrace: boolean): { alts: WordPart[][]; closed: boolean } => {
    const alts: WordPart[][] = [[]];
    while (i < items.length) {
      const it = items[i]!;
      if ("ch" in it) {
        if (it.ch === "{") {
          const save = i;
          i++;
          const inner = parseSeq(true);
          if (inner.closed && inner.alts.length > 1) {
            alts[alts.length - 1]!.push({ t: "brace", alts: inner.alts });
          } else {
            // Not an expansion: keep the text literally.
            i = save + 1;
            pushLit(alts[alts.length - 1]!, "{");
          }
          continue;
        }
        if (inBrace && it.ch === "}") {
          i++;
          return { alts, closed: true };
        }
        if (inBrace && it.ch === ",") {
          alts.push([]);
          i++;
          continue;
        }
        pushLit(alts[alts.length - 1]!, it.ch);
      } else {
        alts[alts.length - 1]!.push(it.part);
      }
      i++;
    }
    return { alts, closed: false };
  };
  const out = parseSeq(false);
  return out.alts.flatMap((a, idx) => (idx === 0 ? a : [{ t: "lit" as const, s: ",", quoted: false }, ...a]));
}

function pushLit(list: WordPart[], ch: string): void {
  const last = list[list.length - 1];
  if (last && last.t === "lit" && !last.quoted) last.s += ch;
  else list.push({ t: "lit", s: ch, quoted: false });
}

// ---------------------------------------------------------------------------------------------------
// Parser

/** The literal text of a word when it is a plain unquoted word (how fish recognises keywords). */
export function plainWord(w: Word | undefined): string | undefined {
  if (w?.parts.length !== 1) return undefined;
  const p = w.parts[0]!;
  return p.t === "lit" && !p.quoted ? p.s : undefined;
}

/** The literal value of a word when it has no expansions at all (quoted or not). */
export function literalWord(w: Word | undefined): string | undefined {
  if (!w) return undefined;
  let out = "";
  for (const p of w.parts) {
    if (p.t !== "lit") return undefined;
    out += p.s;
  }
  return out;
}

const MAX_DEPTH = 200;

class Parser {
  i = 0;
  depth = 0;
  constructor(
    readonly toks: Token[],
    readonly errors: ParseError[],
  ) {}

  private peek(): Token {
    return this.toks[this.i] ?? { k: "sep", s: "eof", line: 0 };
  }
  private lineOf(t: Token): number {
    return t.k === "word" ? t.word.line : t.line;
  }
  private skipSeps(): void {
    for (;;) {
      const t = this.peek();
      if (t.k === "sep" && (t.s === "\n" || t.s === ";")) this.i++;
      else if (t.k === "redir") this.i++;
      else return;
    }
  }
  private keywordAt(): string | undefined {
    const t = this.peek();
    return t.k === "word" ? plainWord(t.word) : undefined;
  }

  /** Parses statements until one of `stops` (a keyword) or EOF; returns the stop keyword found. */
  list(stops: ReadonlySet<string>): { body: Stmt[]; stop: string | undefined } {
    const body: Stmt[] = [];
    let pending: { conj?: Conj; piped?: boolean } = {};
    for (;;) {
      const t0 = this.peek();
      // A separator `&&`/`||`/`|` right after a statement joins the next one.
      if (t0.k === "sep" && (t0.s === "&&" || t0.s === "||" || t0.s === "|")) {
        if (body.length === 0) this.errors.push({ line: t0.line, message: `unexpected '${t0.s}'` });
        pending = t0.s === "|" ? { piped: true } : { conj: t0.s === "&&" ? "and" : "or" };
        this.i++;
        // A newline may follow `&&`, `||` and `|`.
        while (this.peek().k === "sep" && (this.peek() as { s: Sep }).s === "\n") this.i++;
        continue;
      }
      if (t0.k === "sep" && t0.s === "&") {
        this.i++;
        continue;
      }
      this.skipSeps();
      const t = this.peek();
      if (t.k === "sep" && t.s === "eof") return { body, stop: undefined };
      if (t.k === "sep") continue;
      const kw = this.keywordAt();
      if (kw !== undefined && stops.has(kw)) return { body, stop: kw };
      if (kw === "end" || kw === "else" || kw === "case") {
        this.errors.push({ line: this.lineOf(t), message: `'${kw}' outside of a block` });
        this.i++;
        this.restOfCommand();
        continue;
      }
      const st = this.statement();
      if (!st) continue;
      if (pending.conj && !st.conj) st.conj = pending.conj;
      if (pending.piped) st.piped = true;
      pending = {};
      body.push(st);
    }
  }

  /** Words up to the next separator (used after `end`, and to skip bad input). */
  private restOfCommand(): Word[] {
    const words: Word[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k === "sep") return words;
      if (t.k === "word") words.push(t.word);
      this.i++;
    }
  }

  private statement(): Stmt | undefined {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.errors.push({ line: this.lineOf(this.peek()), message: "nesting too deep" });
      this.restOfCommand();
      return undefined;
    }
    try {
      return this.statementInner();
    } finally {
      this.depth--;
    }
  }

  private statementInner(): Stmt | undefined {
    const t = this.peek();
    const line = this.lineOf(t);
    const kw = this.keywordAt();
    const next = this.toks[this.i + 1];
    // A keyword followed by `--help`/`-h` is a command in fish; treat `and`/`or`/`not` as prefixes otherwise.
    if (kw === "and" || kw === "or") {
      this.i++;
      const st = this.statement();
      if (st) st.conj = kw;
      return st;
    }
    if (kw === "not" || kw === "!") {
      this.i++;
      const st = this.statement();
      if (st) st.negate = !st.negate;
      return st;
    }
    if ((kw === "time" || kw === "command" || kw === "builtin" || kw === "exec") && next?.k === "word") {
      if (kw === "time") {
        this.i++;
        return this.statement();
      }
    }
    switch (kw) {
      case "begin": {
        this.i++;
        const { body, stop } = this.list(new Set(["end"]));
        this.closeBlock(stop, "begin", line);
        return { type: "begin", line, body };
      }
      case "if":
        return this.ifStmt(line);
      case "while": {
        this.i++;
        const cond = this.condition();
        const { body, stop } = this.list(new Set(["end"]));
        this.closeBlock(stop, "while", line);
        return { type: "while", line, cond, body };
      }
      case "for": {
        this.i++;
        const words = this.restOfCommand();
        const variable = words[0];
        if (plainWord(words[1]) !== "in") this.errors.push({ line, message: "'for' without 'in'" });
        const { body, stop } = this.list(new Set(["end"]));
        this.closeBlock(stop, "for", line);
        return { type: "for", line, variable, items: words.slice(2), body };
      }
      case "switch": {
        this.i++;
        const words = this.restOfCommand();
        const cases: SwitchCase[] = [];
        const first = this.list(new Set(["case", "end"]));
        if (first.body.length > 0) this.errors.push({ line, message: "commands before the first 'case'" });
        let stop = first.stop;
        while (stop === "case") {
          const caseLine = this.lineOf(this.peek());
          this.i++;
          const patterns = this.restOfCommand();
          const r = this.list(new Set(["case", "end"]));
          cases.push({ line: caseLine, patterns, body: r.body });
          stop = r.stop;
        }
        this.closeBlock(stop, "switch", line);
        return { type: "switch", line, subject: words[0], cases };
      }
      case "function": {
        this.i++;
        const args = this.restOfCommand();
        const { body, stop } = this.list(new Set(["end"]));
        this.closeBlock(stop, "function", line);
        return { type: "function", line, args, body };
      }
      default: {
        const words = this.restOfCommand();
        if (words.length === 0) {
          this.i++;
          return undefined;
        }
        return { type: "cmd", line, words };
      }
    }
  }

  private closeBlock(stop: string | undefined, what: string, line: number): void {
    if (stop === "end") {
      this.i++;
      this.restOfCommand(); // `end | cmd`, `end > file`
    } else {
      this.errors.push({ line, message: `missing 'end' for '${what}'` });
    }
  }

  /** The condition of `if`/`while`: one statement, then any `and`/`or` statements on the following lines. */
  private condition(): Stmt[] {
    const cond: Stmt[] = [];
    const first = this.statement();
    if (first) cond.push(first);
    for (;;) {
      const save = this.i;
      const t = this.peek();
      if (t.k === "sep" && (t.s === "&&" || t.s === "||")) {
        this.i++;
        while (this.peek().k === "sep" && (this.peek() as { s: Sep }).s === "\n") this.i++;
        const st = this.statement();
        if (st) {
          st.conj ??= t.s === "&&" ? "and" : "or";
          cond.push(st);
        }
        continue;
      }
      this.skipSeps();
      const kw = this.keywordAt();
      if (kw === "and" || kw === "or") {
        const st = this.statement();
        if (st) cond.push(st);
        continue;
      }
      this.i = save;
      return cond;
    }
  }

  private ifStmt(line: number): IfStmt {
    this.i++; // if
    const clauses: IfClause[] = [];
    let clauseLine = line;
    let elseBody: Stmt[] | undefined;
    for (;;) {
      const cond = this.condition();
      const r = this.list(new Set(["else", "end"]));
      clauses.push({ line: clauseLine, cond, body: r.body });
      if (r.stop === "else") {
        clauseLine = this.lineOf(this.peek());
        this.i++;
        const t = this.peek();
        if (t.k === "word" && plainWord(t.word) === "if") {
          this.i++;
          continue;
        }
        const e = this.list(new Set(["end"]));
        elseBody = e.body;
        this.closeBlock(e.stop, "if", line);
      } else {
        this.closeBlock(r.stop, "if", line);
      }
      break;
    }
    const st: IfStmt = { type: "if", line, clauses };
    if (elseBody) st.elseBody = elseBody;
    return st;
  }
}

/** Parses fish source text. Never throws. */
export function parseFish(src: string): FishParse {
  const errors: ParseError[] = [];
  try {
    const toks = new Tokenizer(src, errors).run();
    const p = new Parser(toks, errors);
    const { body, stop } = p.list(new Set());
    if (stop) errors.push({ line: 0, message: `unexpected '${stop}'` });
    return { body, errors };
  } catch (err) {
    // Defensive: a reader bug must not abort the analysis of other files.
    errors.push({ line: 0, message: `reader failure: ${err instanceof Error ? err.message : String(err)}` });
    return { body: [], errors };
  }
}

/**
 * Decodes file bytes as fish reads them: UTF-8, with each byte that is not valid UTF-8 kept as a raw-byte
 * marker ({@link rawByteChar}) so that values stay lossless.
 */
export function decodeFishSource(bytes: Uint8Array): { text: string; invalidBytes: number } {
  return decodeUtf8Lossless(bytes, rawByteChar);
}

/**
 * Converts a value holding raw-byte markers to the form procfs uses for the same bytes: UTF-8 when the bytes
 * decode, else text with `\xNN` escapes (`escaped`), so static values compare equal to observed ones.
 */
export function displayRawBytes(s: string): { text: string; escaped: boolean } {
  let hasRaw = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= RAW_BYTE_BASE && c <= RAW_BYTE_BASE + 0xff) {
      hasRaw = true;
      break;
    }
  }
  if (!hasRaw) return { text: s, escaped: false };
  const enc = new TextEncoder();
  const bytes: number[] = [];
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= RAW_BYTE_BASE && c <= RAW_BYTE_BASE + 0xff) bytes.push(c - RAW_BYTE_BASE);
    else bytes.push(...enc.encode(ch));
  }
  const d = decodeBytes(Uint8Array.from(bytes));
  return { text: d.text, escaped: d.escaped };
}
