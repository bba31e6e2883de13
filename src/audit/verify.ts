/**
 * Checks one or more audit log files (in order: FILE.1 FILE.2 … FILE) as one hash chain and names every
 * damage: the first bad record by file, line and `seq`, and the kind —
 * `edited` (a record's content no longer matches its hash, or its hash was recomputed so the next record
 * no longer links to it), `deleted` (a gap in `seq`), `inserted` (a record that is not part of the chain:
 * a duplicate `seq`), `reordered` (records out of `seq` order), `truncated` (a torn last line, or records
 * missing from the end according to a witness or an expected head), `bad-mac` (a MAC that the key does
 * not confirm, or none where the key expects one), `unknown-schema` (a record of a newer schema),
 * `corrupted` (a line that is no JSON record at all).
 *
 * What it cannot see alone: records cut from the END of the log (the file is then a shorter valid chain).
 * That needs a head recorded elsewhere: `expectHeads` (`--expect-head`) or a `witness` (a syslog capture
 * of the run-end events).
 */
import { isUtf8 } from "node:buffer";
import { hash as oneShot } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { AUDIT_SCHEMA, type AuditKey, GENESIS, HEX64, macOf, recomputeHash, sha256Hex } from "./record.js";

export type DamageKind =
  | "edited"
  | "deleted"
  | "inserted"
  | "reordered"
  | "truncated"
  | "bad-mac"
  | "unknown-schema"
  | "corrupted";

export interface Damage {
  kind: DamageKind;
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  seq?: number;
  detail: string;
}

export interface VerifiedFile {
  file: string;
  records: number;
  firstSeq?: number;
  lastSeq?: number;
  head?: string;
}

export interface VerifyResult {
  files: VerifiedFile[];
  records: number;
  runs: number;
  /** Runs with a run-start but no run-end (a crash, or a truncated log). */
  openRuns: number;
  head?: { seq: number; hash: string; file: string; line: number };
  macs: "all" | "some" | "none";
  damages: Damage[];
  /** True when MACs were checked with a key. */
  macChecked: boolean;
}

export interface WitnessEntry {
  hash: string;
  seq?: number;
  /** Where the witness saw it (`FILE:line`). */
  at: string;
}

export interface VerifyOptions {
  key?: AuditKey;
  /** Skip MAC checks even when records carry MACs (no key at hand). */
  noMac?: boolean;
  expectHeads?: string[];
  witness?: WitnessEntry[];
  /** Longest line accepted (bytes). */
  maxLineBytes?: number;
  /**
   * False: judge every line with `JSON.parse` (the path for lines not laid out as envtrace writes them),
   * the reference the byte-level fast path is tested against. Default true.
   */
  fastPath?: boolean;
}

/** A problem that stops verification before any record is judged (exit 2). */
export class AuditVerifyError extends Error {}

export const MAX_RECORD_BYTES = 1024 * 1024;

interface RawLine {
  line: number;
  text: string;
  /** No newline after it (the file's last bytes). */
  torn: boolean;
  tooLong: boolean;
}

/**
 * One line of a file: its bytes `buf[start, end)`. The object and `buf` are reused for the next line, and
 * `buf[end]` is the line's newline (or past the buffer's end).
 */
interface LineRange {
  buf: Buffer;
  start: number;
  end: number;
  /** 1-based. */
  line: number;
  /** No newline after it (the file's last bytes). */
  torn: boolean;
  /** Longer than the limit: its bytes are not held (`start === end`). */
  tooLong: boolean;
}

/**
 * The lines of a file as byte ranges, read in 4 MiB chunks and cut at each newline with `indexOf` (no text
 * is decoded here); a line longer than `max` is reported (`tooLong`), not held.
 */
