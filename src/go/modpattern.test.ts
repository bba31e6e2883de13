import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, matchPrefixPatterns } from "./modpattern.js";

describe("matchPrefixPatterns (x/mod module.MatchPrefixPatterns)", () => {
  it("matches whole leading path elements", () => {
    expect(matchPrefixPatterns("rsc.io/private", "rsc.io/private/quux")).toBe(true);
    expect(matchPrefixPatterns("rsc.io/private", "rsc.io/privateer")).toBe(false);
    expect(matchPrefixPatterns("*.corp.example.com", "git.corp.example.com/a/b")).toBe(true);
    expect(matchPrefixPatterns("github.com/*", "github.com/any/repo")).toBe(true);
    expect(matchPrefixPatterns("github.com/org/*", "github.com/org")).toBe(false);
    expect(matchPrefixPatterns("*", "anything.example/x")).toBe(true);
    expect(matchPrefixPatterns(",,github.com/,", "github.com/x")).toBe(true);
    expect(matchPrefixPatterns("[", "x")).toBe(false);
    expect(matchPrefixPatterns("git?ub.com", "github.com/x")).toBe(true);
    expect(matchPrefixPatterns("[a-c]it.x", "bit.x/y")).toBe(true);
    expect(matchPrefixPatterns("[^a-c]it.x", "bit.x/y")).toBe(false);
  });
  it("rejects malformed globs like path.Match", () => {
    expect(compileGlob("a[")).toBeUndefined();
    expect(compileGlob("a\\")).toBeUndefined();
    expect(compileGlob("[z-a]")).toBeUndefined();
    expect(compileGlob("[]")).toBeUndefined();
  });
  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (g, t) => {
        matchPrefixPatterns(g, t);
      }),
    );
  });
  it("a literal pattern matches itself and its sub-paths", () => {
    const elem = fc.stringMatching(/^[a-z0-9.-]{1,8}$/);
    fc.assert(
      fc.property(fc.array(elem, { minLength: 1, maxLength: 4 }), elem, (parts, extra) => {
        const p = parts.join("/");
        expect(matchPrefixPatterns(p, p)).toBe(true);
        expect(matchPrefixPatterns(p, `${p}/${extra}`)).toBe(true);
      }),
    );
  });
});
