/**
 * An incremental parser for the output of `strace -f -q -ttt -v -xx -e trace=execve,execveat,clone,…`
 * (Debian's strace 5.x/6.x). Lines arrive in chunks of any size; each complete line becomes at most one
 * {@link TraceEvent}. Calls split across processes (`… <unfinished ...>` / `<... execve resumed>…`) are
 * joined per pid before they are parsed.
 *
 * Strings are decoded to the exact bytes the tracee passed: `-xx` hex escapes (`\x41`), and strace's
 * other escapes (`\n \t \r \v \f \\ \"`, octal `\NNN`) for traces written without `-xx`. A string strace cut
 * at `-s` ends in `"...`; it is kept, marked `truncated`.
 *
 * Contract: never throws on any input; a line it does not understand becomes `{ kind: "unknown" }`.
 * Environment values can be replaced by a keyed digest as they are parsed (`valueDigest`), so that a
 * keys-only recording never holds a value in memory after its line is parsed.
 */
import type { EnvEntry } from "../model/index.js";
import { decodeBytes } from "../snapshot/environ.js";

export interface ExecEvent {
  kind: "exec";
  pid: number;
  /** Seconds since the epoch (`-ttt`). */
  time: number;
  syscall: "execve" | "execveat";
  /** The path as passed (for execveat: relative to `dirfd`, which is kept in `dirfd`). */
  path: string;
  dirfd?: string;
  argv: string[];
  /** null when strace abbreviated the environment (run without `-v`). */
  env: EnvEntry[] | null;
  /** A string or array cut by strace (`-s`, or an abbreviated array). */
  truncated: boolean;
  /** The return value: 0 on success; `-1` with `errno` on failure; undefined when unknown (`?`). */
  ret?: number;
  errno?: string;
}

export interface CloneEvent {
  kind: "clone";
  pid: number;
  time: number;
  syscall: string;
  /** The new task's id (the return value), undefined when the call failed. */
  child?: number;
  /** CLONE_THREAD: a thread of `pid`, not a new process. */
  thread: boolean;
}

export interface ExitEvent {
  kind: "exit";
  pid: number;
  time: number;
  code?: number;
  signal?: string;
  core?: boolean;
}

export interface SignalEvent {
  kind: "signal";
  pid: number;
  time: number;
  signal: string;
}

/** `+++ superseded by execve in pid N +++`: a non-leader thread exec'd and took over the pid. */
export interface SupersededEvent {
  kind: "superseded";
  pid: number;
  time: number;
  by: number;
}

export interface UnknownEvent {
  kind: "unknown";
  pid?: number;
  time?: number;
}

export type TraceEvent = ExecEvent | CloneEvent | ExitEvent | SignalEvent | SupersededEvent | UnknownEvent;

export interface ParseOptions {
  /**
   * Keys-only recording: each value is replaced by this digest of its bytes (the caller's keyed hash)
   * as soon as it is decoded. The entry's `value` is then empty and `raw` holds the digest.
   */
  valueDigest?: (raw: Uint8Array) => Uint8Array;
}

// ---- strings ----

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}
const SIMPLE: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, "\\": 92, '"': 34, a: 7, b: 8 };

/** A decoded string and where the text after it starts. */
interface Decoded {
  bytes: Buffer;
  end: number;
  truncated: boolean;
}

/**
 * Decodes the C-style string that starts at `s[at] === '"'` (`s` holds one byte per char, latin1).
 * Returns null when the string does not close on this line.
 */
let scratch = Buffer.allocUnsafe(1 << 16);

