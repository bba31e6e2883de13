import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadManifest, Positions } from "./load.js";
import { parseBlockYaml, Unsupported } from "./yaml-block.js";

/** Loads `text` through the fast path and through the `yaml` library; returns both, with every position. */
function both(text: string) {
  const run = (fast: boolean) => {
    const p = new Positions();
    const r = loadManifest(text, "f.yaml", p, { yamlFastPath: fast });
    const pos: unknown[] = [];
    const walk = (v: unknown): void => {
      if (v === null || typeof v !== "object") return;
      pos.push(p.get(v)?.line);
      for (const x of Object.values(v)) walk(x);
    };
    for (const o of r.objects) walk(o.raw);
    return { objects: r.objects, issues: r.issues, pos };
  };
  return { fast: run(true), lib: run(false) };
}

const usesFastPath = (text: string) => {
  try {
    parseBlockYaml(text, () => {});
    return true;
  } catch (e) {
    if (e instanceof Unsupported) return false;
    throw e;
  }
};

describe("block YAML fast path", () => {
  it("gives the yaml library's values and lines for what yaml.stringify writes", () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.constantFrom(
        "true",
        "False",
        "null",
        "~",
        "0o17",
        "0x1F",
        "1e3",
        "-.inf",
        ".nan",
        "1.50",
        "-12",
        "+5",
        "a: b",
        "#x",
        "- y",
        "x #y",
        "'q'",
        '"d"',
        "|",
        "line\nline\n",
        " lead",
        "trail ",
        "\ttab",
        "é✓😀",
        "\\x41",
      ),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: "small" }, scalar, tie("arr"), tie("obj")),
      arr: fc.array(tie("v"), { maxLength: 4 }),
      obj: fc.dictionary(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 8 }),
          fc.constantFrom("name", "value", "1", "true", "a b", "x:y", "__proto__"),
        ),
        tie("v"),
        { maxKeys: 4 },
      ),
    }));
    let fast = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), value.v, { minKeys: 1, maxKeys: 4 }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.boolean(),
        (docs, flow) => {
          const text = docs
            .map((d) =>
              stringify(
                { kind: "ConfigMap", metadata: { name: "x" }, data: d },
                { collectionStyle: flow ? "any" : "block", lineWidth: 40 },
              ),
            )
            .join("---\n");
          const r = both(text);
          expect(r.fast.objects.map((o) => o.raw)).toEqual(r.lib.objects.map((o) => o.raw));
          expect(r.fast.pos).toEqual(r.lib.pos);
          expect(r.fast.objects.map((o) => o.pos)).toEqual(r.lib.objects.map((o) => o.pos));
          expect(r.fast.issues).toEqual(r.lib.issues);
          if (usesFastPath(text)) fast++;
        },
      ),
      { numRuns: 400 },
    );
    // The comparison means something only if most inputs took the fast path.
    expect(fast).toBeGreaterThan(120);
  });

  it("reads kubectl-style manifests: same-column sequences, literals, flow scalars, comments, markers", () => {
    const text = `# leading comment
---
apiVersion: v1
kind: Pod
metadata:
  name: p   # trailing comment
  labels: {app: web, "tier": 'front', n: 3}
spec:
  containers:
  - name: c
    command: ["sh", "-c", 'echo it''s']
    args:
    - |
      line one
        indented
      # not a comment

    - |-
      stripped
    - >-
      folded
    env:
    - name: A
      value: "a\\tb\\u00e9"
    - name: B
      value: plain
        continued

        paragraph
    - {name: C, value: ""}
    ports: []
...
---
kind: ConfigMap
metadata: {name: cm}
data:
  "1": one
  key with spaces: v
`;
    expect(usesFastPath(text)).toBe(false); // ">-" (folded) is left to the library…
    // …for that document only: the stream reads the same either way.
    const mixed = both(text);
    expect(mixed.fast.objects.map((o) => o.raw)).toEqual(mixed.lib.objects.map((o) => o.raw));
    expect(mixed.fast.pos).toEqual(mixed.lib.pos);
    expect(mixed.fast.issues).toEqual(mixed.lib.issues);
    const folded = text.replace("    - >-\n      folded\n", "");
    expect(usesFastPath(folded)).toBe(true);
    const r = both(folded);
    expect(r.fast.objects.map((o) => o.raw)).toEqual(r.lib.objects.map((o) => o.raw));
    expect(r.fast.pos).toEqual(r.lib.pos);
    expect(r.fast.issues).toEqual(r.lib.issues);
    // biome-ignore lint/suspicious/noExplicitAny: test reaches into parsed data
    const c = (r.fast.objects[0]!.raw.spec as any).containers[0];
    expect(c.args[0]).toBe("line one\n  indented\n# not a comment\n");
    expect(c.env[1].value).toBe("plain continued\nparagraph");
    expect(c.command).toEqual(["sh", "-c", "echo it's"]);
  });

  it("mixes fast and library documents in one stream with the input's lines and issues", () => {
    const docs = [
      "kind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: |\n    one\n",
      "kind: ConfigMap\nmetadata: {name: b}\ndata:\n  y: >-\n    folded\n    text\n  z: &anc v\n  w: *anc\n",
      'kind: Pod\nmetadata:\n  name: c\nspec:\n  containers:\n  - name: c\n    env:\n    - name: A\n      value: "x\\qy"\n',
      "kind: Pod\nmetadata: [\n",
      "# only a comment\n",
      "kind: ConfigMap\nmetadata:\n  name: d\n",
    ];
    const text = `# head\n${docs.join("---\n")}`;
    const r = both(text);
    expect(r.fast.objects.map((o) => o.raw)).toEqual(r.lib.objects.map((o) => o.raw));
    expect(r.fast.objects.map((o) => o.pos)).toEqual(r.lib.objects.map((o) => o.pos));
    expect(r.fast.pos).toEqual(r.lib.pos);
    expect(r.fast.issues).toEqual(r.lib.issues);
    expect(r.fast.issues.map((i) => i.code)).toEqual(["PARSE", "PARSE"]);
  });

  it("leaves anchors, tags, folded and multi-line quoted scalars, tabs, CRLF and bad YAML to the library", () => {
    for (const text of [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: >\n  folded\n",
      'a: "multi\n  line"\n',
      "a:\n\t- b\n",
      "a: 1\r\nb: 2\r\n",
      "a: b: c\n",
      "a: [1, 2,\n  3]\n",
      "%YAML 1.2\n---\na: 1\n",
      "a: |2\n   x\n",
      "- a\nb: c\n",
      "a:\n  b: 1\n c: 2\n",
    ]) {
      expect(usesFastPath(text), JSON.stringify(text)).toBe(false);
      const r = both(text);
      expect(r.fast.objects.map((o) => o.raw)).toEqual(r.lib.objects.map((o) => o.raw));
      expect(r.fast.issues).toEqual(r.lib.issues);
    }
  });
});
