import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadManifest, Positions } from "./load.js";

const LIST = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: a
  spec:
    containers:
    - name: c
      env:
      - name: FOO
        value: bar
---
{"kind":"ConfigMap","metadata":{"name":"x"},
 "data":{"A":"1"}}
`;

describe("loadManifest", () => {
  it("flattens kind: List, reads JSON documents and keeps lines of env entries", () => {
    const p = new Positions();
    const r = loadManifest(LIST, "m.yaml", p);
    expect(r.issues).toEqual([]);
    expect(r.objects.map((o) => [o.kind, o.metadata.name])).toEqual([
      ["Pod", "a"],
      ["ConfigMap", "x"],
    ]);
    // biome-ignore lint/suspicious/noExplicitAny: test reaches into parsed data
    const env = (r.objects[0]!.raw.spec as any).containers[0].env[0];
    expect(p.get(env)).toEqual({ file: "m.yaml", line: 12 });
    expect(r.objects[0]!.pos).toEqual({ file: "m.yaml", line: 4 });
    expect(r.objects[1]!.pos?.line).toBe(15);
  });

  it("infers item kinds of typed lists (PodList from the API)", () => {
    const r = loadManifest(`{"kind":"PodList","items":[{"metadata":{"name":"p"},"spec":{}}]}`, "l.json");
    expect(r.objects.map((o) => o.kind)).toEqual(["Pod"]);
  });

  it("reports a syntax error as a PARSE issue with its line and keeps the other documents", () => {
    const r = loadManifest(
      `kind: ConfigMap\nmetadata: {name: ok}\n---\nkind: Pod\nmetadata: [\n`,
      "bad.yaml",
    );
    expect(r.objects.map((o) => o.metadata.name)).toEqual(["ok"]);
    expect(r.issues.map((i) => i.code)).toEqual(["PARSE"]);
    expect(r.issues[0]!.subject).toMatch(/^bad\.yaml:\d+$/);
  });

  it("cuts cyclic and exploding aliases instead of hanging", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++)
      bomb.push(
        `${"b".repeat(i + 1)}: &b${i} [*${i ? `b${i - 1}` : "a"}, *${i ? `b${i - 1}` : "a"}, *${i ? `b${i - 1}` : "a"}]`,
      );
    const r = loadManifest(`kind: ConfigMap\nmetadata: {name: n}\n${bomb.join("\n")}\n`, "bomb.yaml");
    expect(r.issues.map((i) => i.code)).toContain("TOO_LARGE");
    const c = loadManifest("kind: X\nmetadata: &m {self: *m}\n", "cycle.yaml");
    expect(c.objects.length + c.issues.length).toBeGreaterThan(0);
  });

  it("does not let __proto__ keys reach Object.prototype", () => {
    const r = loadManifest(
      `kind: ConfigMap\nmetadata: {name: p}\ndata:\n  __proto__: {polluted: yes}\n`,
      "p.yaml",
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(r.objects[0]!.raw.data as object)).toEqual(["__proto__"]);
  });

  it("never throws on arbitrary input (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-:{}[\]&*!|>'"#%@` \na-z0-9]*$/)), (s) => {
        const r = loadManifest(s, "x");
        expect(Array.isArray(r.objects)).toBe(true);
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = loadManifest(JSON.stringify(v), "x.json");
        expect(Array.isArray(r.issues)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("JSON fast path", () => {
  it("keeps lines of objects in `kubectl get -o json` output and falls back to YAML for flow style", () => {
    const p = new Positions();
    const json =
      '{\n  "kind": "List",\n  "items": [\n    {\n      "kind": "Pod",\n      "metadata": {"name": "a"},\n      "spec": {"containers": [\n        {"name": "c", "env": [\n          {"name": "X", "value": "1\\n2"}\n        ]}\n      ]}\n    }\n  ]\n}\n';
    const r = loadManifest(json, "l.json", p);
    expect(r.issues).toEqual([]);
    // biome-ignore lint/suspicious/noExplicitAny: test reaches into parsed data
    const env = (r.objects[0]!.raw.spec as any).containers[0].env[0];
    expect(env).toEqual({ name: "X", value: "1\n2" });
    expect(p.get(env)).toEqual({ file: "l.json", line: 9 });
    expect(r.objects[0]!.pos?.line).toBe(4);
    const flow = loadManifest('{kind: ConfigMap, metadata: {name: f}, data: {"A": "1"}}', "f.yaml");
    expect(flow.objects.map((o) => o.metadata.name)).toEqual(["f"]);
  });

  it("agrees with JSON.parse on arbitrary JSON (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v, null, 1);
        const p = new Positions();
        const r = loadManifest(`{"kind":"ConfigMap","metadata":{"name":"x"},"data":${text}}`, "x.json", p);
        expect(r.objects[0]?.raw.data).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe("malformed and huge inputs", () => {
  it("deep nesting becomes a TOO_LARGE issue (JSON and YAML), never a stack overflow", () => {
    const deepJson = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expect(loadManifest(deepJson, "deep.json").issues.map((i) => i.code)).toEqual(["TOO_LARGE"]);
    const deepYaml = `kind: ConfigMap\nmetadata: {name: d}\ndata: ${"[".repeat(400)}${"]".repeat(400)}\n`;
    const r = loadManifest(deepYaml, "deep.yaml");
    expect(r.issues.map((i) => i.code)).toContain("TOO_LARGE");
  });
});
