/**
 * The k8s reporter's own YAML writer against the `yaml` library it stands in for: the same text, byte for
 * byte, for every document it accepts (and it accepts every object the reporter writes for the golden
 * report), on generated documents full of strings YAML 1.1 would read as something else.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { goldenReport } from "../../test/report/golden-input.js";
import { AUDIT_LEVELS, fastYaml, k8sObjects, k8sReporter, YAML_TAG_TESTS, yamlDocument } from "./k8s.js";

const viaLibrary = (o: unknown) =>
  stringify(JSON.parse(JSON.stringify(o)), { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false });

/** Strings at the edges of YAML's plain scalars and of YAML 1.1's implicit types. */
const TRICKY = [
  "",
  " ",
  "a",
  "yes",
  "Yes",
  "YES",
  "no",
  "No",
  "y",
  "Y",
  "n",
  "N",
  "on",
  "On",
  "OFF",
  "true",
  "False",
  "null",
  "Null",
  "~",
  "0",
  "0755",
  "-1",
  "+1",
  "1_000",
  "0x1F",
  "0b101",
  "1.5",
  ".5",
  "1e3",
  "6.8523015e+5",
  ".inf",
  "-.Inf",
  ".nan",
  "1:20",
  "190:20:30.15",
  "2026-12-04",
  "2026-12-04T06:12:09.752Z",
  "2001-12-14 21:59:43.10 -5",
  "<<",
  "=",
  "-",
  "?",
  "- a",
  "? a",
  "-a",
  "a: b",
  "a:b",
  "a:",
  "a #b",
  "a#b",
  "#a",
  " a",
  "a ",
  "---",
  "--- a",
  "...",
  "%YAML",
  "@a",
  "`a",
  "!a",
  "&a",
  "*a",
  "|",
  ">",
  "[a]",
  "{a}",
  "a,b",
  "'a'",
  '"a"',
  'a"b',
  "a'b",
  `a"b'c`,
  "a\\b",
  "a\nb",
  "a\n",
  "\tb",
  "é",
  "naïve café",
  "日本",
  "\u00a0",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\ud800",
  "a\u0000b",
  "\u007f",
  "1.0.0",
  "v1",
  "/usr/bin",
  "env.PATH",
  "pod/default/web",
  "launcher (pid 1)",
  "x".repeat(1100),
  `${"k".repeat(1010)}`,
];

const str = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: fc.constantFrom(..."aY0 :#-'\".,[]{}~<>_e+\n\t/%@!&*|"), maxLength: 8 }),
  },
);

const value = fc.letrec((tie) => ({
  scalar: fc.oneof(
    str,
    fc.integer(),
    fc.constantFrom(0, -0, 1e21, 2 ** 53, 0.5, -1.25, Number.NaN, Number.POSITIVE_INFINITY),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  ),
  node: fc.oneof({ depthSize: "small" }, tie("scalar"), tie("array"), tie("object")),
  array: fc.array(tie("node"), { maxLength: 4 }),
  object: fc.dictionary(str, tie("node"), { maxKeys: 5 }),
}));

describe("k8s YAML writer", () => {
  it("writes what the yaml library writes, for every document it accepts", () => {
    let accepted = 0;
    fc.assert(
      fc.property(value.object, (o) => {
        const fast = fastYaml(o as Record<string, unknown>);
        if (fast !== undefined) {
          accepted++;
          expect(fast).toBe(viaLibrary(o));
        }
        expect(yamlDocument(o as Record<string, unknown>)).toBe(viaLibrary(o));
      }),
      { numRuns: 3000 },
    );
    // The comparison is only worth something if the writer takes most documents itself.
    expect(accepted).toBeGreaterThan(500);
  });

  it("each tricky string, as a value, a key and a sequence item", () => {
    for (const s of TRICKY) {
      for (const o of [{ k: s }, { [s]: 1 }, { k: [s, { [s]: [s] }] }, { k: { a: s, b: [] }, c: {} }]) {
        const fast = fastYaml(o);
        if (fast !== undefined) expect(fast, JSON.stringify(o)).toBe(viaLibrary(o));
      }
    }
  });

  it("takes every object of the golden report itself, at every level, and the stream is the library's", async () => {
    for (const level of AUDIT_LEVELS) {
      const r = goldenReport();
      const objs = k8sObjects(r, { k8s: { level } });
      for (const o of objs) expect(fastYaml(o), JSON.stringify(o).slice(0, 200)).toBe(viaLibrary(o));
      const expected = objs.map((o) => `---\n${viaLibrary(o)}`).join("");
      expect(await k8sReporter.render(r, { k8s: { level } })).toBe(expected);
    }
  });

  it("leaves a float, a multi-line string or a class instance to the library", () => {
    expect(fastYaml({ a: 1.5 })).toBeUndefined();
    expect(fastYaml({ a: "x\ny" })).toBeUndefined();
    expect(fastYaml({ a: new Date(0) })).toBeUndefined();
    expect(yamlDocument({ a: "x\ny", b: new Date(0) })).toBe(viaLibrary({ a: "x\ny", b: new Date(0) }));
  });

  it("the YAML 1.1 tag tests are the ones its one-test plain strings were derived from", () => {
    // If yaml changes these, re-derive PLAIN_FAST in k8s.ts (which first characters no test can match).
    expect(YAML_TAG_TESTS).toEqual([
      "^(?:~|[Nn]ull|NULL)?$",
      "^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$",
      "^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$",
      "^[-+]?0b[0-1_]+$",
      "^[-+]?0[0-7_]+$",
      "^[-+]?[0-9][0-9_]*$",
      "^[-+]?0x[0-9a-fA-F_]+$",
      "^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$",
      "^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$",
      "^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$",
      "^<<$",
      "^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$",
      "^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*$",
      "^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$",
    ]);
  });

  it("property: short strings of letters, digits and punctuation, as values and keys, are the library's", () => {
    const word = fc.string({
      unit: fc.constantFrom(..."aAbeEfFnNoOtTyYzZ019 /_.()@+=,;-:#'\"~<"),
      maxLength: 8,
    });
    fc.assert(
      fc.property(word, word, (k, v) => {
        const o = { [k]: v, n: { [k]: [v] } };
        expect(fastYaml(o) ?? viaLibrary(o)).toBe(viaLibrary(o));
      }),
      { numRuns: 5000 },
    );
  });
});