function* lineRanges(file: string, max: number): Generator<LineRange> {
  let fd: number;
  try {
    fd = openSync(file, "r");
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw Object.assign(new Error(), { code: "EISDIR" });
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new AuditVerifyError(
      `${file}: cannot read the audit log (${code}${code === "EISDIR" ? ": not a regular file" : ""})`,
    );
  }
  try {
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    const r: LineRange = { buf, start: 0, end: 0, line: 0, torn: false, tooLong: false };
    const at = (b: Buffer, start: number, end: number, tooLong: boolean, torn = false) => {
      r.buf = b;
      r.start = start;
      r.end = tooLong ? start : end;
      r.line++;
      r.torn = torn;
      r.tooLong = tooLong;
      return r;
    };
    // Bytes of an unfinished line from the previous chunks (dropped once it is known to be too long).
    let carry: Buffer[] = [];
    let carryLen = 0;
    let tooLong = false;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let nl = buf.indexOf(0x0a);
      if (nl < 0 || nl >= n) {
        if (!tooLong && carryLen + n <= max) {
          carry.push(Buffer.from(buf.subarray(0, n)));
          carryLen += n;
        } else {
          tooLong = true;
          carry = [];
          carryLen = 0;
        }
        continue;
      }
      // The line that began in earlier chunks.
      if (tooLong || carryLen + nl > max) yield at(buf, 0, 0, true);
      else if (carryLen === 0) yield at(buf, 0, nl, false);
      else {
        const whole = Buffer.concat([...carry, buf.subarray(0, nl)]);
        yield at(whole, 0, whole.length, false);
      }
      carry = [];
      carryLen = 0;
      tooLong = false;
      // Whole lines of this chunk.
      let from = nl + 1;
      for (;;) {
        nl = buf.indexOf(0x0a, from);
        if (nl < 0 || nl >= n) break;
        yield at(buf, from, nl, nl - from > max);
        from = nl + 1;
      }
      if (from < n) {
        if (n - from <= max) {
          carry.push(Buffer.from(buf.subarray(from, n)));
          carryLen = n - from;
        } else tooLong = true;
      }
    }
    if (carryLen > 0 || tooLong) {
      const whole = tooLong ? buf.subarray(0, 0) : Buffer.concat(carry);
      yield at(whole, 0, whole.length, tooLong, true);
    }
  } finally {
    closeSync(fd);
  }
}

/** The lines of a file as text, read in 4 MiB chunks; a line longer than `max` is reported, not held. */
export function* fileLines(file: string, max = MAX_RECORD_BYTES): Generator<RawLine> {
  for (const { buf, start, end, line, torn, tooLong } of lineRanges(file, max))
    yield { line, text: buf.toString("utf8", start, end), torn, tooLong };
}

interface Entry {
  file: string;
  line: number;
  /** Last line of its file without a newline. */
  torn: boolean;
  problem?: { kind: DamageKind; detail: string };
  seq?: number;
  prev?: string;
  hash?: string;
  type?: string;
  run?: string;
  selfOk?: boolean;
  mac?: string;
  kid?: string;
  /** Rotate records: the previous file's head they claim. */
  previousHead?: string;
}

const TAIL = /^,"hash":"[0-9a-f]{64}"(?:,"mac":"[0-9a-f]{64}")?\}$/;

/**
 * Whether a record's hash matches its content. Fast path: the line is the canonical body followed by
 * `,"hash":…` (as envtrace writes it), so the body's bytes are hashed as they are, once the parsed body is
 * known to be in JCS key order. Otherwise (another writer's member order) the body is canonicalized anew.
 */
function selfHashOk(text: string, o: Record<string, unknown>): boolean {
  const i = text.lastIndexOf(',"hash":"');
  if (i > 0 && TAIL.test(text.slice(i)) && keysInOrder(o)) {
    return sha256Hex(`${text.slice(0, i)}}`) === o.hash;
  }
  try {
    return recomputeHash(o) === o.hash;
  } catch {
    return false;
  }
}

/** The top-level members other than hash and mac are in JCS order and come before them. */
function keysInOrder(o: Record<string, unknown>): boolean {
  let prev = "";
  let seenHash = false;
  for (const k in o) {
    if (k === "hash" || k === "mac") {
      seenHash = true;
      continue;
    }
    if (seenHash || k <= prev) return false;
    prev = k;
  }
  return true;
}

