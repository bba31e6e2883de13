/**
 * Sealing: a snapshot is deep-frozen and its `hash` is SHA-256 over its canonical JSON (keys sorted,
 * no whitespace) without `id`/`hash`. `verifySnapshot` recomputes it, so a copy that was edited on its way
 * (a log, a span exporter, a file) is told apart from the one the process sealed.
 */
import type { RuntimeSnapshot } from "./types.js";

/** node:crypto on first use (its load is most of what `init()` would otherwise cost). */
const crypto = () => process.getBuiltinModule("node:crypto");

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  const o = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) {
    if (o[k] === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  }
  return `{${parts.join(",")}}`;
}

export function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

export function sealSnapshot(body: Omit<RuntimeSnapshot, "id" | "hash">): RuntimeSnapshot {
  const hash = crypto().createHash("sha256").update(canonicalJson(body)).digest("hex");
  return deepFreeze({ id: `sha256:${hash.slice(0, 16)}`, hash, ...body });
}

/** True when `s` is exactly what was sealed (its hash matches its content). */
export function verifySnapshot(s: RuntimeSnapshot): boolean {
  const { id, hash, ...body } = s;
  const h = crypto().createHash("sha256").update(canonicalJson(body)).digest("hex");
  return h === hash && id === `sha256:${h.slice(0, 16)}`;
}

/** Keyed digests of values: a per-process random key, so a digest tells equal from different and no more. */
export class ValueDigester {
  private key: Buffer | undefined;
  digest(key: string, value: string): string {
    this.key ??= crypto().randomBytes(32);
    return crypto()
      .createHmac("sha256", this.key)
      .update(key)
      .update("\0")
      .update(value)
      .digest("hex")
      .slice(0, 16);
  }
}
