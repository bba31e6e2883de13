import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitStatements } from "./chunks.js";

describe("splitStatements", () => {
  it("cuts at top-level statement ends, keeping compound statements, quotes and here-documents whole", () => {
    const text = [
      "A=1",
      "if [[ -z $X ]] &&",
      "   [[ $T != e ]]",
      "then",
      "  typeset -A key",
      "  key=(",
      '    Up "${terminfo[kcuu1]}"',
      "  )",
      "fi",
      'B="two',
      'lines"',
      "cat <<EOF",
      "fi done esac",
      "EOF",
      "for i in 1 2; do echo $i; done",
      "export C=3",
    ].join("\n");
    const chunks = splitStatements(text);
    expect(chunks.map((c) => c.line)).toEqual([0, 1, 9, 11, 14, 15]);
    expect(chunks.map((c) => c.text).join("")).toBe(text);
  });

  it("is lossless and line-aligned on any input", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            "a",
            " ",
            "\n",
            "'",
            '"',
            "(",
            ")",
            "{",
            "}",
            "if",
            "fi",
            "<<E",
            "E",
            "\\",
            "#",
            "|",
            ";",
          ),
          maxLength: 200,
        }),
        (text) => {
          const chunks = splitStatements(text);
          expect(chunks.map((c) => c.text).join("")).toBe(text);
          let line = 0;
          for (const c of chunks) {
            expect(c.line).toBe(line);
            line += c.text.split("\n").length - 1;
          }
        },
      ),
    );
  });
});
