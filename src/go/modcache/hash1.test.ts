import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeModulePath, unescapeModulePath } from "./escape.js";
import { goModHash, hash1Of, sha256Hex } from "./hash1.js";

// Vectors from facts/go-env.md §3.3 (dirhash hash_test.go and fetch.go), reproduced there with go1.19.8.
describe("hash1", () => {
  it("matches dirhash TestHash1", () => {
    expect(
      hash1Of([
        { name: "xyz", data: "data for xyz" },
        { name: "abc", data: "data for abc" },
      ]),
    ).toBe("h1:EP6WfDoQTSk9klnxcjriWJOGztueJUywHNmWeq+efB8=");
  });
  it("matches TestHashDir with a prefix", () => {
    expect(
      hash1Of([
        { name: "prefix/xyz", data: "data for xyz" },
        { name: "prefix/abc", data: "data for abc" },
      ]),
    ).toBe("h1:rLyfpGMAgqOnGE2aKOY5Xb6cOc0/YQhPjHBHBwkblhs=");
  });
  it("matches go.mod hashes", () => {
    expect(goModHash("")).toBe("h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=");
    expect(goModHash("module example.com/foo\n")).toBe("h1:tJ2YS1a8pyA3nrypRdbsq6Ias2I/0YUVbjNBUoLstcw=");
  });
  it("matches the synthetic example.com/Upper module Go downloaded", () => {
    const p = "example.com/Upper@v1.0.0/";
    expect(
      hash1Of([
        { name: `${p}go.mod`, data: "module example.com/Upper\n\ngo 1.19\n" },
        { name: `${p}upper.go`, data: "package upper\n\nconst X = 1\n" },
        { name: `${p}B/b.go`, data: "package b\n" },
      ]),
    ).toBe("h1:VdQ1Jyqxgoy35LOGr7DI/qJt2Z2hbS1vUw71u1qip1A=");
    expect(goModHash("module example.com/Upper\n\ngo 1.19\n")).toBe(
      "h1:2EKJevWVzD4CK2o4ZnSRQNCKG54jwPiV6ofBZGJgBi0=",
    );
  });
  it("sorts names byte-wise (UTF-8), not by UTF-16 code units", () => {
    const a = [
      { name: "a\u{1F600}", data: "1" },
      { name: "a\uFFFD", data: "2" },
    ];
    expect(hash1Of(a)).toBe(hash1Of([...a].reverse()));
    // U+FFFD is EF BF BD in UTF-8, below F0 (U+1F600), although its UTF-16 unit sorts after the surrogate.
    const line = (n: string, d: string) => `${sha256Hex(d)}  ${n}\n`;
    const manual = createHash("sha256")
      .update(line("a\uFFFD", "2") + line("a\u{1F600}", "1"))
      .digest("base64");
    expect(hash1Of(a)).toBe(`h1:${manual}`);
  });
  it("rejects names with a newline", () => {
    expect(() => hash1Of([{ name: "a\nb", data: "" }])).toThrow(/newline/);
  });
});

describe("module path escaping", () => {
  it("escapes upper case", () => {
    expect(escapeModulePath("github.com/Azure/azure-sdk-for-go")).toBe("github.com/!azure/azure-sdk-for-go");
    expect(unescapeModulePath("github.com/!azure/x")).toBe("github.com/Azure/x");
    expect(unescapeModulePath("github.com/Azure")).toBeUndefined();
    expect(unescapeModulePath("a!")).toBeUndefined();
    expect(unescapeModulePath("a!1")).toBeUndefined();
  });
  it("round-trips and never throws", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const clean = s.replace(/!/g, "");
        expect(unescapeModulePath(escapeModulePath(clean))).toBe(clean);
        unescapeModulePath(s);
      }),
    );
  });
});
