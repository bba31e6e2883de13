/**
 * Streaming redaction: bytes in, the same bytes out with every detected secret replaced by its mask.
 *
 * Text is handled as latin1 (one char per byte), so any input — UTF-8 or not — round-trips byte for byte.
 * Input is processed in whole lines; the unfinished last line is carried into the next chunk. Memory stays
 * bounded by `maxCarry`: a line longer than that is cut with an overlap larger than any match, a PEM block
 * still open at a chunk end is carried (up to `maxCarry`, then masked line by line until its END line),
 * and a value still running at a cut keeps being masked in the next chunk.
 */
import type { SecretEngine, SecretMatch } from "./engine.js";
import { currentEngine } from "./index.js";
import { FULL_MASK, type MaskStyle, maskSecret } from "./mask.js";

export interface RedactOptions {
  style?: MaskStyle;
  /** Fingerprint key (style `fingerprint`). */
  key?: Buffer;
  engine?: SecretEngine;
  /** Largest carried-over text, in bytes. Default 1 MiB. */
  maxCarry?: number;
}

export interface RedactStats {
  bytes: number;
  secrets: number;
  byRule: Record<string, number>;
}

/** Longer than any single match (PEM window 65 536 + headers), so a cut never splits one. */
const OVERLAP = 80_000;
const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/;
/** Bytes that end an unquoted value (space, tab, CR, LF, quotes, backquote). */
const VALUE_END = new Set([32, 9, 13, 10, 34, 39, 96]);

export class Redactor {
  private carry: Buffer = Buffer.alloc(0);
  private pemOpen = false;
  private valueOpen = false;
  private readonly style: MaskStyle;
  private readonly engine: SecretEngine;
  private readonly maxCarry: number;
  readonly stats: RedactStats = { bytes: 0, secrets: 0, byRule: {} };

  constructor(private readonly opts: RedactOptions = {}) {
    this.style = opts.style ?? "partial";
    this.engine = opts.engine ?? currentEngine();
    this.maxCarry = Math.max(opts.maxCarry ?? 1 << 20, 2 * OVERLAP);
  }

  /** Feeds a chunk; returns what can be written now (possibly a view of `chunk`: write it before reusing `chunk`). */
  push(chunk: Uint8Array): Buffer {
    this.stats.bytes += chunk.length;
    const c = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, c]) : c;
    this.carry = Buffer.alloc(0);
    return join(this.process(buf, false));
  }

  /** Flushes the rest at end of input. */
  end(): Buffer {
    const buf = this.carry;
    this.carry = Buffer.alloc(0);
    return join(this.process(buf, true));
  }

  private process(buf: Buffer, final: boolean): Buffer[] {
    const pieces: Buffer[] = [];
    if (this.pemOpen || this.valueOpen) {
      const [kept, rest] = this.continueOpen(buf);
      if (kept) pieces.push(kept);
      buf = rest;
      if (this.pemOpen && !final) return pieces; // still inside an over-long PEM block, already masked
    }
    if (buf.length === 0) return pieces;
    let cut = buf.length;
    let longLine = false;
    if (!final) {
      cut = buf.lastIndexOf(10) + 1;
      // A private key block opened but not closed before `cut`: carry it whole if it fits.
      const open = this.openPem(buf, cut);
      if (open >= 0) {
        if (buf.length - open <= this.maxCarry) cut = Math.min(cut, open);
        else {
          pieces.push(...this.maskOpenPem(buf, open));
          return pieces;
        }
      }
      if (cut === 0) {
        if (buf.length <= this.maxCarry) {
          this.carry = Buffer.from(buf);
          return pieces;
        }
        cut = buf.length - OVERLAP;
        longLine = true;
      }
    }
    const region = longLine ? buf : buf.subarray(0, cut);
    const matches = this.engine.scanBytes(region);
    let at = 0;
    for (const m of matches) {
      if (m.start >= cut) break;
      const a = this.style === "full" ? m.fullStart : m.start;
      const b = this.style === "full" ? m.fullEnd : m.end;
      if (a < at) continue;
      pieces.push(region.subarray(at, a), Buffer.from(this.mask(region, m), "latin1"));
      at = b;
      if (b > cut) cut = b;
      if (longLine && m.end === region.length) this.valueOpen = true;
    }
    pieces.push(buf.subarray(at, cut));
    // Copy the carry: the caller's chunk buffer may be reused.
    this.carry = Buffer.from(buf.subarray(cut));
    return pieces;
  }

  private mask(buf: Buffer, m: SecretMatch): string {
    this.stats.secrets++;
    this.stats.byRule[m.ruleId] = (this.stats.byRule[m.ruleId] ?? 0) + 1;
    return maskSecret(buf.toString("latin1", m.start, m.end), this.style, {
      safePrefix: m.safePrefix,
      showLength: m.showLength,
      ...(this.opts.key ? { key: this.opts.key } : {}),
    });
  }

  /** Start of the line holding a PEM BEGIN in `buf[0, cut)` whose END line is not complete before `cut`, or -1. */
  private openPem(buf: Buffer, cut: number): number {
    if (cut === 0 || buf.indexOf("-----BEGIN") < 0) return -1;
    const text = buf.toString("latin1", 0, cut);
    PEM_BEGIN.lastIndex = 0;
    let last = -1;
    for (let m = PEM_BEGIN.exec(text); m !== null; m = PEM_BEGIN.exec(text)) last = m.index;
    if (last < 0 || PEM_END.test(text.slice(last))) return -1;
    return text.lastIndexOf("\n", last) + 1;
  }

  /** Masks an over-long open PEM block from its BEGIN line to the end of `buf`. */
  private maskOpenPem(buf: Buffer, open: number): Buffer[] {
    const head = buf.subarray(0, open);
    const pieces: Buffer[] = [];
    let at = 0;
    for (const m of this.engine.scanBytes(head)) {
      pieces.push(head.subarray(at, m.start), Buffer.from(this.mask(head, m), "latin1"));
      at = m.end;
    }
    pieces.push(head.subarray(at));
    const line = buf.toString("latin1", open, Math.min(buf.length, open + 200));
    const begin = /-----BEGIN [^\n]{0,60}-----/.exec(line);
    const keep = begin ? open + begin.index + begin[0].length : open;
    this.pemOpen = true;
    this.stats.secrets++;
    pieces.push(buf.subarray(open, keep), Buffer.from(FULL_MASK));
    return pieces;
  }

  /** Continues masking a PEM block or value left open by the previous chunk: [bytes to keep, rest]. */
  private continueOpen(buf: Buffer): [Buffer | null, Buffer] {
    if (this.pemOpen) {
      for (let i = buf.indexOf("-----END"); i >= 0; i = buf.indexOf("-----END", i + 1)) {
        const end = PEM_END.exec(buf.toString("latin1", i, Math.min(buf.length, i + 80)));
        if (end && end.index === 0) {
          this.pemOpen = false;
          return [buf.subarray(i, i + end[0].length), buf.subarray(i + end[0].length)];
        }
      }
      return [null, Buffer.alloc(0)];
    }
    this.valueOpen = false;
    let i = 0;
    while (i < buf.length && !VALUE_END.has(buf[i]!)) i++;
    if (i === buf.length) this.valueOpen = true;
    return [null, buf.subarray(i)];
  }
}

/** One buffer from pieces, copying only when there are several. */
function join(pieces: Buffer[]): Buffer {
  const nonEmpty = pieces.filter((p) => p.length > 0);
  return nonEmpty.length === 1 ? nonEmpty[0]! : Buffer.concat(nonEmpty);
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
