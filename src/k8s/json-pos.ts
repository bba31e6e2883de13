/**
 * JSON with the line of every object and array (`kubectl get -o json` output keeps file:line that way).
 * Strict JSON only: anything else throws a {@link JsonPosError}, and the caller falls back to the YAML path.
 *
 * {@link parseJsonWithLines} lets V8's native `JSON.parse` build the values (five times faster than
 * building them in JavaScript) and finds the lines with a scan that only follows brackets, commas and
 * strings; a walk over the parsed value then pairs the n-th container in document order with the n-th
 * opening bracket. Two things make the parsed value's order differ from the text's: duplicate keys (the
 * last wins, at the first one's place) and array-index keys (`"0"`, `"12"`: objects list them first). The
 * walk checks every object's key count and keys, and gives such inputs to {@link parseJsonWithLinesSlow},
 * which builds the values itself and keeps the old behaviour.
 *
 * Guards: nesting deeper than `maxDepth` throws (no recursion over the input's depth in the scan; the walk
 * recurses at most `maxDepth` deep), `__proto__` keys are own data properties (as `JSON.parse` makes them).
 */
import type { Json, JsonObject } from "./types.js";

export class JsonPosError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

type Frame = { kind: "obj"; value: JsonObject; key: string | undefined } | { kind: "arr"; value: Json[] };

/** Container lines in document order and, for each container, its member count (scan of valid JSON). */
function scan(text: string, maxDepth: number): { lines: Int32Array; counts: Int32Array; n: number } {
  let lines = new Int32Array(1024);
  let counts = new Int32Array(1024);
  const stack = new Int32Array(maxDepth + 1);
  let depth = 0;
  let n = 0;
  let line = 1;
  // Whether the innermost container has seen its first member yet.
  let fresh = false;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) continue;
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 125 || c === 93) {
      // } ]
      depth--;
      fresh = false;
      continue;
    }
    if (c === 44) {
      counts[stack[depth - 1]!]!++;
      continue;
    }
    if (c === 58) continue; // :
    if (fresh) {
      counts[stack[depth - 1]!] = 1;
      fresh = false;
    }
    if (c === 34) {
      // A string: to the next quote not escaped by an odd run of backslashes. (Valid JSON has no raw
      // newline inside a string.)
      let j = text.indexOf('"', i + 1);
      for (;;) {
        let k = j - 1;
        while (text.charCodeAt(k) === 92) k--;
        if ((j - 1 - k) % 2 === 0) break;
        j = text.indexOf('"', j + 1);
      }
      i = j;
      continue;
    }
    if (c === 123 || c === 91) {
      if (depth >= maxDepth) throw new JsonPosError(`nesting deeper than ${maxDepth}`, line);
      if (n === lines.length) {
        const l2 = new Int32Array(n * 2);
        l2.set(lines);
        lines = l2;
        const c2 = new Int32Array(n * 2);
        c2.set(counts);
        counts = c2;
      }
      lines[n] = line;
      counts[n] = 0;
      stack[depth++] = n++;
      fresh = true;
    }
    // Numbers, true/false/null: nothing to do.
  }
  return { lines, counts, n };
}

/** A key that objects list before all others, in numeric order (an array index, 0 … 2^32 − 2). */
function isIndexKey(k: string): boolean {
  const c = k.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  if (!/^(?:0|[1-9]\d{0,9})$/.test(k)) return false;
  return Number(k) < 4294967295;
}

class OrderMismatch extends Error {}

