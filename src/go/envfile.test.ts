import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { effectiveEntries, parseEnvFile } from "./envfile.js";

describe("parseEnvFile (cfg.go readEnvFile)", () => {
  it("keeps only lines with = whose first byte is A-Z; value is everything after the first =", () => {
    const e = parseEnvFile(
      "# comment\nGOPROXY=https://a,direct\nlower=x\n=x\nGOFLAGS=-ldflags=-s -w\nNOEQ\n GOX=1\nGOSUMDB= off \r\n",
    );
    expect(e).toEqual([
      { key: "GOPROXY", value: "https://a,direct", line: 2 },
      { key: "GOFLAGS", value: "-ldflags=-s -w", line: 5 },
      { key: "GOSUMDB", value: " off \r", line: 8 },
    ]);
  });
  it("user file: last duplicate wins; go.env: first wins", () => {
    const e = parseEnvFile("GOPROXY=a\nGOSUMDB=x\nGOPROXY=b\n");
    expect(effectiveEntries(e, "last").get("GOPROXY")).toMatchObject({
      value: "b",
      line: 3,
      ignored: [{ line: 1 }],
    });
    expect(effectiveEntries(e, "first").get("GOPROXY")).toMatchObject({
      value: "a",
      line: 1,
      ignored: [{ line: 3 }],
    });
  });
  it("never throws on arbitrary bytes; every entry is well-formed", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString("utf8")),
        (text) => {
          for (const e of parseEnvFile(text)) {
            expect(e.key).toMatch(/^[A-Z][^=\n]*$/);
            expect(e.value).not.toContain("\n");
            expect(text.split("\n")[e.line - 1]).toBe(`${e.key}=${e.value}`);
          }
        },
      ),
    );
  });
  it("last-wins agrees with a model: a Map filled in file order", () => {
    const line = fc.tuple(
      fc.constantFrom("GOPROXY", "GOSUMDB", "GOFLAGS", "A"),
      fc.stringMatching(/^[^\n]{0,12}$/),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const text = lines.map(([k, v]) => `${k}=${v}`).join("\n");
        const model = new Map(lines.map(([k, v]) => [k, v] as const));
        const got = effectiveEntries(parseEnvFile(text), "last");
        expect(new Map([...got].map(([k, e]) => [k, e.value]))).toEqual(model);
        const first = new Map<string, string>();
        for (const [k, v] of lines) if (!first.has(k)) first.set(k, v);
        expect(
          new Map([...effectiveEntries(parseEnvFile(text), "first")].map(([k, e]) => [k, e.value])),
        ).toEqual(first);
      }),
    );
  });
});
