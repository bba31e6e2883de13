/**
 * Streaming redaction: bytes in, the same bytes out with every detected secret replaced by its mask.
 *
 * Text is handled as latin1 (one char per byte), so any input — UTF-8 or not — round-trips byte for byte.
 * Every byte outside a secret is kept, and so is the line count: a secret spanning lines (a PEM block)
 * is replaced by its mask followed by the line breaks it held.
 *
 * Input is processed in whole lines; the unfinished last line is carried into the next chunk. Memory stays
 * bounded: a line longer than `maxCarry` is cut with an overlap larger than any match (a value still
 * running at a cut keeps being masked in the next chunk), and a multi-line block (PEM BEGIN, PuTTY
 * Private-Lines) opening less than one match window before a cut is carried until the window is there.
 * Matches themselves are bounded (a PEM block ends at its own END line within 64 KiB, otherwise only its
 * key material lines are masked), so nothing after a malformed block is ever swallowed.
 */
import type { SecretEngine, SecretMatch } from "./engine.js";
import { currentEngine } from "./index.js";
import { type MaskStyle, maskSecret } from "./mask.js";

export interface RedactOptions {
  style?: MaskStyle;
  /** Fingerprint key (style `fingerprint`). */
  key?: Buffer;
  engine?: SecretEngine;
  /** Largest carried-over text, in bytes, for lines without a newline. Default 1 MiB. */
  maxCarry?: number;
}

export interface RedactStats {
  bytes: number;
  /** Secrets masked (documentation example keys not included). */
  secrets: number;
  /** Vendors' documentation example keys masked (`AKIAIOSFODNN7EXAMPLE`): no finding. */
  examples: number;
  byRule: Record<string, number>;
}

/** Longer than any single match (multi-line window 70 000 + its first line), so a cut never splits one. */
const OVERLAP = 80_000;
/** Literals that open a multi-line match (the multi-line rules' starts). */
const OPENERS = ["-----BEGIN", "Private-Lines:"];
/** Bytes that end an unquoted value (space, tab, CR, LF, quotes, backquote). */
const VALUE_END = new Uint8Array(256);
for (const b of [32, 9, 13, 10, 34, 39, 96]) VALUE_END[b] = 1;
const EMPTY = Buffer.alloc(0);
/** A region this large means a large input: prime the engine (it costs ~50 ms once, saves ~3× that on 20 MB). */
const PRIME_AT = 256 * 1024;

export class Redactor {
  /** Input held back (a partial line, an open block), as received: concatenated once, when processed. */
  private pending: Buffer[] = [];
  private pendingLen = 0;
  /** Hold input until this many bytes are pending (0: process on the next push)… */
  private waitFor = 0;
  /** …or until a chunk brings a newline. */
  private waitNewline = false;
  private valueOpen = false;
  /** Bytes an open multi-line block needs before it is scanned (set by `holdOpenBlock`). */
  private blockNeed = OVERLAP;
  private readonly style: MaskStyle;
  private readonly engine: SecretEngine;
  private readonly maxCarry: number;
  readonly stats: RedactStats = { bytes: 0, secrets: 0, examples: 0, byRule: {} };

  constructor(private readonly opts: RedactOptions = {}) {
    this.style = opts.style ?? "partial";
    this.engine = opts.engine ?? currentEngine();
    this.maxCarry = Math.max(opts.maxCarry ?? 1 << 20, 2 * OVERLAP);
  }

  /** Feeds a chunk; returns what can be written now (possibly a view of `chunk`: write it before reusing `chunk`). */
  push(chunk: Uint8Array): Buffer {
    this.stats.bytes += chunk.length;
    const c = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (
      this.pendingLen > 0 &&
      this.pendingLen + c.length < this.waitFor &&
      !(this.waitNewline && c.indexOf(10) >= 0)
    ) {
      // Still waiting (a long line, an open block): keep a copy, concatenate once later.
      this.pending.push(Buffer.from(c));
      this.pendingLen += c.length;
      return EMPTY;
    }
    return this.process(this.take(c), false);
  }

  /** Flushes the rest at end of input. */
  end(): Buffer {
    return this.process(this.take(EMPTY), true);
  }

  private take(c: Buffer): Buffer {
    if (this.pendingLen === 0) return c;
    const buf = Buffer.concat(c.length > 0 ? [...this.pending, c] : this.pending);
    this.pending = [];
    this.pendingLen = 0;
    return buf;
  }

  private hold(rest: Buffer, waitFor: number, waitNewline: boolean): void {
    // Copy: the caller's chunk buffer may be reused.
    if (rest.length > 0) {
      this.pending = [Buffer.from(rest)];
      this.pendingLen = rest.length;
    }
    this.waitFor = waitFor;
    this.waitNewline = waitNewline;
  }