export function parseJsonWithLines(
  text: string,
  onContainer: (value: object, line: number) => void,
  maxDepth = 200,
): Json {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (err) {
    const at = /position (\d+)/.exec(String((err as Error).message));
    const upTo = at ? text.slice(0, Number(at[1])) : "";
    throw new JsonPosError(String((err as Error).message), at ? upTo.split("\n").length : 1);
  }
  if (value === null || typeof value !== "object") return value;
  const { lines, counts, n } = scan(text, maxDepth);
  // Containers of the parsed value in document order; reported only once the whole order is confirmed.
  const found: object[] = [];
  const walk = (v: object): void => {
    const me = found.length;
    if (me >= n) throw new OrderMismatch();
    found.push(v);
    if (Array.isArray(v)) {
      if (v.length !== counts[me]) throw new OrderMismatch();
      for (const x of v) if (x !== null && typeof x === "object") walk(x);
      return;
    }
    const keys = Object.keys(v);
    if (keys.length !== counts[me]) throw new OrderMismatch(); // duplicate keys
    for (const key of keys) {
      const x = (v as JsonObject)[key];
      if (x !== null && typeof x === "object") {
        // Listed first whatever their place in the text: only a container there shifts the order.
        if (isIndexKey(key)) throw new OrderMismatch();
        walk(x);
      }
    }
  };
  try {
    walk(value);
    if (found.length !== n) throw new OrderMismatch();
  } catch (err) {
    if (!(err instanceof OrderMismatch)) throw err;
    return parseJsonWithLinesSlow(text, onContainer, maxDepth);
  }
  for (let i = 0; i < n; i++) onContainer(found[i]!, lines[i]!);
  return value;
}

/**
 * The JSON parser that builds every value itself (the path for duplicate and array-index keys): the
 * containers it reports are the ones it returns, whatever the keys.
 */
export function parseJsonWithLinesSlow(
  text: string,
  onContainer: (value: object, line: number) => void,
  maxDepth = 200,
): Json {
  let i = 0;
  let line = 1;
  const n = text.length;
  const stack: Frame[] = [];
  let root: Json | undefined;
  let done = false;

  const fail = (msg: string): never => {
    throw new JsonPosError(msg, line);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
      i++;
    }
  };
  const readString = (): string => {
    // i at the opening quote
    const start = i + 1;
    let j = start;
    let escaped = false;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        j += 2;
        continue;
      }
      if (c < 32) fail("control character in string");
      j++;
    }
    if (j >= n) fail("unterminated string");
    i = j + 1;
    if (!escaped) return text.slice(start, j);
    try {
      return JSON.parse(text.slice(start - 1, j + 1)) as string;
    } catch {
      return fail("bad escape in string");
    }
  };
  const put = (v: Json) => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (root !== undefined) fail("trailing data");
      root = v;
      done = !(v !== null && typeof v === "object");
      return;
    }
    if (top.kind === "arr") top.value.push(v);
    else {
      if (top.key === undefined) fail("value without key");
      Object.defineProperty(top.value, top.key!, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      top.key = undefined;
    }
  };

  while (true) {
    ws();
    if (i >= n) break;
    const top = stack[stack.length - 1];
    const c = text.charCodeAt(i);
    // Inside an object, expecting a key (or the end).
    if (top?.kind === "obj" && top.key === undefined) {
      if (c === 125) {
        i++;
        stack.pop();
        afterValue();
        continue;
      }
      if (c !== 34) fail("expected a key");
      top.key = readString();
      ws();
      if (text.charCodeAt(i) !== 58) fail("expected ':'");
      i++;
      continue;
    }
    if (top?.kind === "arr" && c === 93) {
      i++;
      stack.pop();
      afterValue();
      continue;
    }
    if (done) fail("trailing data");
    if (c === 123 || c === 91) {
      if (stack.length >= maxDepth) fail(`nesting deeper than ${maxDepth}`);
      const value: JsonObject | Json[] = c === 123 ? {} : [];
      onContainer(value, line);
      put(value);
      stack.push(
        c === 123
          ? { kind: "obj", value: value as JsonObject, key: undefined }
          : { kind: "arr", value: value as Json[] },
      );
      i++;
      continue;
    }
    if (c === 34) put(readString());
    else {
      const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
      m.lastIndex = i;
      const r = m.exec(text);
      if (!r) fail("unexpected character");
      const tok = r![0];
      i += tok.length;
      put(tok === "true" ? true : tok === "false" ? false : tok === "null" ? null : Number(tok));
    }
    afterValue();
  }
  if (stack.length > 0 || root === undefined) fail("unexpected end of input");
  return root!;

  function afterValue() {
    ws();
    const top = stack[stack.length - 1];
    if (!top) {
      done = true;
      return;
    }
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      ws();
      const next = text.charCodeAt(i);
      if ((top.kind === "obj" && next === 125) || (top.kind === "arr" && next === 93)) fail("trailing comma");
      return;
    }
    if (top.kind === "obj" && c !== 125) fail("expected ',' or '}'");
    if (top.kind === "arr" && c !== 93) fail("expected ',' or ']'");
  }
}
