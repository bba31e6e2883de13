import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dotenvCandidates, parseDotenv } from "./dotenv.js";
import { parseStack } from "./guard.js";
import {
  canonicalJson,
  parseEnvironBuffer,
  sealSnapshot,
  sourcesFromReport,
  verifySnapshot,
} from "./runtime.js";
import { toSource } from "./source.js";

describe("parseDotenv", () => {
  it("follows dotenv's grammar with line numbers", () => {
    const text = [
      "# comment",
      "",
      "A=1",
      "export B = 'two words' # trailing",
      'C="multi',
      'line\\nescape"',
      "D:  colon",
      "  E=spaced  ",
      "A=again",
      "F=`back`",
      "G=",
    ].join("\r\n");
    expect(parseDotenv(text)).toEqual([
      { key: "A", value: "1", line: 3 },
      { key: "B", value: "two words", line: 4 },
      { key: "C", value: "multi\nline\nescape", line: 5 },
      { key: "D", value: "colon", line: 7 },
      { key: "E", value: "spaced", line: 8 },
      { key: "A", value: "again", line: 9 },
      { key: "F", value: "back", line: 10 },
      { key: "G", value: "", line: 11 },
    ]);
  });

  it("never throws and every line number is inside the text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const lines = s.replace(/\r\n?/g, "\n").split("\n").length;
        for (const a of parseDotenv(s)) {
          expect(a.line).toBeGreaterThanOrEqual(1);
          expect(a.line).toBeLessThanOrEqual(lines);
        }
      }),
    );
  });
});

describe("dotenvCandidates", () => {
  it("lists dotenv-flow's order, DOTENV_CONFIG_PATH, --env-file and options; .env.local skipped for test", () => {
    const c = dotenvCandidates(
      { NODE_ENV: "staging", DOTENV_CONFIG_PATH: "conf/app.env" },
      "/app",
      ["/x/extra.env"],
      ["--env-file", "base.env"],
    );
    expect(c.map((x) => [x.file, x.reader])).toEqual([
      ["/x/extra.env", "option"],
      ["/app/base.env", "node --env-file"],
      ["/app/conf/app.env", "dotenv"],
      ["/app/.env.staging.local", "dotenv-flow"],
      ["/app/.env.staging", "dotenv-flow"],
      ["/app/.env.local", "dotenv-flow"],
      ["/app/.env", "dotenv"],
      ["/app/.env.defaults", "dotenv-flow"],
    ]);
    expect(dotenvCandidates({ NODE_ENV: "test" }, "/a", [], []).map((x) => x.file)).not.toContain(
      "/a/.env.local",
    );
  });
});

describe("parseStack", () => {
  const own = "/opt/envtrace/dist/runtime/";
  it("skips envtrace's and Node's frames, and a loader's own frames", () => {
    const stack = [
      "Error",
      "    at Object.set (/opt/envtrace/dist/runtime/guard.js:40:9)",
      "    at populate (/app/node_modules/dotenv/dist/index.cjs:1:300)",
      "    at Object.config (/app/node_modules/dotenv/dist/index.cjs:1:200)",
      "    at boot (file:///app/src/main.mjs:12:10)",
      "    at node:internal/modules/esm/module_job:123:5",
    ].join("\n");
    expect(parseStack(stack, own)).toEqual({
      loader: "dotenv",
      site: { file: "/app/src/main.mjs", line: 12, column: 10, fn: "boot" },
    });
  });
  it("anonymous frames and async frames", () => {
    expect(parseStack("Error\n    at async /app/a.js:3:4", own).site).toEqual({
      file: "/app/a.js",
      line: 3,
      column: 4,
    });
    expect(parseStack("Error\n    at node:internal/x:1:1", own)).toEqual({});
  });
});

describe("environ", () => {
  it("parses NUL-separated entries; first duplicate wins; entries without = are skipped", () => {
    const m = parseEnvironBuffer(Buffer.from("A=1\0B=x=y\0NOEQ\0A=2\0\0E=\0"));
    expect([...m]).toEqual([
      ["A", "1"],
      ["B", "x=y"],
      ["E", ""],
    ]);
  });
});