  private process(buf: Buffer, final: boolean): Buffer {
    if (this.valueOpen) {
      // A secret cut at the end of the previous over-long chunk runs on: mask through its end.
      let i = 0;
      while (i < buf.length && VALUE_END[buf[i]!] === 0) i++;
      this.valueOpen = i === buf.length;
      buf = buf.subarray(i);
    }
    this.waitFor = 0;
    this.waitNewline = false;
    if (buf.length === 0) return EMPTY;
    let cut = buf.length;
    let longLine = false;
    if (!final) {
      cut = buf.lastIndexOf(10) + 1;
      if (cut > 0) cut = this.holdOpenBlock(buf, cut);
      if (cut === 0) {
        const open = buf.indexOf(10) >= 0;
        if (buf.length <= this.maxCarry || (open && buf.length <= this.blockNeed)) {
          // An open block waits for a whole window; a line without newline for its newline.
          this.hold(buf, open ? this.blockNeed + 1 : this.maxCarry + 1, !open);
          return EMPTY;
        }
        cut = buf.length - OVERLAP;
        longLine = true;
      }
    }
    // A large input: let the JIT see every rule's path first (`SecretEngine.prime`).
    if (buf.length >= PRIME_AT) this.engine.prime();
    const region = longLine ? buf : buf.subarray(0, cut);
    // Kept spans and masks, then one output buffer: no intermediate Buffer per piece.
    const keep: number[] = [];
    const masks: string[] = [];
    let at = 0;
    let size = 0;
    for (const m of this.engine.scanBytes(region)) {
      if (m.start >= cut) break;
      const a = this.style === "full" ? m.fullStart : m.start;
      const b = this.style === "full" ? m.fullEnd : m.end;
      if (a < at) continue;
      const mask = this.mask(region, m, a, b);
      keep.push(at, a);
      masks.push(mask);
      size += a - at + mask.length;
      at = b;
      if (b > cut) cut = b;
      if (longLine && m.end === region.length) this.valueOpen = true;
    }
    const rest = buf.subarray(cut);
    let out: Buffer;
    if (masks.length === 0) out = buf.subarray(0, cut);
    else {
      out = Buffer.allocUnsafe(size + Math.max(0, cut - at));
      let o = 0;
      for (let i = 0; i < masks.length; i++) {
        o += buf.copy(out, o, keep[2 * i]!, keep[2 * i + 1]!);
        o += out.write(masks[i]!, o, "latin1");
      }
      if (cut > at) buf.copy(out, o, at, cut);
    }
    this.hold(rest, 0, false);
    return out;
  }

  /**
   * A multi-line block opening less than its window before `cut` may not be complete yet: cut before its
   * line instead (0 when it opens the buffer and its window is not all there yet, see `blockNeed`). The
   * window is one match (80 000 bytes) when an END line follows, else `maxCarry`, so that a block whose
   * END is missing has all its key material lines in one region.
   */
  private holdOpenBlock(buf: Buffer, cut: number): number {
    let p = -1;
    for (const o of OPENERS) p = Math.max(p, buf.lastIndexOf(o, cut - 1, "latin1"));
    if (p < 0) return cut;
    const need = buf.indexOf("-----END", p, "latin1") >= 0 ? OVERLAP : this.maxCarry;
    if (cut - p >= need) return cut;
    this.blockNeed = need;
    const lineStart = p === 0 ? 0 : buf.lastIndexOf(10, p - 1) + 1;
    if (lineStart > 0) return lineStart;
    return buf.length - p < need ? 0 : cut;
  }

  /** The mask for `[a, b)` of `buf` (match `m`), followed by the line breaks the span held. */
  private mask(buf: Buffer, m: SecretMatch, a: number, b: number): string {
    if (m.example) this.stats.examples++;
    else {
      this.stats.secrets++;
      this.stats.byRule[m.ruleId] = (this.stats.byRule[m.ruleId] ?? 0) + 1;
    }
    const o: Parameters<typeof maskSecret>[2] = { safePrefix: m.safePrefix, showLength: m.showLength };
    if (m.example) o.example = true;
    if (this.opts.key) o.key = this.opts.key;
    const mask = maskSecret(buf.toString("latin1", m.start, m.end), this.style, o);
    let breaks = "";
    for (let i = buf.indexOf(10, a); i >= 0 && i < b; i = buf.indexOf(10, i + 1))
      breaks += i > a && buf[i - 1] === 13 ? "\r\n" : "\n";
    return mask + breaks;
  }
}

/** A short text (a command-line argument, an error line, a line of a file) with every secret fully masked. */
export function redactText(text: string): string {
  const r = new Redactor({ style: "full" });
  return Buffer.concat([r.push(Buffer.from(text)), r.end()]).toString("utf8");
}

/** Pipes `input` through a {@link Redactor} into `write`, honouring back-pressure via `write`'s promise. */
export async function redactStream(
  input: AsyncIterable<Uint8Array | string>,
  write: (b: Buffer) => Promise<void> | void,
  redactor: Redactor,
): Promise<RedactStats> {
  for await (const chunk of input) {
    const out = redactor.push(typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk);
    if (out.length > 0) await write(out);
  }
  const rest = redactor.end();
  if (rest.length > 0) await write(rest);
  return redactor.stats;
}
