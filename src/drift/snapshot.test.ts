import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EnvtraceError } from "../cli/errors.js";
import { SecretValue } from "../detect/secret-value.js";
import type { DisplayValue, ExplainResult } from "../model/index.js";
import { buildSnapshot, parseSnapshot, serializeSnapshot } from "./snapshot.js";

const TOKEN = "ghp_R8xK2mQ9vL4tZ7pW1nB6cY3hJ5fD0gA2sE8u";
const KEY = Buffer.from("test-fingerprint-key-0123456789abcdef");

function result(token: string, file = "/home/u/.bashrc"): ExplainResult<DisplayValue> {
  return {
    subject: { pid: 10, comm: "bash" },
    variables: [
      {
        key: "PATH",
        value: "/usr/bin:/bin",
        winner: {
          kind: "shell",
          mechanism: "bash",
          location: { file: "/etc/profile", line: 4 },
          actor: { pid: 9, comm: "bash" },
          confidence: "certain",
          evidence: ["x"],
        },
        shadowed: [],
        notes: [],
      },
      {
        key: "GH_TOKEN",
        value: new SecretValue(token, "ghp_********", ["github-token"]),
        winner: {
          kind: "shell",
          mechanism: "bash",
          location: { file, line: 2 },
          confidence: "certain",
          evidence: [],
        },
        shadowed: [],
        notes: [],
      },
    ],
    findings: [],
    issues: [],
  };
}

/** Asserts the reader's error contract: an EnvtraceError, one line, naming the file and the fix. */
function expectReaderError(fn: () => unknown, name: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EnvtraceError);
    const msg = (err as Error).message;
    expect(msg).not.toMatch(/\n/);
    expect(msg.startsWith(`${name}: `)).toBe(true);
    expect(msg).toMatch(/envtrace snapshot --out FILE|upgrade envtrace/);
    return;
  }
}