export function decodeQuoted(s: string, at: number): Decoded | null {
  if (s.charCodeAt(at) !== 34) return null;
  // One scratch buffer for every string (a decoded string is never longer than its quoted form); the
  // result is a copy of the bytes used.
  if (scratch.length < s.length - at) scratch = Buffer.allocUnsafe(2 * (s.length - at));
  const out = scratch;
  let n = 0;
  let i = at + 1;
  const len = s.length;
  while (i < len) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      i++;
      let truncated = false;
      if (s.startsWith("...", i)) {
        truncated = true;
        i += 3;
      }
      const bytes = Buffer.allocUnsafe(n);
      out.copy(bytes, 0, 0, n);
      return { bytes, end: i, truncated };
    }
    if (c !== 92) {
      out[n++] = c & 0xff;
      i++;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined) return null;
    if (e === "x") {
      const h1 = HEX[s.charCodeAt(i + 2) & 0x7f] ?? -1;
      const h2 = HEX[s.charCodeAt(i + 3) & 0x7f] ?? -1;
      if (h1 >= 0 && h2 >= 0 && s.charCodeAt(i + 2) < 128 && s.charCodeAt(i + 3) < 128) {
        out[n++] = (h1 << 4) | h2;
        i += 4;
        continue;
      }
      out[n++] = 0x78; // a lone `\x`: keep the letter
      i += 2;
      continue;
    }
    const simple = SIMPLE[e];
    if (simple !== undefined) {
      out[n++] = simple;
      i += 2;
      continue;
    }
    const d = e.charCodeAt(0);
    if (d >= 48 && d <= 55) {
      let v = 0;
      let k = i + 1;
      while (k < i + 4 && k < len && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 55) {
        v = v * 8 + (s.charCodeAt(k) - 48);
        k++;
      }
      out[n++] = v & 0xff;
      i = k;
      continue;
    }
    out[n++] = d & 0xff;
    i += 2;
  }
  return null;
}

/** strace's `-xx` form of bytes: every byte `\xHH` (the inverse of {@link decodeQuoted}; used by tests). */
export function quoteHex(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) s += `\\x${b.toString(16).padStart(2, "0")}`;
  return `${s}"`;
}

/** strace's default (no `-x`) form of bytes: printable ASCII as is, the rest escaped. */
export function quotePlain(bytes: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 34) s += '\\"';
    else if (b === 92) s += "\\\\";
    else if (b === 10) s += "\\n";
    else if (b === 9) s += "\\t";
    else if (b >= 32 && b < 127) s += String.fromCharCode(b);
    else {
      // Octal: three digits when a digit follows (as strace does), so the next char is not eaten.
      const next = bytes[i + 1];
      const o = b.toString(8);
      s += `\\${next !== undefined && next >= 48 && next <= 55 ? o.padStart(3, "0") : o}`;
    }
  }
  return `${s}"`;
}

// ---- argument lists ----

interface Cursor {
  s: string;
  i: number;
}

function skipSpaces(c: Cursor): void {
  while (c.s.charCodeAt(c.i) === 32) c.i++;
}

/** `[ "a", "b" ]` → decoded strings, or null when the token is not an array (an abbreviated pointer). */
function readStringArray(c: Cursor): { items: Buffer[]; truncated: boolean } | null {
  skipSpaces(c);
  if (c.s[c.i] !== "[") return null;
  c.i++;
  const items: Buffer[] = [];
  let truncated = false;
  for (;;) {
    skipSpaces(c);
    const ch = c.s[c.i];
    if (ch === "]") {
      c.i++;
      return { items, truncated };
    }
    if (ch === '"') {
      const d = decodeQuoted(c.s, c.i);
      if (!d) return null;
      items.push(d.bytes);
      truncated ||= d.truncated;
      c.i = d.end;
    } else if (c.s.startsWith("...", c.i)) {
      truncated = true;
      c.i += 3;
    } else {
      return null;
    }
    skipSpaces(c);
    if (c.s[c.i] === ",") c.i++;
    else if (c.s[c.i] !== "]") return null;
  }
}

/** Skips one argument that is not a string or array (`AT_FDCWD`, an abbreviated env pointer, `3`). */
function readOther(c: Cursor): string {
  const start = c.i;
  let depth = 0;
  while (c.i < c.s.length) {
    const ch = c.s[c.i];
    if (ch === '"') {
      const d = decodeQuoted(c.s, c.i);
      c.i = d ? d.end : c.s.length;
      continue;
    }
    if (ch === "/" && c.s[c.i + 1] === "*") {
      const e = c.s.indexOf("*/", c.i + 2);
      c.i = e < 0 ? c.s.length : e + 2;
      continue;
    }
    if (ch === "{" || ch === "[" || ch === "(") depth++;
    else if (ch === "}" || ch === "]") depth--;
    else if (ch === ")") {
      if (depth === 0) break;
      depth--;
    } else if (ch === "," && depth === 0) break;
    c.i++;
  }
  return c.s.slice(start, c.i).trim();
}

