import { describe, expect, it } from "vitest";
import { goldenReport, SECRET } from "../../test/report/golden-input.js";
import type { Report, Subject } from "../model/index.js";
import { escapeCell, FOLD_ROWS, renderMarkdown } from "./markdown.js";

/** The cells of a GFM table row (split on unescaped pipes). */
function cells(line: string): string[] {
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((c) => c.trim());
}

function withVariable(key: string, value: string): Report {
  const r = goldenReport();
  const s = r.subjects[0]!;
  s.variables = [
    { key, value, winner: { kind: "dotenv", confidence: "certain", evidence: [] }, shadowed: [], notes: [] },
  ];
  return r;
}

describe("markdown reporter", () => {
  it("escapes pipes, backticks, emphasis, HTML and newlines so a value keeps to its cell", () => {
    const nasty = "a|b`c`<script>alert(1)</script>\n| x | y |\r\n*em* [l](http://e) &amp; \u0007";
    const out = renderMarkdown(withVariable("K|EY", nasty));
    expect(out).not.toContain("<script>");
    expect(out).not.toContain("`c`");
    const line = out.split("\n").find((l) => l.startsWith("| K\\|EY"))!;
    expect(line).toBeDefined();
    // Six cells: the value did not open new ones, and the whole row is one line.
    expect(cells(line)).toHaveLength(6);
    expect(cells(line)[1]).toBe(escapeCell(nasty));
    expect(escapeCell("a\nb")).toBe("a\\\\nb");
    expect(escapeCell("<&>")).toBe("&lt;&amp;&gt;");
    expect(escapeCell("x|y`z")).toBe("x\\|y\\`z");
    expect(escapeCell("\u0001")).toBe("\\\\x01");
  });

  it("never prints a masked secret, says how many are masked, and warns when revealed", () => {
    const masked = renderMarkdown(goldenReport());
    expect(masked).not.toContain(SECRET);
    expect(masked).toContain("1 secret masked");
    const r = goldenReport();
    r.run.revealed = true;
    const shown = renderMarkdown(r);
    expect(shown).toContain("[!CAUTION]");
    expect(shown).toContain("1 secret shown");
  });

  it("folds long tables into <details> and caps the output, saying what it left out", () => {
    const r = goldenReport();
    const base = r.subjects[0]!;
    r.run.command = "scan";
    r.subjects = Array.from({ length: 300 }, (_, i): Subject => {
      const pid = 1000 + i;
      return {
        ...base,
        id: `process/${pid}`,
        name: `sleep (pid ${pid})`,
        details: { pid, comm: "sleep" },
        variables: Array.from({ length: FOLD_ROWS + 5 }, (_, k) => ({
          key: `VAR_${k}`,
          value: "x".repeat(40),
          winner: { kind: "inherited", confidence: "possible", evidence: [] },
          shadowed: [],
          notes: [],
        })),
      };
    });
    const full = renderMarkdown(r, { maxBytes: 1 << 30 });
    expect(full).toContain("<details><summary>Processes (300)</summary>");
    expect(full).not.toContain("left out");
    const max = 64 * 1024;
    const cut = renderMarkdown(r, { maxBytes: max });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(max);
    expect(cut).toMatch(
      /Cut to 64 KiB \(GitHub's step summary limit\): \d+ findings and \d+ sections left out/,
    );
    // Every <details> opened is closed (no section cut in half).
    expect(cut.split("<details").length).toBe(cut.split("</details>").length);
    expect(Buffer.byteLength(renderMarkdown(r))).toBeLessThanOrEqual(1024 * 1024);
  });

  it("renders Go settings, host checks and drift entries as tables", () => {
    const r = goldenReport();
    r.subjects = [
      {
        id: "go",
        kind: "go-toolchain",
        name: "go go1.22.3",
        details: {},
        settings: [
          {
            key: "GOSUMDB",
            value: "off",
            source: { kind: "goenv-file", file: "/h/.config/go/env", line: 2, confidence: "certain" },
            probed: true,
          },
        ],
        findings: [],
        issues: [],
      },
      {
        id: "host",
        kind: "host",
        name: "host (pid 1)",
        details: {},
        checks: [
          {
            id: "ENVT-HOST-001",
            dimension: "kernel",
            title: "k",
            status: "warn",
            summary: "old | kernel",
            facts: {},
          },
        ],
        findings: [],
        issues: [],
      },
      {
        id: "drift/a..b",
        kind: "drift",
        name: "a → b",
        details: {
          a: { file: "a.json", label: "staging", createdAt: "x" },
          b: { file: "b.json", label: "prod", createdAt: "y" },
        },
        drift: [
          {
            scope: "variable",
            key: "TOKEN",
            change: "changed",
            before: { value: "****", masked: true, source: { kind: "dotenv", file: ".env", line: 3 } },
            after: { value: "****", masked: true, source: { kind: "k8s-secret", resource: "Secret/ns/s" } },
            severity: "low",
          },
        ],
        findings: [],
        issues: [],
      },
    ];
    const out = renderMarkdown(r);
    expect(out).toContain("| GOSUMDB | off | goenv-file | /h/.config/go/env:2 |");
    expect(out).toContain("| ENVT-HOST-001 | kernel | warn | old \\| kernel |");
    expect(out).toContain("| Change | Key | staging | prod |");
    expect(out).toContain(
      "| changed | TOKEN | \\*\\*\\*\\* (dotenv .env:3) | \\*\\*\\*\\* (k8s-secret Secret/ns/s) |",
    );
    expect(out).toContain("1 Go setting · 1 host check · 1 drift entry");
  });
});
