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
const VALUE_RUN = /^[^ \t\r\n"'`]{1,65536}/;

export class Redactor {
  private carry = "";
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

  /** Feeds a chunk; returns what can be written now. */
  push(chunk: Uint8Array): Buffer {
    this.stats.bytes += chunk.length;
    const text =
      this.carry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
    this.carry = "";
    return Buffer.from(this.process(text, false), "latin1");
  }

  /** Flushes the rest at end of input. */
  end(): Buffer {
    const text = this.carry;
    this.carry = "";
    return Buffer.from(this.process(text, true), "latin1");
  }

  private process(text: string, final: boolean): string {
    let prefix = "";
    if (this.pemOpen || this.valueOpen) {
      const [masked, rest] = this.continueOpen(text);
      prefix = masked;
      text = rest;
      if (this.pemOpen && !final) {
        // Still inside an over-long PEM block: everything seen so far was masked.
        return prefix;
      }
    }
    if (text.length === 0) return prefix;
    let cut = text.length;
    let longLine = false;
    if (!final) {
      cut = text.lastIndexOf("\n") + 1;
      // A private key block opened but not closed in this chunk: carry it whole if it fits.
      const open = this.openPem(text, cut);
      if (open >= 0) {
        if (text.length - open <= this.maxCarry) cut = Math.min(cut, open);
        else return prefix + this.maskOpenPem(text, open);
      }
      if (cut === 0) {
        if (text.length <= this.maxCarry) {
          this.carry = text;
          return prefix;
        }
        cut = text.length - OVERLAP;
        longLine = true;
      }
    }
    const region = longLine ? text : text.slice(0, cut);
    const matches = this.engine.scan(region);
    let out = "";
    let at = 0;
    for (const m of matches) {
      if (m.start >= cut) break;
      const a = this.style === "full" ? m.fullStart : m.start;
      const b = this.style === "full" ? m.fullEnd : m.end;
      if (a < at) continue;
      out += region.slice(at, a) + this.mask(region, m);
      at = b;
      if (b > cut) cut = b;
      if (longLine && m.end === region.length) this.valueOpen = true;
    }
    out += text.slice(at, cut);
    this.carry = text.slice(cut);
    return prefix + out;
  }

  private mask(text: string, m: SecretMatch): string {
    this.stats.secrets++;
    this.stats.byRule[m.ruleId] = (this.stats.byRule[m.ruleId] ?? 0) + 1;
    return maskSecret(text.slice(m.start, m.end), this.style, {
      safePrefix: m.safePrefix,
      showLength: m.showLength,
      ...(this.opts.key ? { key: this.opts.key } : {}),
    });
  }

  /** Start of the line holding a PEM BEGIN in `text[0, cut)` with no END after it, or -1. */
  private openPem(text: string, cut: number): number {
    if (!text.includes("-----BEGIN")) return -1;
    PEM_BEGIN.lastIndex = 0;
    let last = -1;
    for (let m = PEM_BEGIN.exec(text); m !== null; m = PEM_BEGIN.exec(text)) last = m.index;
    // The END line must be complete too (before `cut`), or the block is still open.
    if (last < 0 || last >= cut || PEM_END.test(text.slice(last, cut))) return -1;
    return text.lastIndexOf("\n", last) + 1;
  }

  /** Masks an over-long open PEM block from its BEGIN line to the end of `text`. */
  private maskOpenPem(text: string, open: number): string {
    const head = text.slice(0, open);
    const matches = this.engine.scan(head);
    let out = "";
    let at = 0;
    for (const m of matches) {
      out += head.slice(at, m.start) + this.mask(head, m);
      at = m.end;
    }
    out += head.slice(at);
    const begin = /-----BEGIN [^\n]{0,60}-----/.exec(text.slice(open));
    const keep = begin ? open + begin.index + begin[0].length : open;
    this.pemOpen = true;
    this.stats.secrets++;
    return `${out}${text.slice(open, keep)}${FULL_MASK}`;
  }

  /** Continues masking a PEM block or value left open by the previous chunk. */
  private continueOpen(text: string): [string, string] {
    if (this.pemOpen) {
      const end = PEM_END.exec(text);
      if (!end) return ["", ""];
      this.pemOpen = false;
      return [text.slice(end.index, end.index + end[0].length), text.slice(end.index + end[0].length)];
    }
    this.valueOpen = false;
    const run = VALUE_RUN.exec(text);
    if (!run) return ["", text];
    if (run[0].length === text.length) this.valueOpen = true;
    return ["", text.slice(run[0].length)];
  }
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