function comma(c: Cursor): boolean {
  skipSpaces(c);
  if (c.s[c.i] !== ",") return false;
  c.i++;
  skipSpaces(c);
  return true;
}

/** ` = 0`, ` = -1 ENOENT (…)`, ` = ?`: the value and errno after the closing parenthesis. */
function readReturn(s: string, from: number): { ret?: number; errno?: string } {
  const eq = s.indexOf("= ", from);
  if (eq < 0) return {};
  const m = /^= (-?\d+|\?|0x[0-9a-f]+)(?: ([A-Z][A-Z0-9_]*))?/.exec(s.slice(eq, eq + 64));
  if (!m || m[1] === "?") return {};
  const ret = m[1]!.startsWith("0x") ? Number.parseInt(m[1]!, 16) : Number(m[1]);
  return m[2] ? { ret, errno: m[2] } : { ret };
}

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");

function toEnvEntry(b: Buffer, opts: ParseOptions): EnvEntry | null {
  const eq = b.indexOf(0x3d);
  if (eq <= 0) return null;
  const k = decodeBytes(b.subarray(0, eq));
  const rawValue = b.subarray(eq + 1);
  if (opts.valueDigest) {
    return { key: k.text, value: "", raw: opts.valueDigest(rawValue), escaped: k.escaped };
  }
  const raw = rawValue;
  const v = decodeBytes(raw);
  return { key: k.text, value: v.text, raw, escaped: k.escaped || v.escaped };
}

function parseExec(
  pid: number,
  time: number,
  name: "execve" | "execveat",
  s: string,
  at: number,
  opts: ParseOptions,
): TraceEvent {
  const c: Cursor = { s, i: at };
  let dirfd: string | undefined;
  if (name === "execveat") {
    dirfd = readOther(c);
    if (!comma(c)) return { kind: "unknown", pid, time };
  }
  const path = decodeQuoted(s, c.i);
  if (!path) return { kind: "unknown", pid, time };
  c.i = path.end;
  if (!comma(c)) return { kind: "unknown", pid, time };
  const argv = readStringArray(c);
  if (!argv) readOther(c);
  if (!comma(c)) return { kind: "unknown", pid, time };
  const envArr = readStringArray(c);
  if (!envArr) readOther(c);
  const env: EnvEntry[] | null = envArr ? [] : null;
  if (envArr && env) {
    for (const b of envArr.items) {
      const e = toEnvEntry(b, opts);
      if (e) env.push(e);
    }
  }
  const ev: ExecEvent = {
    kind: "exec",
    pid,
    time,
    syscall: name,
    path: decodeBytes(path.bytes).text,
    argv: (argv?.items ?? []).map((b) => decodeBytes(b).text),
    env,
    truncated: path.truncated || !!argv?.truncated || !!envArr?.truncated,
    ...readReturn(s, c.i),
  };
  if (dirfd !== undefined) ev.dirfd = dirfd;
  return ev;
}

const CLONES = new Set(["clone", "clone3", "fork", "vfork"]);

function parseClone(pid: number, time: number, name: string, s: string, at: number): TraceEvent {
  const close = s.lastIndexOf(")");
  const { ret } = readReturn(s, close < 0 ? at : close);
  const args = s.slice(at, close < 0 ? s.length : close);
  const ev: CloneEvent = { kind: "clone", pid, time, syscall: name, thread: /\bCLONE_THREAD\b/.test(args) };
  if (ret !== undefined && ret > 0) ev.child = ret;
  return ev;
}

