/**
 * A fast path for the YAML that `kubectl get -o yaml`, `helm template` and `yaml.stringify` write: block
 * mappings and sequences, plain (also multi-line), single- and double-quoted one-line scalars, literal
 * block scalars (`|`, `|-`, `|+`), empty flow collections (`{}`, `[]`), comments, `---` and `...`. It builds
 * plain JSON values in one pass over the lines and reports the line of every mapping (its first key) and
 * sequence (its first `-`), exactly as the `yaml` library's document model would, at a fifth of its cost.
 *
 * Anything outside that subset — anchors, aliases, tags, flow collections with content, folded scalars,
 * multi-line quoted scalars, tabs in indentation, CRLF, directives, nesting deeper than the limit, and
 * everything that is not valid YAML — throws {@link Unsupported}; the caller then parses the whole input
 * with the `yaml` library, which decides what it means and reports errors. So this file never has to be
 * right about a hard case, only to recognise it. Scalars resolve by the YAML 1.2 core schema, with the
 * `yaml` library's own tests and conversions (keys become strings as the loader makes them).
 */
import type { Json, JsonObject } from "./types.js";

export class Unsupported extends Error {}

const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

export interface BlockDocument {
  value: Json;
  /** Line of the document's first content (1 for an empty document). */
  line: number;
}

