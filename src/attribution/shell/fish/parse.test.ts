import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFishSource, displayRawBytes, literalWord, parseFish, type Stmt } from "./parse.js";

function cmds(body: Stmt[]): Array<[number, string]> {
  return body.flatMap((s) =>
    s.type === "cmd"
      ? [[s.line, s.words.map((w) => literalWord(w) ?? "?").join(" ")] as [number, string]]
      : [],
  );
}

describe("fish reader", () => {
  it("gives every statement its line, across continuations, comments and separators", () => {
    const r = parseFish(
      "# c\nset -gx A 1; set -gx B 2\nset -gx C a\\\n  b # trailing\n\nset -gx D 'x\ny'\nset -gx E 1\n",
    );
    expect(r.errors).toEqual([]);
    expect(cmds(r.body)).toEqual([
      [2, "set -gx A 1"],
      [2, "set -gx B 2"],
      [3, "set -gx C a b"],
      [6, "set -gx D x\ny"],
      [8, "set -gx E 1"],
    ]);
  });

  it("builds blocks: if/else if/else, switch/case, for, while, function, begin, and/or/not", () => {
    const r = parseFish(
      "if status is-login; and not test -d /x\n  set a 1\nelse if true\n  set b 2\nelse\n  set c 3\nend\nswitch $x\ncase 'a*' b\n  set d 4\nend\nfor i in 1 2; set e $i; end\nwhile false; end\nfunction f -d desc\n  set g 1\nend\nbegin; set h 1; end | cat\ntrue && set i 1 || set j 2\n",
    );
    expect(r.errors).toEqual([]);
    expect(r.body.map((s) => [s.type, s.line])).toEqual([
      ["if", 1],
      ["switch", 8],
      ["for", 12],
      ["while", 13],
      ["function", 14],
      ["begin", 17],
      ["cmd", 17],
      ["cmd", 18],
      ["cmd", 18],
      ["cmd", 18],
    ]);
    const iff = r.body[0] as Extract<Stmt, { type: "if" }>;
    expect(iff.clauses).toHaveLength(2);
    expect(iff.clauses[0]!.cond.map((c) => [c.conj, c.negate])).toEqual([
      [undefined, undefined],
      ["and", true],
    ]);
    expect(iff.elseBody).toHaveLength(1);
    expect(r.body[6]?.piped).toBe(true); // `end | cat`
    expect(r.body.slice(7).map((s) => s.conj)).toEqual([undefined, "and", "or"]);
  });

  it("reports malformed input with a line and goes on", () => {
    const r = parseFish("set a 1\nif true\n  set b 'open\n");
    expect(r.errors.map((e) => e.line)).toEqual([3, 2]);
    expect(r.errors.map((e) => e.message)).toEqual(["unterminated single quote", "missing 'end' for 'if'"]);
    const stray = parseFish("end\nset x 1\n");
    expect(stray.errors).toEqual([{ line: 1, message: "'end' outside of a block" }]);
    expect(cmds(stray.body)).toEqual([[2, "set x 1"]]);
  });

  it("classifies expansions: variables, command substitutions, braces, home, globs", () => {
    const r = parseFish('set x $A[1] "$B" (cmd) $(cmd2) "a$(c)" {a,b} ~/p * $$C\n');
    const words = (r.body[0] as Extract<Stmt, { type: "cmd" }>).words.slice(2);
    expect(words.map((w) => w.parts.map((p) => p.t).join("+"))).toEqual([
      "var",
      "var",
      "cmdsub",
      "cmdsub",
      "lit+cmdsub",
      "brace",
      "home+lit",
      "glob",
      "var",
    ]);
  });

  it("keeps raw bytes lossless and shows them like procfs does", () => {
    const { text, invalidBytes } = decodeFishSource(Uint8Array.from([0x61, 0xe9, 0x62]));
    expect(invalidBytes).toBe(1);
    expect(displayRawBytes(text)).toEqual({ text: "a\\xe9b", escaped: true });
    // \xc3\xa9 written as two escapes is valid UTF-8 once joined.
    const r = parseFish("set x \\xc3\\xa9\n");
    const w = (r.body[0] as Extract<Stmt, { type: "cmd" }>).words[2]!;
    expect(displayRawBytes(literalWord(w)!)).toEqual({ text: "é", escaped: false });
  });

  it("never throws on arbitrary text or bytes, and handles deep nesting", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        const r = parseFish(s);
        expect(Array.isArray(r.body)).toBe(true);
      }),
      { numRuns: 500 },
    );
    const alphabet = fc.constantFrom(
      ..."if end begin else case switch for in function and or not ( ) { } ' \" $ \\ ; \n | & # ~ * x".split(
        " ",
      ),
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (toks) => {
        parseFish(toks.join(" "));
        parseFish(toks.join(""));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        parseFish(decodeFishSource(b).text);
      }),
    );
    const deep = parseFish("begin\n".repeat(5000));
    expect(deep.errors.length).toBeGreaterThan(0);
    expect(parseFish("(".repeat(10000)).errors.length).toBeGreaterThan(0);
  });
});