// The fast path: a record exactly as envtrace writes it, judged from its bytes without JSON.parse.
//
// `{"host":S,("kid":S,)?"payload":{…},"prev":"<hex64>","run":S,"seq":N,"time":S,"type":S,"v":1,
// "hash":"<hex64>"(,"mac":"<hex64>")?}` with no whitespace, every value strict JSON (RFC 8259), `kid`, `run`
// and `type` plain ASCII without escapes, `seq` a safe integer, any non-ASCII byte valid UTF-8 and a type
// other than `rotate`. Such a line is one that `JSON.parse` + {@link parseEntry} accept, and its body bytes
// are the ones they hash; so when the body hashes to `hash`, the entry is the one {@link parseEntry} would
// make. Anything else — another layout or member order, whitespace, an escape where a value is read, a hash
// that does not match — returns undefined and goes to {@link parseEntry}, which names the damage as before.
// (The scanner only has to be as strict as JSON.parse: a valid line it refuses just takes the slow path.)

const Q = 0x22; // "
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** A byte inside a JSON string: 0 plain ASCII, 1 quote, 2 backslash, 3 control character, 4 non-ASCII. */
const IN_STRING = new Uint8Array(256);
/** The bytes that may follow a backslash (other than `u`). */
const ESCAPE = new Uint8Array(256);
/** Hex digits: 1 lower case (as hashes are written), 2 upper case (allowed in `\uXXXX` only). */
const HEX = new Uint8Array(256);
for (let c = 0; c < 256; c++) IN_STRING[c] = c === Q ? 1 : c === 0x5c ? 2 : c < 0x20 ? 3 : c >= 0x80 ? 4 : 0;
for (const c of '"\\/bfnrt') ESCAPE[c.charCodeAt(0)] = 1;
for (const c of "0123456789abcdef") HEX[c.charCodeAt(0)] = 1;
for (const c of "ABCDEF") HEX[c.charCodeAt(0)] = 2;

/** Set by {@link skipString}: a string held a backslash escape / a byte ≥ 0x80. */
let sawEscape = false;
let sawHigh = false;

/** The index after the JSON string that opens at p, or -1 (also for p = -1). */
function skipString(b: Buffer, p: number, end: number): number {
  if (p < 0 || b[p] !== Q) return -1;
  for (p++; p < end; p++) {
    const k = IN_STRING[b[p]!];
    if (k === 0) continue;
    if (k === 1) return p + 1;
    if (k === 4) sawHigh = true;
    else if (k === 3) return -1;
    else {
      sawEscape = true;
      p++;
      if (b[p] === 0x75) {
        if (p + 4 >= end) return -1;
        for (let j = 0; j < 4; j++) if (!HEX[b[++p]!]) return -1;
      } else if (p >= end || !ESCAPE[b[p]!]) return -1;
    }
  }
  return -1;
}

