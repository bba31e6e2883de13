/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for the values an audit record holds: objects with keys
 * sorted by their UTF-16 code units, no whitespace, strings and numbers serialized as ECMAScript's
 * `JSON.stringify` does (which is what JCS specifies: RFC 8785 §3.2.2.2 and §3.2.2.3). `undefined`
 * members are left out, as `JSON.stringify` does. Written here (40 lines) rather than taken from npm
 * (`canonicalize` is the same algorithm): it is on the hot path of every record, and it throws on what JCS
 * cannot express (non-finite numbers, bigint) instead of passing it through. Strings with lone surrogates
 * are not I-JSON (RFC 8785 §3.2.2.2); the audit writer makes every string well-formed before hashing.
 */
export function canonicalize(v: unknown): string {
  // Fast path: a value whose objects already have their keys in JCS order is serialized by the native
  // JSON.stringify, which then writes exactly the JCS text (the audit writer builds records that way).
  return inOrder(v) ? JSON.stringify(v) : slow(v);
}

const INDEX = /^(?:0|[1-9]\d*)$/;

/** True when `JSON.stringify(v)` is the JCS form of `v`. */
function inOrder(v: unknown): boolean {
  switch (typeof v) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(v);
    case "object": {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (const x of v) if (x === undefined || !inOrder(x)) return false;
        return true;
      }
      if (typeof (v as { toJSON?: unknown }).toJSON === "function") return false;
      let prev: string | undefined;
      for (const k in v) {
        if (!Object.hasOwn(v, k)) return false;
        // Integer-like keys come first in property order, whatever their string order.
        if ((prev !== undefined && k <= prev) || INDEX.test(k)) return false;
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined || !inOrder(x)) return false;
        prev = k;
      }
      return true;
    }
    default:
      return false;
  }
}

function slow(v: unknown): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      if (!Number.isFinite(v)) throw new TypeError("JCS: a number must be finite");
      return JSON.stringify(v);
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (Array.isArray(v)) {
        let out = "[";
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ",";
          const x = v[i];
          out += x === undefined || typeof x === "function" ? "null" : slow(x);
        }
        return `${out}]`;
      }
      const o = (
        typeof (v as { toJSON?: unknown }).toJSON === "function" ? (v as { toJSON(): unknown }).toJSON() : v
      ) as Record<string, unknown>;
      if (o !== v) return slow(o);
      // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      const keys = Object.keys(o).sort();
      let out = "{";
      let first = true;
      for (const k of keys) {
        const x = o[k];
        if (x === undefined || typeof x === "function") continue;
        if (!first) out += ",";
        first = false;
        out += `${JSON.stringify(k)}:${slow(x)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`JCS: cannot serialize a ${typeof v}`);
  }
}

const inJcsOrder = new WeakSet<object>();

/**
 * Marks an object whose keys (recursively) were put in JCS order by its maker and that is not changed
 * afterwards: {@link isInJcsOrder} then spares the check of its shape.
 */
export function markInJcsOrder<T extends object>(o: T): T {
  inJcsOrder.add(o);
  return o;
}

export function isInJcsOrder(o: unknown): boolean {
  return typeof o === "object" && o !== null && inJcsOrder.has(o);
}
