import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonPosError, parseJsonWithLines, parseJsonWithLinesSlow } from "./json-pos.js";

/** The value and the (line of every container, in the value's own walk order) from one parser. */
function run(parse: typeof parseJsonWithLines, text: string) {
  const lines = new Map<object, number>();
  const value = parse(text, (o, line) => lines.set(o, line));
  const order: number[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    order.push(lines.get(v) ?? -1);
    for (const x of Object.values(v)) walk(x);
  };
  walk(value);
  return { value, order };
}

describe("parseJsonWithLines (JSON.parse + bracket scan)", () => {
  it("gives the same values and lines as the parser that builds values itself", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 1, 2, 4), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        expect(run(parseJsonWithLines, text)).toEqual(run(parseJsonWithLinesSlow, text));
      }),
      { numRuns: 300 },
    );
  });

  it("duplicate keys, array-index keys, __proto__, escapes: the order check hands them to the slow parser", () => {
    for (const text of [
      '{"a": 1, "b": {"x": [1]}, "a": {"y": 2}}',
      '{"a": {"y": 1}, "b": 2, "a": 3}',
      '{"b": {"x": 1},\n "1": {"y": 2}}',
      '{"b": {"x": 1},\n "1": "scalar"}',
      '{"__proto__": {"polluted": true}, "s": "q\\"uote \\\\", "t": ["\\\\", {}]}',
      '[\n{"k": "v\\\\"},\n{"k": "w"}\n]',
    ]) {
      const a = run(parseJsonWithLines, text);
      expect(a).toEqual(run(parseJsonWithLinesSlow, text));
      expect(Object.getPrototypeOf(a.value)).not.toHaveProperty("polluted");
    }
  });

  it("refuses what is not strict JSON and nesting deeper than the limit, with a line", () => {
    expect(() => parseJsonWithLines("{a: 1}", () => {})).toThrow(JsonPosError);
    expect(() => parseJsonWithLines('{"a": 1,}', () => {})).toThrow(JsonPosError);
    const deep = `${"[".repeat(300)}${"]".repeat(300)}`;
    expect(() => parseJsonWithLines(deep, () => {}, 200)).toThrow(/nesting deeper than 200/);
  });
});
