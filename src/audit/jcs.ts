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
          out += x === undefined || typeof x === "function" ? "null" : canonicalize(x);
        }
        return `${out}]`;
      }
      const o = (
        typeof (v as { toJSON?: unknown }).toJSON === "function" ? (v as { toJSON(): unknown }).toJSON() : v
      ) as Record<string, unknown>;
      if (o !== v) return canonicalize(o);
      // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      const keys = Object.keys(o).sort();
      let out = "{";
      let first = true;
      for (const k of keys) {
        const x = o[k];
        if (x === undefined || typeof x === "function") continue;
        if (!first) out += ",";
        first = false;
        out += `${JSON.stringify(k)}:${canonicalize(x)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`JCS: cannot serialize a ${typeof v}`);
  }
}
