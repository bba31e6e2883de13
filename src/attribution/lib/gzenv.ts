/**
 * direnv's "gzenv" encoding of `DIRENV_DIFF` (direnv `gzenv/gzenv.go`): JSON, zlib-compressed, then
 * base64 with the URL-safe alphabet (with padding). The JSON is direnv's `EnvDiff`:
 * `{"p": {previous values of changed/removed keys}, "n": {new values of added/changed keys}}`.
 * Decoding is bounded (decompression-bomb safe) and total: bad input yields an error string, never a throw.
 */
import { deflateSync, inflateSync } from "node:zlib";

/** Decoded output above this size is refused (an environment is far smaller). */
export const GZENV_MAX_BYTES = 4 * 1024 * 1024;

export interface EnvDiff {
  prev: Map<string, string>;
  next: Map<string, string>;
}

function toStringMap(v: unknown): Map<string, string> | null {
  if (v === undefined || v === null) return new Map();
  if (typeof v !== "object" || Array.isArray(v)) return null;
  const m = new Map<string, string>();
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val === "string") m.set(k, val);
  }
  return m;
}

export function decodeGzenv(text: string): { ok: true; diff: EnvDiff } | { ok: false; error: string } {
  const t = text.trim();
  if (t === "" || !/^[A-Za-z0-9_\-+/=]+$/.test(t)) return { ok: false, error: "not base64" };
  let bytes: Buffer;
  try {
    bytes = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    bytes = inflateSync(bytes, { maxOutputLength: GZENV_MAX_BYTES });
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      ok: false,
      error: code === "ERR_BUFFER_TOO_LARGE" ? "decoded size above limit" : "not zlib data",
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return { ok: false, error: "not JSON" };
  }
  if (!json || typeof json !== "object" || Array.isArray(json))
    return { ok: false, error: "not an EnvDiff object" };
  const o = json as Record<string, unknown>;
  const prev = toStringMap(o.p);
  const next = toStringMap(o.n);
  if (!prev || !next) return { ok: false, error: "not an EnvDiff object" };
  return { ok: true, diff: { prev, next } };
}

/** The inverse (direnv's `Marshal`), used by tests to build fixtures the way direnv does. */
export function encodeGzenv(diff: { p: Record<string, string>; n: Record<string, string> }): string {
  return deflateSync(Buffer.from(JSON.stringify(diff)))
    .toString("base64")
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
}