const HEAD = /^(\d+) +(\d+(?:\.\d+)?) /;
const SYSCALL = /^([a-z_0-9]+)\(/;

/** Parses one complete line (no unfinished/resumed joining; see {@link TraceParser}). Never throws. */
export function parseLine(line: string, opts: ParseOptions = {}): TraceEvent {
  try {
    return parseLineUnsafe(line, opts);
  } catch {
    return { kind: "unknown" };
  }
}

function parseLineUnsafe(line: string, opts: ParseOptions): TraceEvent {
  const h = HEAD.exec(line);
  if (!h) return { kind: "unknown" };
  const pid = Number(h[1]);
  const time = Number(h[2]);
  const body = line.slice(h[0].length);
  return parseBody(pid, time, body, opts);
}

function parseBody(pid: number, time: number, body: string, opts: ParseOptions): TraceEvent {
  if (body.startsWith("+++ ")) {
    let m = /^\+\+\+ exited with (\d+) \+\+\+/.exec(body);
    if (m) return { kind: "exit", pid, time, code: Number(m[1]) };
    m = /^\+\+\+ killed by (SIG[A-Z0-9+]+)( \(core dumped\))? \+\+\+/.exec(body);
    if (m) return { kind: "exit", pid, time, signal: m[1]!, ...(m[2] ? { core: true } : {}) };
    m = /^\+\+\+ superseded by execve in pid (\d+) \+\+\+/.exec(body);
    if (m) return { kind: "superseded", pid, time, by: Number(m[1]) };
    return { kind: "unknown", pid, time };
  }
  if (body.startsWith("--- ")) {
    const m = /^--- (SIG[A-Z0-9+]+|stopped by (SIG[A-Z0-9+]+))/.exec(body);
    if (m) return { kind: "signal", pid, time, signal: m[2] ?? m[1]! };
    return { kind: "unknown", pid, time };
  }
  const m = SYSCALL.exec(body);
  if (!m) return { kind: "unknown", pid, time };
  const name = m[1]!;
  if (name === "execve" || name === "execveat") return parseExec(pid, time, name, body, m[0].length, opts);
  if (CLONES.has(name)) return parseClone(pid, time, name, body, m[0].length);
  return { kind: "unknown", pid, time };
}

const UNFINISHED = " <unfinished ...>";
const RESUMED = /^<\.\.\. ([a-z_0-9]+) resumed>/;

/**
 * Splits a byte stream into lines and parses them, joining unfinished calls with their resumption
 * (which may come many lines later, after other pids' lines). Never throws.
 */
export class TraceParser {
  private rest: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { time: number; text: string }>();
  /** Bytes and lines seen (for figures and for `--timeout` diagnostics). */
  bytes = 0;
  lines = 0;

  constructor(
    private readonly onEvent: (e: TraceEvent) => void,
    private readonly opts: ParseOptions = {},
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      if (nl > start) this.line(latin1(buf.subarray(start, nl)));
      start = nl + 1;
    }
    // Keep the tail (a copy, so the caller's chunk can be reused).
    buf = buf.subarray(start);
    this.rest = buf.length > 0 ? Buffer.from(buf) : Buffer.alloc(0);
  }

  end(): void {
    if (this.rest.length > 0) this.line(latin1(this.rest));
    this.rest = Buffer.alloc(0);
    // Calls still unfinished when the trace ended (strace killed, tracee killed in the call).
    for (const [pid, p] of this.pending) this.emit(this.parseJoined(pid, p.time, p.text));
    this.pending.clear();
  }

  private emit(e: TraceEvent): void {
    try {
      this.onEvent(e);
    } catch {
      // A consumer's bug must not stop the parse of the rest of the trace.
    }
  }

  private parseJoined(pid: number, time: number, body: string): TraceEvent {
    try {
      return parseBody(pid, time, body, this.opts);
    } catch {
      return { kind: "unknown", pid, time };
    }
  }

  private line(line: string): void {
    this.lines++;
    const h = HEAD.exec(line);
    if (!h) {
      this.emit({ kind: "unknown" });
      return;
    }
    const pid = Number(h[1]);
    const time = Number(h[2]);
    const body = line.slice(h[0].length);
    if (body.endsWith(UNFINISHED)) {
      const prev = this.pending.get(pid);
      if (prev) this.emit(this.parseJoined(pid, prev.time, prev.text));
      this.pending.set(pid, { time, text: body.slice(0, -UNFINISHED.length) });
      return;
    }
    const r = RESUMED.exec(body);
    if (r) {
      const prev = this.pending.get(pid);
      this.pending.delete(pid);
      // The entry's time is when the call was made (what the tree orders by).
      if (prev) this.emit(this.parseJoined(pid, prev.time, prev.text + body.slice(r[0].length)));
      else this.emit({ kind: "unknown", pid, time });
      return;
    }
    this.emit(this.parseJoined(pid, time, body));
  }
}