/** A string whose value is read as it is: plain ASCII, no escape; the index after it, or -1. */
function plainString(b: Buffer, p: number, end: number): number {
  const high = sawHigh;
  sawHigh = false;
  sawEscape = false;
  const q = skipString(b, p, end);
  const plain = !sawHigh && !sawEscape;
  sawHigh = high;
  return plain ? q : -1;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** The index after the number that starts at p, or -1 (RFC 8259 §6). */
function skipNumber(b: Buffer, p: number, end: number): number {
  if (b[p] === 0x2d) p++;
  if (b[p] === 0x30) p++;
  else if (isDigit(b[p])) while (p < end && isDigit(b[p])) p++;
  else return -1;
  if (b[p] === 0x2e) {
    p++;
    if (!isDigit(b[p])) return -1;
    while (p < end && isDigit(b[p])) p++;
  }
  if (b[p] === 0x65 || b[p] === 0x45) {
    p++;
    if (b[p] === 0x2b || b[p] === 0x2d) p++;
    if (!isDigit(b[p])) return -1;
    while (p < end && isDigit(b[p])) p++;
  }
  return p > end ? -1 : p;
}

/** The index after the ASCII word `w` at p, or -1. */
function word(b: Buffer, p: number, end: number, w: string): number {
  if (p < 0 || p + w.length > end) return -1;
  for (let k = 0; k < w.length; k++) if (b[p + k] !== w.charCodeAt(k)) return -1;
  return p + w.length;
}

const MAX_DEPTH = 256;
const open = new Uint8Array(MAX_DEPTH);

/**
 * The index after the JSON value (without whitespace) at p, or -1: not one, or nested deeper than
 * {@link MAX_DEPTH}. Iterative, so deep nesting cannot overflow the stack.
 */
function skipValue(b: Buffer, p: number, end: number): number {
  let depth = 0;
  for (;;) {
    // A value at p.
    const c = b[p];
    if (c === Q) p = skipString(b, p, end);
    else if (c === LBRACE || c === LBRACKET) {
      const close = c === LBRACE ? RBRACE : RBRACKET;
      if (b[p + 1] === close) p += 2;
      else {
        if (depth === MAX_DEPTH) return -1;
        open[depth++] = c;
        p++;
        if (c === LBRACE) {
          p = skipString(b, p, end);
          if (p < 0 || b[p] !== COLON) return -1;
          p++;
        }
        continue;
      }
    } else if (c === 0x74) p = word(b, p, end, "true");
    else if (c === 0x66) p = word(b, p, end, "false");
    else if (c === 0x6e) p = word(b, p, end, "null");
    else if (c === 0x2d || isDigit(c)) p = skipNumber(b, p, end);
    else return -1;
    if (p < 0) return -1;
    // After a value: close what ends here, then the next member or element.
    for (;;) {
      if (depth === 0) return p;
      const d = b[p];
      const top = open[depth - 1];
      if (d === COMMA) {
        p++;
        if (top === LBRACE) {
          p = skipString(b, p, end);
          if (p < 0 || b[p] !== COLON) return -1;
          p++;
        }
        break;
      }
      if ((d === RBRACE && top === LBRACE) || (d === RBRACKET && top === LBRACKET)) {
        depth--;
        p++;
        continue;
      }
      return -1;
    }
  }
}

/** `,"name":` at p (`{"name":` for the first member): the index of its value, or -1 (also for p = -1). */
function member(b: Buffer, p: number, end: number, name: string, first = false): number {
  if (p < 0 || b[p] !== (first ? LBRACE : COMMA) || b[p + 1] !== Q) return -1;
  p = word(b, p + 2, end, name);
  return p < 0 || b[p] !== Q || b[p + 1] !== COLON ? -1 : p + 2;
}

/** A quoted 64-byte value at p (its bytes not checked): the index after it, or -1. */
function quoted64(b: Buffer, p: number, end: number): number {
  return p < 0 || p + 66 > end || b[p] !== Q || b[p + 65] !== Q ? -1 : p + 66;
}

function isHex64(b: Buffer, p: number): boolean {
  for (let k = p; k < p + 64; k++) if (HEX[b[k]!] !== 1) return false;
  return true;
}

/** The bytes at p spell the ASCII string s. */
function spells(b: Buffer, p: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (b[p + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** Strings of the last records (type, run and hash repeat from record to record), reused rather than made anew. */
const seen: string[] = [];
let lastRun = "";
let lastHash = GENESIS;

function textAt(b: Buffer, from: number, to: number, cache: string): string {
  return to - from === cache.length && spells(b, from, cache) ? cache : b.toString("latin1", from, to);
}

function typeAt(b: Buffer, from: number, to: number): string {
  for (const t of seen) if (t.length === to - from && spells(b, from, t)) return t;
  const t = b.toString("latin1", from, to);
  if (seen.length < 16) seen.push(t);
  return t;
}

function fastEntry(b: Buffer, start: number, end: number, file: string, line: number): Entry | undefined {
  sawHigh = false;
  let p = skipString(b, member(b, start, end, "host", true), end);
  let kid: string | undefined;
  if (p > 0 && b[p + 2] === 0x6b) {
    const at = member(b, p, end, "kid");
    p = plainString(b, at, end);
    if (p < 0) return undefined;
    kid = b.toString("latin1", at + 1, p - 1);
  }
  p = member(b, p, end, "payload");
  if (b[p] !== LBRACE) return undefined;
  p = skipValue(b, p, end);
  const prevAt = member(b, p, end, "prev") + 1;
  p = quoted64(b, prevAt - 1, end);
  const runAt = member(b, p, end, "run") + 1;
  p = plainString(b, runAt - 1, end);
  const runEnd = p - 1;
  const seqAt = member(b, p, end, "seq");
  if (seqAt < 0) return undefined;
  let seq = 0;
  p = seqAt;
  if (b[p] === 0x30) p++;
  else while (p < end && isDigit(b[p])) seq = seq * 10 + b[p++]! - 0x30;
  if (p === seqAt || p - seqAt > 15) return undefined;
  p = skipString(b, member(b, p, end, "time"), end);
  const typeStart = member(b, p, end, "type") + 1;
  p = plainString(b, typeStart - 1, end);
  const typeEnd = p - 1;
  p = member(b, p, end, "v");
  if (p < 0 || b[p] !== 0x31) return undefined;
  const bodyEnd = p + 1;
  const hashAt = member(b, bodyEnd, end, "hash") + 1;
  p = quoted64(b, hashAt - 1, end);
  let macAt = -1;
  if (p > 0 && b[p] === COMMA) {
    macAt = member(b, p, end, "mac") + 1;
    p = quoted64(b, macAt - 1, end);
    if (p > 0 && !isHex64(b, macAt)) return undefined;
  }
  if (p < 0 || b[p] !== RBRACE || p + 1 !== end) return undefined;
  const type = typeAt(b, typeStart, typeEnd);
  if (type === "rotate") return undefined;
  if (sawHigh && !isUtf8(b.subarray(start, end))) return undefined;
  // The body is the line up to `"v":1` and a closing brace: hashed in place (its next byte, for a moment).
  b[bodyEnd] = RBRACE;
  const hash = oneShot("sha256", b.subarray(start, bodyEnd + 1), "hex");
  b[bodyEnd] = COMMA;
  // Equal to what a hash function writes: 64 lower-case hex digits.
  if (!spells(b, hashAt, hash)) return undefined;
  let prev = lastHash;
  if (!spells(b, prevAt, prev)) {
    if (!isHex64(b, prevAt)) return undefined;
    prev = b.toString("latin1", prevAt, prevAt + 64);
  }
  lastHash = hash;
  lastRun = textAt(b, runAt, runEnd, lastRun);
  const e: Entry = { file, line, torn: false, seq, prev, hash, type, run: lastRun, selfOk: true };
  if (macAt > 0) e.mac = b.toString("latin1", macAt, macAt + 64);
  if (kid !== undefined) e.kid = kid;
  return e;
}

function parseEntry(raw: RawLine, file: string): Entry {
  const e: Entry = { file, line: raw.line, torn: raw.torn };
  if (raw.tooLong) {
    e.problem = {
      kind: "corrupted",
      detail: `the line is longer than ${MAX_RECORD_BYTES} bytes: no record is`,
    };
    return e;
  }
  let r: unknown;
  try {
    r = JSON.parse(raw.text);
  } catch {
    e.problem = raw.torn
      ? {
          kind: "truncated",
          detail: "the last line is cut off (a write was interrupted: crash or full disk)",
        }
      : {
          kind: "corrupted",
          detail: raw.text.trim() === "" ? "an empty line" : "not a JSON record (binary or damaged bytes)",
        };
    return e;
  }
  if (r === null || typeof r !== "object" || Array.isArray(r)) {
    e.problem = { kind: "corrupted", detail: "not a JSON object" };
    return e;
  }
  const o = r as Record<string, unknown>;
  if (typeof o.v === "number" && o.v > AUDIT_SCHEMA) {
    e.problem = {
      kind: "unknown-schema",
      detail: `record of schema v${o.v}; this envtrace reads v${AUDIT_SCHEMA}: upgrade to verify it`,
    };
    if (typeof o.seq === "number") e.seq = o.seq;
    if (typeof o.hash === "string") e.hash = o.hash;
    return e;
  }
  if (
    o.v !== AUDIT_SCHEMA ||
    !Number.isSafeInteger(o.seq) ||
    (o.seq as number) < 0 ||
    typeof o.hash !== "string" ||
    !HEX64.test(o.hash) ||
    typeof o.prev !== "string" ||
    !HEX64.test(o.prev) ||
    typeof o.type !== "string" ||
    typeof o.run !== "string" ||
    o.payload === null ||
    typeof o.payload !== "object"
  ) {
    e.problem = {
      kind: o.v === undefined ? "corrupted" : "unknown-schema",
      detail:
        o.v === undefined
          ? "a JSON object that is no audit record"
          : "a record without the fields of schema v1",
    };
    return e;
  }
  e.seq = o.seq as number;
  e.prev = o.prev;
  e.hash = o.hash;
  e.type = o.type;
  e.run = o.run;
  if (typeof o.mac === "string") e.mac = o.mac;
  if (typeof o.kid === "string") e.kid = o.kid;
  if (o.type === "rotate") {
    const ph = (o.payload as Record<string, unknown>).previousHead;
    if (typeof ph === "string") e.previousHead = ph;
  }
  e.selfOk = selfHashOk(raw.text, o);
  if (raw.torn && e.selfOk) {
    // A whole record whose newline never made it: the write was cut after its last byte.
    e.problem = { kind: "truncated", detail: "the last record has no newline (a write was interrupted)" };
  }
  return e;
}

/** Reads and judges the files as one chain. Throws {@link AuditVerifyError} for unreadable input. */
export function verifyAuditFiles(files: readonly string[], o: VerifyOptions = {}): VerifyResult {
  const entries: Entry[] = [];
  const perFile: VerifiedFile[] = [];
  const empty: string[] = [];
  const fast = o.fastPath !== false;
  for (const file of files) {
    const vf: VerifiedFile = { file, records: 0 };
    let any = false;
    for (const { buf, start, end, line, torn, tooLong } of lineRanges(
      file,
      o.maxLineBytes ?? MAX_RECORD_BYTES,
    )) {
      any = true;
      const e =
        (fast && !torn && !tooLong && fastEntry(buf, start, end, file, line)) ||
        parseEntry({ line, text: buf.toString("utf8", start, end), torn, tooLong }, file);
      entries.push(e);
      if (e.seq !== undefined && e.hash && !e.problem) {
        vf.records++;
        vf.firstSeq ??= e.seq;
        vf.lastSeq = e.seq;
        vf.head = e.hash;
      }
    }
    if (!any) empty.push(file);
    perFile.push(vf);
  }
  const withMac = entries.filter((e) => e.mac !== undefined).length;
  const valid = entries.filter((e) => e.hash !== undefined && !e.problem).length;
  const macs: VerifyResult["macs"] = withMac === 0 ? "none" : withMac === valid ? "all" : "some";
  if (withMac > 0 && !o.key && !o.noMac) {
    const first = entries.find((e) => e.mac !== undefined)!;
    throw new AuditVerifyError(
      `${first.file} line ${first.line} (seq ${first.seq}): the records carry MACs: give the key with --key-file or ENVTRACE_AUDIT_KEY (or --no-mac to check the hash chain only)`,
    );
  }
  const macChecked = !!o.key && !o.noMac;

  const damages: Damage[] = [];
  const flagged = new Set<Entry>();
  const damage = (e: Entry, kind: DamageKind, detail: string) => {
    if (flagged.has(e) && kind !== "bad-mac") return;
    flagged.add(e);
    damages.push({
      kind,
      file: e.file,
      line: e.line,
      ...(e.seq !== undefined ? { seq: e.seq } : {}),
      detail,
    });
  };
  for (const f of empty)
    damages.push({
      kind: "truncated",
      file: f,
      line: 1,
      detail: "the file is empty: its records were removed, or none were ever written",
    });

  // Where each seq occurs (first and last index into entries), for lookahead; all of them only when needed.
  const firstAt = new Map<number, number>();
  const lastAt = new Map<number, number>();
  entries.forEach((e, i) => {
    if (e.seq === undefined || e.problem?.kind === "corrupted") return;
    if (!firstAt.has(e.seq)) firstAt.set(e.seq, i);
    lastAt.set(e.seq, i);
  });
  const bySeq = {
    get(seq: number): number[] | undefined {
      const f = firstAt.get(seq);
      if (f === undefined) return undefined;
      const l = lastAt.get(seq)!;
      if (f === l) return [f];
      const out: number[] = [];
      for (let j = f; j <= l; j++)
        if (entries[j]!.seq === seq && entries[j]!.problem?.kind !== "corrupted") out.push(j);
      return out;
    },
  };
  const later = (seq: number, i: number) => (lastAt.get(seq) ?? -1) > i;

  let expSeq: number | undefined;
  let expPrev: string | undefined;
  let prevEntry: Entry | undefined;
  const moved = new Set<number>();
  const genuine = new Set<Entry>();
  const hashes = new Map<string, Entry>();
  const needHashes = (o.expectHeads?.length ?? 0) > 0 || (o.witness?.length ?? 0) > 0;
  let runs = 0;
  const open = new Set<string>();
  let head: VerifyResult["head"];
  let fileStart = true;
  let lastFile: string | undefined;

  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.file !== lastFile) {
      fileStart = true;
      lastFile = e.file;
    }
    const atFileStart = fileStart;
    fileStart = false;
    if (e.problem && e.problem.kind !== "truncated") {
      damage(e, e.problem.kind, e.problem.detail);
      if (e.seq !== undefined && e.hash) {
        expSeq = e.seq + 1;
        expPrev = e.hash;
      } else if (expSeq !== undefined) {
        // Unknown content: the next record is expected one further, linking to something unknown.
        expSeq++;
        expPrev = undefined;
      }
      prevEntry = e;
      continue;
    }
    if (e.problem?.kind === "truncated" && e.seq === undefined) {
      damage(e, "truncated", e.problem.detail);
      continue;
    }
    const seq = e.seq!;
    if (!e.selfOk) damage(e, "edited", "its content does not match its hash (the record was changed)");
    if (macChecked) {
      if (e.mac === undefined)
        damage(e, "bad-mac", "the record has no MAC (it was not written with the key)");
      else if (e.kid && e.kid !== o.key!.kid)
        damage(e, "bad-mac", `the record was MACed with key id ${e.kid}, not with this key (${o.key!.kid})`);
      else if (macOf(e.hash!, o.key!.key) !== e.mac)
        damage(e, "bad-mac", "the MAC does not match (forged or rewritten without the key)");
    }
    let advance = true;
    if (expSeq === undefined) {
      if (!(seq === 0 && e.prev === GENESIS) && e.type !== "rotate")
        damage(
          e,
          "deleted",
          seq === 0
            ? "the first record does not start a chain"
            : `the log starts at seq ${seq}: seq 0–${seq - 1} are missing`,
        );
    } else if (seq === expSeq) {
      if (expPrev !== undefined && e.prev !== expPrev && !genuine.has(e)) {
        const dupLater = (bySeq.get(seq) ?? []).find((j) => j > i && entries[j]!.prev === expPrev);
        if (dupLater !== undefined) {
          damage(e, "inserted", `a record with seq ${seq} that is not part of the chain`);
          genuine.add(entries[dupLater]!);
          advance = false;
        } else if (e.type === "rotate" && atFileStart) {
          damage(
            e,
            "truncated",
            `the previous file ends at a different head than this rotated file continues (${e.previousHead?.slice(0, 16) ?? "?"}…)`,
          );
        } else if (prevEntry && !flagged.has(prevEntry)) {
          damage(
            prevEntry,
            "edited",
            `its hash was recomputed: the next record (seq ${seq}) links to another version of it`,
          );
        } else if (!prevEntry || !flagged.has(prevEntry)) {
          damage(e, "edited", "it does not link to the record before it");
        }
      }
    } else if (seq > expSeq) {
      const missing: number[] = [];
      for (let s = expSeq; s < seq && missing.length < 1_000_000; s++) if (later(s, i)) missing.push(s);
      if (missing.length > 0) {
        damage(e, "reordered", `seq ${seq} comes before seq ${missing[0]}`);
        for (const s of missing) moved.add(s);
      } else if (atFileStart && e.type === "rotate" && e.prev === expPrev) {
        // unreachable: rotate keeps seq contiguous
      } else {
        damage(
          e,
          "deleted",
          seq - expSeq === 1
            ? `seq ${expSeq} is missing before it`
            : `seq ${expSeq}–${seq - 1} (${seq - expSeq} records) are missing before it`,
        );
      }
    } else {
      advance = false;
      if (moved.has(seq)) moved.delete(seq);
      else if ((bySeq.get(seq) ?? []).some((j) => j < i)) {
        const succ = (bySeq.get(seq + 1) ?? []).map((j) => entries[j]!);
        const earlier = entries[(bySeq.get(seq) ?? []).find((j) => j < i)!]!;
        if (succ.some((s) => s.prev === e.hash) && !succ.some((s) => s.prev === earlier.hash)) {
          damage(earlier, "inserted", `a record with seq ${seq} that is not part of the chain`);
          expPrev = seq + 1 === expSeq ? e.hash : expPrev;
        } else damage(e, "inserted", `a second record with seq ${seq} (not part of the chain)`);
      } else damage(e, "reordered", `seq ${seq} comes after seq ${expSeq - 1}`);
    }
    if (advance) {
      expSeq = seq + 1;
      expPrev = e.hash;
      prevEntry = e;
      head = { seq, hash: e.hash!, file: e.file, line: e.line };
    }
    if (needHashes) hashes.set(e.hash!, e);
    if (e.type === "run-start") {
      runs++;
      open.add(e.run!);
    } else if (e.type === "run-end") open.delete(e.run!);
    if (e.problem?.kind === "truncated") damage(e, "truncated", e.problem.detail);
  }

  const lastEntry = entries.at(-1);
  const endAt = { file: lastEntry?.file ?? files.at(-1) ?? "", line: (lastEntry?.line ?? 0) + 1 };
  for (const h of o.expectHeads ?? []) {
    if (!hashes.has(h))
      damages.push({
        kind: "truncated",
        ...endAt,
        detail: `the expected head ${h.slice(0, 16)}… is not in the log: records were removed from its end, or it was rewritten`,
      });
  }
  for (const w of o.witness ?? []) {
    const at = hashes.get(w.hash);
    if (at) continue;
    const sameSeq = w.seq !== undefined ? (bySeq.get(w.seq) ?? []).map((j) => entries[j]!) : [];
    if (sameSeq.length > 0) {
      const e = sameSeq[0]!;
      damages.push({
        kind: "edited",
        file: e.file,
        line: e.line,
        seq: e.seq!,
        detail: `the witness (${w.at}) recorded another hash for seq ${w.seq}: the record was rewritten`,
      });
    } else {
      damages.push({
        kind: "truncated",
        ...endAt,
        ...(w.seq !== undefined ? { seq: w.seq } : {}),
        detail: `the witness (${w.at}) saw ${w.seq !== undefined ? `seq ${w.seq}` : "a head"} that the log does not have${head ? ` (it ends at seq ${head.seq})` : ""}: records were removed from its end`,
      });
    }
  }
  const order = new Map(files.map((f, i) => [f, i]));
  damages.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line);
  return {
    files: perFile,
    records: entries.filter((e) => e.hash !== undefined).length,
    runs,
    openRuns: open.size,
    ...(head ? { head } : {}),
    macs,
    damages,
    macChecked,
  };
}
