import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SecretEngine } from "./engine.js";
import { builtinRules } from "./rules/index.js";

// The fast path (compact byte DFA, name rules searched without match indices and re-run sticky for
// the offsets of the candidates that need them, multi-line rules tried at each start of a short line)
// must give exactly the spans of the simple path (the string DFA, every regex with match indices,
// searched) on any input.
const fast = new SecretEngine(builtinRules);
const simple = new SecretEngine(builtinRules, { indices: "always" });

const examples = builtinRules.flatMap((r) => [...r.examples.match, ...r.examples.noMatch]);
const fragments = [
  "=",
  ":",
  " ",
  "\n",
  "\r\n",
  "\t",
  '"',
  "'",
  "`",
  "-p",
  "--password=",
  "-Dpassword=",
  "PASSWORD=",
  "PASSWORD_MIN_LENGTH=",
  "JAVA_OPTS=",
  "key=",
  "token: ",
  "@",
  "://",
  "a",
  "Z9",
  "_",
  "-----BEGIN RSA PRIVATE KEY-----\n",
  "\n-----END RSA PRIVATE KEY-----",
  "\u00e9",
  "\u0000",
  "\u00ff",
];
const piece = fc.oneof(
  fc.constantFrom(...examples),
  fc.constantFrom(...fragments),
  // A cut example: a token that stops or starts half-way.
  fc
    .tuple(fc.constantFrom(...examples), fc.nat(200), fc.nat(60))
    .map(([e, a, n]) => e.slice(a % Math.max(1, e.length), (a % Math.max(1, e.length)) + n)),
  fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
);
const text = fc.array(piece, { minLength: 1, maxLength: 14 }).map((ps) => ps.join(""));
/** A text followed by many lines: multi-line windows far longer than the line (the sticky path). */
const longText = fc
  .tuple(text, fc.array(piece, { maxLength: 80 }))
  .map(([t, rest]) => `${t}\n${rest.join("\n")}`);

describe("engine fast path", () => {
  it("gives the same spans as the simple path (bytes and string, lazy and always-on match indices)", () => {
    fc.assert(
      fc.property(text, (t) => {
        const want = simple.scan(t);
        expect(fast.scanBytes(Buffer.from(t, "latin1"))).toEqual(want);
        expect(fast.scan(t)).toEqual(want);
      }),
      { numRuns: 1500 },
    );
  });

  it("gives the same spans with long multi-line windows (multi-line rules tried per start on short lines)", () => {
    fc.assert(
      fc.property(longText, (t) => {
        const want = simple.scan(t);
        expect(fast.scanBytes(Buffer.from(t, "latin1"))).toEqual(want);
        expect(fast.scan(t)).toEqual(want);
      }),
      { numRuns: 600 },
    );
  });

  it("gives the same spans after priming (prime leaves no state behind)", () => {
    const primed = new SecretEngine(builtinRules);
    primed.prime();
    fc.assert(
      fc.property(text, (t) => {
        expect(primed.scanBytes(Buffer.from(t, "latin1"))).toEqual(simple.scan(t));
      }),
      { numRuns: 300 },
    );
  });

  it("finds every rule's examples the same way on both paths", () => {
    const all = builtinRules.flatMap((r) => r.examples.match).join("\n");
    const want = simple.scan(all);
    expect(want.length).toBeGreaterThan(builtinRules.length / 2);
    expect(fast.scanBytes(Buffer.from(all, "latin1"))).toEqual(want);
  });
});
