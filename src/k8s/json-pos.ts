/**
 * A JSON parser that records the line of every object and array it builds (`kubectl get -o json` output
 * keeps file:line that way), many times faster than going through the YAML composer. Strict JSON only:
 * anything else throws a {@link JsonPosError}, and the caller falls back to the YAML path.
 *
 * Guards: nesting deeper than `maxDepth` throws (no recursion: an explicit stack), `__proto__` keys become
 * own data properties.
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

export function parseJsonWithLines(
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