describe("snapshot", () => {
  it("stores secrets as mask + fingerprint, never the value, and keeps stable sources", () => {
    const s = buildSnapshot(result(TOKEN), { label: "dev", createdAt: new Date(0), fingerprintKey: KEY });
    const text = serializeSnapshot(s);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.slice(4));
    const tok = s.variables.find((v) => v.key === "GH_TOKEN")!;
    expect(tok).toMatchObject({
      value: "ghp_********",
      masked: true,
      source: { kind: "shell", file: "/home/u/.bashrc", line: 2 },
    });
    const path = s.variables.find((v) => v.key === "PATH")!;
    expect(path).toMatchObject({ value: "/usr/bin:/bin", masked: false });
    expect(path.source).not.toHaveProperty("actor"); // pids differ between runs
    expect(s.variables.map((v) => v.key)).toEqual(["GH_TOKEN", "PATH"]);
  });

  it("gives equal secrets equal fingerprints and different secrets different ones", () => {
    const a = buildSnapshot(result(TOKEN), { label: "a", fingerprintKey: KEY });
    const b = buildSnapshot(result(TOKEN), { label: "b", fingerprintKey: KEY });
    const c = buildSnapshot(result(`${TOKEN.slice(0, -1)}Z`), { label: "c", fingerprintKey: KEY });
    const fp = (s: typeof a) => s.variables.find((v) => v.key === "GH_TOKEN")!.fingerprint;
    expect(fp(a)).toBe(fp(b));
    expect(fp(a)).not.toBe(fp(c));
    expect(fp(a)).toMatch(/^hmac-sha256:[0-9a-f]{12}$/);
    // Another key: another fingerprint and another key id, so diff knows not to compare them.
    const d = buildSnapshot(result(TOKEN), {
      label: "d",
      fingerprintKey: Buffer.from("another-key-0123456789abcdef0123"),
    });
    expect(fp(d)).not.toBe(fp(a));
    expect(d.fingerprintKeyId).not.toBe(a.fingerprintKeyId);
    expect(serializeSnapshot(a)).not.toContain(KEY.toString());
  });

  it("round-trips through the reader", () => {
    const s = buildSnapshot(result(TOKEN), {
      label: "dev",
      fingerprintKey: KEY,
      go: {
        go: { version: "go1.19.8", path: "/usr/bin/go" },
        settings: [
          {
            key: "GOPROXY",
            value: "https://proxy.golang.org,direct",
            source: { kind: "default", confidence: "certain" },
          },
          {
            key: "GOFLAGS",
            value: "-mod=mod",
            source: {
              kind: "environment",
              confidence: "certain",
              origin: {
                kind: "shell",
                location: { file: "/etc/profile", line: 1 },
                confidence: "certain",
                evidence: [],
              },
            },
          },
        ],
      },
    });
    const back = parseSnapshot(Buffer.from(serializeSnapshot(s)), "s.json");
    expect(back).toEqual(JSON.parse(serializeSnapshot(s)));
    expect(back.go?.settings[1]?.source.origin).toMatchObject({
      kind: "shell",
      file: "/etc/profile",
      line: 1,
    });
  });

  it("names the file and the fix for non-snapshots, without echoing their content", () => {
    const secretFile = `API_TOKEN=${TOKEN}\n`;
    expect(() => parseSnapshot(secretFile, ".env")).toThrow(EnvtraceError);
    try {
      parseSnapshot(secretFile, ".env");
    } catch (err) {
      expect((err as Error).message).not.toContain(TOKEN);
      expect((err as Error).message).toMatch(/^\.env: not JSON/);
    }
    expect(() => parseSnapshot("[]", "x")).toThrow(/not an envtrace snapshot/);
    expect(() => parseSnapshot('{"kind":"envtrace-snapshot","schemaVersion":9}', "x")).toThrow(
      /upgrade envtrace/,
    );
    expect(() => parseSnapshot('{"kind":"envtrace-snapshot","schemaVersion":1}', "x")).toThrow(
      /not a valid envtrace snapshot \(at \//,
    );
    const deep = `{"kind":"envtrace-snapshot","schemaVersion":1,"createdAt":"","label":"","fingerprintStyle":"","subject":{},"issues":[],"variables":[{"key":"K","value":"","masked":false,"fingerprint":"","source":${'{"kind":"k","origin":'.repeat(20000)}{"kind":"k"}${"}".repeat(20000)}}]}`;
    expectReaderError(() => parseSnapshot(deep, "deep.json"), "deep.json");
  });

  it("never throws anything but a one-line EnvtraceError on arbitrary bytes or JSON", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expectReaderError(() => parseSnapshot(bytes, "bytes.json"), "bytes.json");
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expectReaderError(() => parseSnapshot(JSON.stringify(v), "json.json"), "json.json");
      }),
      { numRuns: 300 },
    );
  });

  it("survives mutations of a valid snapshot", () => {
    const valid = JSON.parse(serializeSnapshot(buildSnapshot(result(TOKEN), { label: "dev" }))) as Record<
      string,
      unknown
    >;
    const fields = [
      "kind",
      "schemaVersion",
      "createdAt",
      "label",
      "fingerprintStyle",
      "subject",
      "variables",
      "issues",
      "go",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.jsonValue({ maxDepth: 4 }),
        fc.boolean(),
        (field, junk, inVariable) => {
          const doc = structuredClone(valid);
          if (inVariable) {
            const vars = doc.variables as Array<Record<string, unknown>>;
            vars[0]![["key", "value", "masked", "fingerprint", "source"][field.length % 5]!] = junk;
          } else doc[field] = junk;
          expectReaderError(() => parseSnapshot(JSON.stringify(doc), "m.json"), "m.json");
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("published schema", () => {
  it("schema/snapshot.v1.schema.json is the schema the reader validates with", async () => {
    const { readFileSync } = await import("node:fs");
    const { SNAPSHOT_SCHEMA } = await import("./snapshot.js");
    const file = JSON.parse(
      readFileSync(new URL("../../schema/snapshot.v1.schema.json", import.meta.url), "utf8"),
    ) as Record<string, unknown>;
    const { $schema: _s, $id: _i, title: _t, description: _d, ...rest } = file;
    expect(rest).toEqual(JSON.parse(JSON.stringify(SNAPSHOT_SCHEMA)));
  });
});
