import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EMPTY_GOMOD_HASH, indexGoSum, parseGoSum } from "./gosum.js";

describe("parseGoSum", () => {
  it("parses tree and go.mod lines with line numbers", () => {
    const f = parseGoSum(
      "example.com/a v1.0.0 h1:AAA=\nexample.com/a v1.0.0/go.mod h1:BBB=\n\n  \nbad line\n",
      "x/go.sum",
    );
    expect(f.entries).toEqual([
      { module: "example.com/a", version: "v1.0.0", goMod: false, hash: "h1:AAA=", line: 1 },
      { module: "example.com/a", version: "v1.0.0", goMod: true, hash: "h1:BBB=", line: 2 },
    ]);
    expect(f.issues.map((i) => [i.subject, i.code])).toEqual([["x/go.sum:5", "PARSE"]]);
    const idx = indexGoSum(f);
    expect(idx.tree.get("example.com/a@v1.0.0")?.[0]?.hash).toBe("h1:AAA=");
    expect(idx.goMod.get("example.com/a@v1.0.0")?.[0]?.hash).toBe("h1:BBB=");
  });
  it("drops the known-bad empty go.mod hash like Go", () => {
    expect(parseGoSum(`m v1.0.0/go.mod ${EMPTY_GOMOD_HASH}\n`).entries).toHaveLength(0);
  });
  it("accepts tabs and CRLF as field separators", () => {
    const f = parseGoSum("m\tv1.0.0  h1:X=\r\n");
    expect(f.entries[0]).toMatchObject({ module: "m", version: "v1.0.0", hash: "h1:X=" });
  });
  it("never throws; every non-blank line is an entry or an issue", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString("utf8")),
        (s) => {
          const f = parseGoSum(s);
          expect(f.entries.length + f.issues.length).toBeLessThanOrEqual(s.split("\n").length);
        },
      ),
    );
  });
  it("round-trips generated lines", () => {
    const tok = fc.stringMatching(/^[a-zA-Z0-9./_+-]{1,30}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(tok, tok, fc.boolean(), tok), { maxLength: 20 }), (rows) => {
        const text = rows.map(([m, v, g, h]) => `${m} ${v}${g ? "/go.mod" : ""} h1:${h}`).join("\n");
        const f = parseGoSum(text);
        expect(f.issues).toEqual([]);
        expect(f.entries.map((e) => [e.module, e.version, e.goMod, e.hash])).toEqual(
          rows.map(([m, v, g, h]) => [m, v, g, `h1:${h}`]),
        );
      }),
    );
  });
});
