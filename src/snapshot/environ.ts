/**
 * Lossless decoding of NUL-separated `KEY=VALUE` blocks (`/proc/<pid>/environ`, OCI `process.env`,
 * `env -0` output). Keys and values that are not valid UTF-8 are shown with `\xNN` escapes and flagged;
 * the exact bytes stay in `raw`. Never throws.
 */
import type { EnvEntry, EnvMap } from "../model/index.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes bytes as UTF-8, or, if they are not valid UTF-8, as text with each invalid byte written `\xNN`. */
export function decodeBytes(bytes: Uint8Array): { text: string; escaped: boolean } {
  const { text, invalidBytes } = decodeUtf8Lossless(bytes, (b) => `\\x${b.toString(16).padStart(2, "0")}`);
  return { text, escaped: invalidBytes > 0 };
}

/**
 * Decodes UTF-8, writing each byte that is not part of a valid sequence with `onInvalid` (an escape, or a
 * marker a reader maps back to the byte), so nothing is lost and nothing throws.
 */
export function decodeUtf8Lossless(
  bytes: Uint8Array,
  onInvalid: (byte: number) => string,
): { text: string; invalidBytes: number } {
  try {
    return { text: utf8.decode(bytes), invalidBytes: 0 };
  } catch {
    // fall through: decode sequence by sequence
  }
  let out = "";
  let invalidBytes = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len > 0 && i + len <= bytes.length) {
      try {
        out += utf8.decode(bytes.subarray(i, i + len));
        i += len;
        continue;
      } catch {
        // fall through: this byte is invalid
      }
    }
    out += onInvalid(b);
    invalidBytes++;
    i += 1;
  }
  return { text: out, invalidBytes };
}

export interface ParsedEnviron {
  env: EnvMap;
  /** Keys seen more than once; like getenv(3), the first occurrence wins. */
  duplicates: string[];
  /** Entries without `=` (kept out of the map). */
  malformed: number;
}

/** Parses a NUL-separated environment block. */
export function parseEnviron(block: Uint8Array): ParsedEnviron {
  const env: EnvMap = new Map();
  const duplicates: string[] = [];
  let malformed = 0;
  let start = 0;
  for (let i = 0; i <= block.length; i++) {
    if (i < block.length && block[i] !== 0) continue;
    if (i > start) {
      const entry = block.subarray(start, i);
      const eq = entry.indexOf(0x3d);
      if (eq <= 0) {
        malformed++;
      } else {
        const k = decodeBytes(entry.subarray(0, eq));
        const rawValue = entry.slice(eq + 1);
        const v = decodeBytes(rawValue);
        if (env.has(k.text)) duplicates.push(k.text);
        else env.set(k.text, { key: k.text, value: v.text, raw: rawValue, escaped: k.escaped || v.escaped });
      }
    }
    start = i + 1;
  }
  return { env, duplicates, malformed };
}

/** Builds an EnvMap from plain strings (e.g. `process.env`, a container's `Config.Env`). */
export function envFromStrings(entries: Iterable<readonly [string, string]>): EnvMap {
  const env: EnvMap = new Map();
  const enc = new TextEncoder();
  for (const [key, value] of entries) {
    if (!env.has(key)) env.set(key, { key, value, raw: enc.encode(value), escaped: false });
  }
  return env;
}

export function sameValue(a: EnvEntry | undefined, b: EnvEntry | undefined): boolean {
  if (!a || !b) return false;
  if (a.raw.length !== b.raw.length) return false;
  for (let i = 0; i < a.raw.length; i++) if (a.raw[i] !== b.raw[i]) return false;
  return true;
}