describe("sealing", () => {
  it("canonical JSON sorts keys at every level", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }], u: undefined })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
  it("a sealed snapshot verifies; any edit does not", () => {
    const s = sealSnapshot({
      prev: null,
      pid: 1,
      takenAt: "t",
      label: "init",
      variables: [{ key: "A", digest: "d", origin: "exec" }],
    });
    expect(verifySnapshot(s)).toBe(true);
    expect(Object.isFrozen(s.variables[0])).toBe(true);
    expect(verifySnapshot({ ...s, variables: [{ key: "A", digest: "e", origin: "exec" }] })).toBe(false);
    expect(verifySnapshot({ ...s, id: "sha256:0000000000000000" })).toBe(false);
  });
});

describe("sourcesFromReport", () => {
  const src = { kind: "shell", file: "/h/.bashrc", line: 3, confidence: "certain", evidence: [] };
  it("reads v2 subjects (ours by pid, else the first with variables) and v1 top-level variables", () => {
    const v2 = {
      subjects: [
        { details: { pid: 5 }, variables: [{ key: "X", source: { ...src, line: 1 } }] },
        { details: { pid: 7 }, variables: [{ key: "X", source: src }] },
      ],
    };
    expect(sourcesFromReport(v2, 7).get("X")).toMatchObject({ line: 3 });
    expect(sourcesFromReport(v2, 9).get("X")).toMatchObject({ line: 1 });
    expect(sourcesFromReport({ variables: [{ key: "X", source: src }] }, 1).get("X")).toMatchObject({
      kind: "shell",
    });
  });
  it("tolerates junk", () => {
    for (const d of [
      null,
      3,
      "x",
      { subjects: 5 },
      { variables: [null, { key: 1 }, { key: "K", source: { kind: 2 } }] },
    ])
      expect(sourcesFromReport(d, 1).size).toBe(0);
  });
});

describe("toSource (the JSON reporter's sourceJson, in the runtime's order, copied)", () => {
  it("file location, process actor, times, candidates; no snippet; nothing shared with the engine's object", () => {
    const a = {
      kind: "shell" as const,
      mechanism: "bash",
      location: { file: "/h/.bashrc", line: 3, column: 1 },
      actor: { pid: 7, comm: "bash", exe: "/bin/bash", startTime: "t0" },
      time: { at: "2024-01-01T00:00:00Z", what: "file-mtime" as const },
      times: [{ at: "2024-01-01T00:00:00Z", what: "file-mtime" as const }],
      confidence: "certain" as const,
      evidence: ["e"],
      candidates: [
        { file: "/etc/profile", line: 0 },
        { resource: "ConfigMap/ns/x", key: "K", file: "m.yaml" },
      ],
      snippet: "export A=1",
    };
    const s = toSource(a);
    expect(JSON.stringify(s)).toBe(
      JSON.stringify({
        kind: "shell",
        confidence: "certain",
        evidence: ["e"],
        mechanism: "bash",
        file: "/h/.bashrc",
        line: 3,
        column: 1,
        actor: { pid: 7, comm: "bash", exe: "/bin/bash" },
        time: { at: "2024-01-01T00:00:00Z", what: "file-mtime" },
        times: [{ at: "2024-01-01T00:00:00Z", what: "file-mtime" }],
        candidates: [{ file: "/etc/profile" }, { resource: "ConfigMap/ns/x", key: "K" }],
      }),
    );
    expect(s.evidence).not.toBe(a.evidence);
    expect(s.time).not.toBe(a.time);
    expect(s.times?.[0]).not.toBe(a.times[0]);
  });
  it("resource location and a field manager", () => {
    const s = toSource({
      kind: "k8s-configmap",
      location: { resource: "ConfigMap/ns/cfg", key: "A", file: "pod.yaml", line: 9 },
      actor: { fieldManager: "kubectl", operation: "Apply" },
      confidence: "likely",
      evidence: [],
    });
    expect(JSON.stringify(s)).toBe(
      '{"kind":"k8s-configmap","confidence":"likely","evidence":[],"resource":"ConfigMap/ns/cfg","resourceKey":"A","file":"pod.yaml","line":9,"actor":{"fieldManager":"kubectl","operation":"Apply"}}',
    );
  });
});