// YAML 1.2 core schema, as the `yaml` package (schema/core) tests and resolves plain scalars.
const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const OCT_RE = /^0o[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const HEX_RE = /^0x[0-9a-fA-F]+$/;
const NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value, as the loader turns the `yaml` library's value into JSON. */
export function resolvePlain(s: string): Json {
  const c = s.charCodeAt(0);
  // Fast exit for the common case: words that start with a letter other than n/N/t/T/f/F.
  const maybeSpecial =
    s.length === 0 ||
    c === 126 || // ~
    c === 110 ||
    c === 78 || // n N
    c === 116 ||
    c === 84 || // t T
    c === 102 ||
    c === 70 || // f F
    c === 43 ||
    c === 45 ||
    c === 46 || // + - .
    (c >= 48 && c <= 57);
  if (!maybeSpecial) return s;
  if (NULL_RE.test(s)) return null;
  if (BOOL_RE.test(s)) return c === 116 || c === 84;
  let n: number | undefined;
  if (OCT_RE.test(s)) n = Number.parseInt(s.substring(2), 8);
  else if (INT_RE.test(s)) n = Number.parseInt(s, 10);
  else if (HEX_RE.test(s)) n = Number.parseInt(s.substring(2), 16);
  else if (NAN_RE.test(s))
    n = s.slice(-3).toLowerCase() === "nan" ? Number.NaN : c === 45 ? -Infinity : Number.POSITIVE_INFINITY;
  else if (EXP_RE.test(s) || FLOAT_RE.test(s)) n = Number.parseFloat(s);
  if (n === undefined) return s;
  return Number.isFinite(n) ? n : String(n);
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  "\t": "\t",
};
const HEX_LEN: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Characters that may not start a plain scalar or key here (or that we leave to the library). */
function isIndicator(c: number): boolean {
  // - ? : , [ ] { } # & * ! | > ' " % @ `
  return (
    c === 45 ||
    c === 63 ||
    c === 58 ||
    c === 44 ||
    c === 91 ||
    c === 93 ||
    c === 123 ||
    c === 125 ||
    c === 35 ||
    c === 38 ||
    c === 42 ||
    c === 33 ||
    c === 124 ||
    c === 62 ||
    c === 39 ||
    c === 34 ||
    c === 37 ||
    c === 64 ||
    c === 96
  );
}

const isFlowStart = (c: number) => c === 91 || c === 123;

class BlockParser {
  private off = 0;
  private end = 0;
  private ind = 0;
  private lineNo = 1;
  /** Column and offset where the current (possibly compact) node starts on this line. */
  private col = 0;
  private cOff = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly onContainer: (o: object, line: number) => void,
    private readonly maxDepth: number,
  ) {
    this.load(0);
  }

  private get eof(): boolean {
    return this.off >= this.text.length;
  }

  private load(off: number): void {
    const t = this.text;
    this.off = off;
    let e = t.indexOf("\n", off);
    if (e < 0) e = t.length;
    this.end = e;
    let i = off;
    while (i < e && t.charCodeAt(i) === 32) i++;
    this.ind = i - off;
    this.col = this.ind;
    this.cOff = i;
  }

  private next(): void {
    this.lineNo++;
    this.load(this.end + 1);
  }

  /** Skips empty and comment-only lines; stops at content, a document marker or the end. */
  private skipBlank(): void {
    const t = this.text;
    while (!this.eof) {
      const c = t.charCodeAt(this.cOff);
      if (this.cOff >= this.end || c === 35) {
        this.next();
        continue;
      }
      if (c === 9 || c === 13) {
        // Tabs or CR: blank only if nothing else is on the line; otherwise structure we do not read.
        if (t.slice(this.cOff, this.end).trim() === "") {
          if (t.charCodeAt(this.end - 1) === 13) unsupported("CRLF");
          this.next();
          continue;
        }
        unsupported("tab in indentation");
      }
      return;
    }
  }

  /** `---` or `...` at column 0, alone on its line (or with a comment). */
  private marker(): "---" | "..." | undefined {
    if (this.ind !== 0 || this.end - this.off < 3) return undefined;
    const t = this.text;
    const m = t.startsWith("---", this.off) ? "---" : t.startsWith("...", this.off) ? "..." : undefined;
    if (!m) return undefined;
    const rest = t.slice(this.off + 3, this.end);
    if (rest === "" || /^[ \t]+(?:#.*)?$/.test(rest)) return m;
    if (/^[ \t]/.test(rest)) unsupported("content after a document marker");
    return undefined; // e.g. "---foo": a plain scalar
  }

  private isSeqEntry(at: number): boolean {
    const t = this.text;
    if (t.charCodeAt(at) !== 45) return false;
    const n = at + 1;
    return n >= this.end || t.charCodeAt(n) === 32;
  }

  /** The offset of the `:` that ends a plain key starting at `at`, or -1. (Searches stay within the line.) */
  private keyColon(at: number): number {
    const t = this.text;
    const line = t.slice(at, this.end);
    let i = line.indexOf(":");
    while (i >= 0) {
      const n = line.charCodeAt(i + 1);
      if (i + 1 >= line.length || n === 32) {
        // " #" before the colon would make it a comment.
        const hash = line.indexOf(" #");
        return hash >= 0 && hash < i ? -1 : at + i;
      }
      if (n === 9) unsupported("tab after a key");
      i = line.indexOf(":", i + 1);
    }
    return -1;
  }

  private isMapEntry(at: number): boolean {
    const c = this.text.charCodeAt(at);
    if (c === 34 || c === 39) return this.quotedKeyEnd(at) >= 0;
    return this.keyColon(at) >= 0;
  }

  /** For a quoted key at `at`: the offset after its colon, or -1 when the quoted scalar is not a key. */
  private quotedKeyEnd(at: number): number {
    const q = this.quoted(at);
    if (!q) return -1;
    let i = q.after;
    const t = this.text;
    while (i < this.end && t.charCodeAt(i) === 32) i++;
    if (t.charCodeAt(i) !== 58) return -1;
    if (i + 1 < this.end && t.charCodeAt(i + 1) !== 32) return -1;
    return i + 1;
  }

  /** A one-line quoted scalar at `at`: its value and the offset after the closing quote. */
  private quoted(at: number): { value: string; after: number } | undefined {
    // Searches stay within the line: an unbounded indexOf would rescan the rest of the input each time.
    const s = this.text.slice(at, this.end);
    if (s.charCodeAt(0) === 39) {
      let i = 1;
      let out = "";
      for (;;) {
        const j = s.indexOf("'", i);
        if (j < 0) return undefined;
        out += s.slice(i, j);
        if (s.charCodeAt(j + 1) === 39) {
          out += "'";
          i = j + 2;
          continue;
        }
        return { value: out, after: at + j + 1 };
      }
    }
    let i = 1;
    let out = "";
    for (;;) {
      const q = s.indexOf('"', i);
      if (q < 0) return undefined;
      const b = s.indexOf("\\", i);
      if (b < 0 || b > q) {
        out += s.slice(i, q);
        return { value: out, after: at + q + 1 };
      }
      out += s.slice(i, b);
      const k = s[b + 1];
      if (k === undefined) return undefined;
      const hex = HEX_LEN[k];
      if (hex) {
        const h = s.slice(b + 2, b + 2 + hex);
        if (h.length !== hex || !/^[0-9a-fA-F]+$/.test(h)) unsupported("bad escape");
        const cp = Number.parseInt(h, 16);
        if (cp > 0x10ffff) unsupported("bad escape");
        out += String.fromCodePoint(cp);
        i = b + 2 + hex;
        continue;
      }
      const r = ESCAPES[k];
      if (r === undefined) unsupported("unknown escape"); // the library keeps it, with an issue
      out += r;
      i = b + 2;
    }
  }

  /** Checks that only spaces and a comment follow on the line from `at`. */
  private restIsBlank(at: number): boolean {
    const t = this.text;
    let i = at;
    while (i < this.end && t.charCodeAt(i) === 32) i++;
    return i >= this.end || (t.charCodeAt(i) === 35 && i > at);
  }

  documents(): BlockDocument[] {
    const docs: BlockDocument[] = [];
    this.skipBlank();
    if (!this.eof && this.text.charCodeAt(0) === 0xfeff) unsupported("byte order mark");
    if (this.text.includes("\r")) unsupported("CR line ends");
    let explicit = false;
    while (!this.eof) {
      const m = this.marker();
      if (m === "---") {
        explicit = true;
        this.next();
        this.skipBlank();
      } else if (m === "...") {
        unsupported("document end marker without a following ---");
      } else if (docs.length > 0 && !explicit) {
        unsupported("content after a document");
      }
      explicit = false;
      if (this.eof || this.marker()) {
        docs.push({ value: null, line: this.lineNo });
        continue;
      }
      if (this.text.charCodeAt(this.cOff) === 37) unsupported("directive");
      const line = this.lineNo;
      const value = this.node(-1);
      this.skipBlank();
      docs.push({ value, line });
      if (this.eof) break;
      const after = this.marker();
      if (!after) unsupported("content after the document's top node");
      if (after === "...") {
        this.next();
        this.skipBlank();
        if (!this.eof && this.marker() !== "---") unsupported("content after ...");
      }
    }
    return docs;
  }

  /** A block node whose first line is the current one (content at `col`), deeper than `parent`. */
  private node(parent: number): Json {
    if (this.col <= parent) return null;
    if (this.isSeqEntry(this.cOff)) return this.seq();
    if (this.isMapEntry(this.cOff)) return this.map();
    return unsupported("scalar on its own line");
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) unsupported("too deep");
  }

  private map(): JsonObject {
    this.enter();
    const t = this.text;
    const col = this.col;
    const out: JsonObject = {};
    this.onContainer(out, this.lineNo);
    for (;;) {
      const at = this.cOff;
      let key: string;
      let after: number;
      const c = t.charCodeAt(at);
      if (c === 34 || c === 39) {
        const q = this.quoted(at)!;
        key = q.value;
        after = this.quotedKeyEnd(at);
        if (after < 0) unsupported("quoted scalar where a key was expected");
      } else {
        if (isIndicator(c) || c === 32) unsupported("key starts with an indicator");
        const colon = this.keyColon(at);
        if (colon < 0) unsupported("expected a mapping entry");
        const raw = t.slice(at, colon).trimEnd();
        if (raw === "") unsupported("empty key");
        const k = resolvePlain(raw);
        key = typeof k === "string" ? k : String(k);
        after = colon + 1;
      }
      let value: Json;
      if (this.restIsBlank(after)) {
        this.next();
        this.skipBlank();
        if (this.eof || this.marker()) value = null;
        else if (this.ind > col) value = this.node(col);
        else if (this.ind === col && this.isSeqEntry(this.cOff)) value = this.seq();
        else value = null;
      } else {
        let v = after;
        while (t.charCodeAt(v) === 32) v++;
        value = this.inline(v, col);
      }
      if (key === "__proto__")
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.skipBlank();
      if (this.eof || this.marker() || this.ind < col) break;
      if (this.ind > col || this.isSeqEntry(this.cOff)) unsupported("bad indentation in a mapping");
    }
    this.depth--;
    return out;
  }

  private seq(): Json[] {
    this.enter();
    const t = this.text;
    const col = this.col;
    const out: Json[] = [];
    this.onContainer(out, this.lineNo);
    for (;;) {
      let q = this.cOff + 1;
      while (q < this.end && t.charCodeAt(q) === 32) q++;
      let value: Json;
      if (q >= this.end || t.charCodeAt(q) === 35) {
        this.next();
        this.skipBlank();
        value = !this.eof && !this.marker() && this.ind > col ? this.node(col) : null;
      } else if (this.isSeqEntry(q) || (!isFlowStart(t.charCodeAt(q)) && this.isMapEntry(q))) {
        // Compact nested node: it starts at column q on this line.
        this.col = q - this.off;
        this.cOff = q;
        value = this.isSeqEntry(q) ? this.seq() : this.map();
      } else {
        value = this.inline(q, col);
      }
      out.push(value);
      this.skipBlank();
      if (this.eof || this.marker() || this.ind < col) break;
      if (this.ind > col) unsupported("bad indentation in a sequence");
      if (!this.isSeqEntry(this.cOff)) break; // a mapping key at the sequence's column: the parent's
    }
    this.depth--;
    return out;
  }

  /** A scalar or empty flow collection starting at `at` on this line, in a node at column `parent`. */
  private inline(at: number, parent: number): Json {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === 34 || c === 39) {
      const q = this.quoted(at);
      if (!q) return unsupported("multi-line quoted scalar");
      if (!this.restIsBlank(q.after)) unsupported("content after a quoted scalar");
      this.next();
      return q.value;
    }
    if (c === 124) return this.literal(at, parent);
    if (c === 91 || c === 123) {
      const r = this.flow(at);
      if (!this.restIsBlank(r.after)) unsupported("content after a flow collection");
      this.next();
      return r.value;
    }
    if (isIndicator(c) && !(c === 45 && at + 1 < this.end && t.charCodeAt(at + 1) !== 32))
      unsupported("indicator at the start of a value");
    let raw = this.plainOnLine(at);
    // Continuation lines: more indented than the parent node, folded with spaces (empty lines → \n).
    this.next();
    for (;;) {
      const save = { off: this.off, lineNo: this.lineNo };
      let empty = 0;
      while (!this.eof && this.cOff >= this.end) {
        if (this.text.charCodeAt(this.end - 1) === 13) unsupported("CRLF");
        empty++;
        this.next();
      }
      if (this.eof || this.ind <= parent || this.marker() || this.cOff >= this.end) {
        this.lineNo = save.lineNo;
        this.load(save.off);
        break;
      }
      const d = t.charCodeAt(this.cOff);
      if (d === 35) {
        this.lineNo = save.lineNo;
        this.load(save.off);
        break;
      }
      if (d === 9 || isIndicator(d)) unsupported("continuation line starts with an indicator");
      const more = this.plainOnLine(this.cOff);
      raw += empty === 0 ? ` ${more}` : "\n".repeat(empty) + more;
      this.next();
    }
    return resolvePlainValue(raw);
  }

  /**
   * A flow collection that ends on its own line (`["sh", "-c"]`, `{a: 1, b: [x]}`): scalars quoted or
   * plain without `:`, `#` or anything the flow context gives a meaning; no trailing commas.
   */
  private flow(at: number): { value: Json; after: number } {
    const t = this.text;
    const e = this.end;
    const ws = (i: number) => {
      while (i < e && t.charCodeAt(i) === 32) i++;
      return i;
    };
    const scalar = (i: number, key = false): { value: Json; after: number } => {
      const c = t.charCodeAt(i);
      if (c === 91 || c === 123) return this.flow(i);
      if (c === 34 || c === 39) {
        const q = this.quoted(i);
        if (!q) return unsupported("multi-line quoted scalar in a flow collection");
        return q;
      }
      let j = i;
      while (j < e) {
        const d = t.charCodeAt(j);
        if (d === 44 || d === 93 || d === 125) break;
        if (key && d === 58 && t.charCodeAt(j + 1) === 32) break;
        if (d === 58 || d === 35 || d === 91 || d === 123 || d === 9) unsupported("flow plain scalar");
        j++;
      }
      const raw = t.slice(i, j).trimEnd();
      if (raw === "" || (isIndicator(raw.charCodeAt(0)) && raw.charCodeAt(0) !== 45))
        unsupported("flow plain scalar");
      return { value: resolvePlain(raw), after: j };
    };
    this.enter();
    const open = t.charCodeAt(at);
    const close = open === 91 ? 93 : 125;
    const out: Json[] | JsonObject = open === 91 ? [] : {};
    this.onContainer(out, this.lineNo);
    let i = ws(at + 1);
    if (t.charCodeAt(i) === close) {
      this.depth--;
      return { value: out, after: i + 1 };
    }
    for (;;) {
      if (i >= e) unsupported("multi-line flow collection");
      if (Array.isArray(out)) {
        const v = scalar(i);
        out.push(v.value);
        i = ws(v.after);
      } else {
        const k = scalar(i, true);
        if (k.value !== null && typeof k.value === "object") unsupported("collection as a flow key");
        i = ws(k.after);
        if (t.charCodeAt(i) !== 58 || t.charCodeAt(i + 1) !== 32) unsupported("flow mapping entry");
        const v = scalar(ws(i + 2));
        const key = typeof k.value === "string" ? k.value : String(k.value);
        if (key === "__proto__")
          Object.defineProperty(out, key, {
            value: v.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else out[key] = v.value;
        i = ws(v.after);
      }
      const d = t.charCodeAt(i);
      if (d === close) break;
      if (d !== 44) unsupported("flow collection separator");
      i = ws(i + 1);
      if (t.charCodeAt(i) === close) unsupported("trailing comma");
    }
    this.depth--;
    return { value: out, after: i + 1 };
  }

  /** The plain text from `at` to a comment or the end of the line, trimmed; refuses `key: value` shapes. */
  private plainOnLine(at: number): string {
    let s = this.text.slice(at, this.end);
    const hash = s.indexOf(" #");
    if (hash >= 0) s = s.slice(0, hash);
    s = s.trimEnd();
    if (s.charCodeAt(s.length - 1) === 13) unsupported("CRLF");
    if (s.includes(": ") || s.endsWith(":") || s.includes("\t")) unsupported("':' or tab in a plain scalar");
    return s;
  }

  /** A literal block scalar (`|`, `|-`, `|+`, with an optional indentation indicator). */
  private literal(at: number, parent: number): string {
    const t = this.text;
    let i = at + 1;
    let chomp: "clip" | "strip" | "keep" = "clip";
    let explicit = 0;
    for (let k = 0; k < 2 && i < this.end; k++) {
      const c = t.charCodeAt(i);
      if (c === 45 && chomp === "clip") chomp = "strip";
      else if (c === 43 && chomp === "clip") chomp = "keep";
      else if (c >= 49 && c <= 57 && explicit === 0) explicit = c - 48;
      else break;
      i++;
    }
    if (!this.restIsBlank(i) && i < this.end) unsupported("block scalar header");
    this.next();
    // Indentation indicators depend on how the parent's indentation is counted: left to the library.
    if (explicit) unsupported("indentation indicator");
    if (parent < 0) unsupported("top-level block scalar");
    let n = -1;
    const lines: string[] = [];
    let maxEmpty = 0;
    while (!this.eof) {
      if (t.charCodeAt(this.end - 1) === 13) unsupported("CRLF");
      const blank = this.cOff >= this.end;
      if (n < 0) {
        if (blank) {
          maxEmpty = Math.max(maxEmpty, this.ind);
          lines.push("");
          this.next();
          continue;
        }
        if (this.ind <= parent) break;
        n = this.ind;
        if (maxEmpty > n) unsupported("leading empty lines more indented than the content");
      }
      if (blank) {
        if (this.ind > n) unsupported("whitespace-only line in a block scalar");
        lines.push("");
        this.next();
        continue;
      }
      if (this.ind < n) break;
      lines.push(t.slice(this.off + n, this.end));
      this.next();
    }
    let last = lines.length;
    while (last > 0 && lines[last - 1] === "") last--;
    const body = lines.slice(0, last).join("\n");
    if (chomp === "strip") return body;
    if (chomp === "clip") return last > 0 ? `${body}\n` : "";
    if (last === 0) unsupported("kept block scalar without content");
    return `${body}\n${"\n".repeat(lines.length - last)}`;
  }
}

function resolvePlainValue(raw: string): Json {
  return resolvePlain(raw);
}

/**
 * Parses a YAML stream in the block subset; `onContainer` gets every mapping and sequence with its line.
 * Throws {@link Unsupported} for anything else (the caller falls back to the `yaml` library).
 */
export function parseBlockYaml(
  text: string,
  onContainer: (o: object, line: number) => void,
  maxDepth = 200,
): BlockDocument[] {
  return new BlockParser(text, onContainer, maxDepth).documents();
}
