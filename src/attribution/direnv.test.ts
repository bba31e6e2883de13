import * as path from "node:path";
import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanEnvrc, staticShellValue } from "./direnv.js";
import { checkFixtureCase, fixtureCases } from "./lib/fixture-case.js";
import { decodeGzenv, encodeGzenv, GZENV_MAX_BYTES } from "./lib/gzenv.js";

describe("direnv resolver (fixture trees through the real engine)", () => {
  for (const dir of fixtureCases("direnv", "direnv")) {
    it(path.basename(dir), async () => {
      const r = await checkFixtureCase(dir);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.mismatches).toEqual([]);
    });
  }
});

describe("gzenv (DIRENV_DIFF)", () => {
  it("round-trips direnv's EnvDiff encoding", () => {
    const blob = encodeGzenv({ p: { PATH: "/bin" }, n: { PATH: "/x:/bin", A: "1" } });
    expect(blob).toMatch(/^[A-Za-z0-9_=-]+$/);
    const r = decodeGzenv(blob);
    expect(r.ok && [...r.diff.next]).toEqual([
      ["PATH", "/x:/bin"],
      ["A", "1"],
    ]);
    expect(r.ok && r.diff.prev.get("PATH")).toBe("/bin");
  });
  it("refuses a decompression bomb and non-gzenv text without throwing", () => {
    const bomb = deflateSync(Buffer.alloc(GZENV_MAX_BYTES + 1024, 0x20)).toString("base64");
    expect(decodeGzenv(bomb)).toEqual({ ok: false, error: "decoded size above limit" });
    expect(decodeGzenv("not gzenv!")).toMatchObject({ ok: false });
    expect(decodeGzenv(Buffer.from("[1,2]").toString("base64"))).toMatchObject({ ok: false });
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.base64String({ maxLength: 200 })), (s) => {
        expect(typeof decodeGzenv(s).ok).toBe("boolean");
      }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.string()),
        fc.dictionary(fc.string(), fc.string()),
        (p, n) => {
          const r = decodeGzenv(encodeGzenv({ p, n }));
          expect(r.ok && Object.fromEntries(r.diff.next)).toEqual({ ...n });
        },
      ),
    );
  });
});

describe(".envrc line scan (never executed)", () => {
  it("finds static assignments and PATH_add", () => {
    const text = "export A=1\nB='x y'\nexport C=$(date)\nPATH_add bin\n";
    expect(scanEnvrc(text, "A")).toEqual([{ line: 1, value: "1" }]);
    expect(scanEnvrc(text, "B")).toEqual([{ line: 2, value: "x y" }]);
    expect(scanEnvrc(text, "C")).toEqual([{ line: 3, value: undefined }]);
    expect(scanEnvrc(text, "PATH")).toEqual([{ line: 4, value: undefined }]);
    expect(staticShellValue('"a $b"')).toBeUndefined();
  });
});
