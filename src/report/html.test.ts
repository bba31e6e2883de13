import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { goldenReport, SECRET } from "../../test/report/golden-input.js";
import type { Lineage, Report, Subject } from "../model/index.js";
import { cleanSvg, dotLabel, drawSvg, lineageDot } from "./html/graph.js";
import { esc, MAX_GRAPHS, renderHtml } from "./html.js";

const hash = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
const count = (s: string, sub: string) => s.split(sub).length - 1;

function variable(key: string, value: string, actorPid: number, shadowed = false): Lineage<string> {
  return {
    key,
    value,
    winner: {
      kind: "shell",
      mechanism: "bash",
      location: { file: "/etc/profile", line: 3 },
      actor: { pid: actorPid, comm: "bash" },
      confidence: "certain",
      evidence: [],
    },
    shadowed: shadowed
      ? [{ value: "old", attribution: { kind: "pam-env", confidence: "certain", evidence: [] } }]
      : [],
    notes: [],
  };
}

function scan(n: number, vars: (p: number) => Lineage<string>[]): Report {
  const r = goldenReport();
  r.run.command = "scan";
  r.subjects = Array.from(
    { length: n },
    (_, p): Subject => ({
      id: `process/${p}`,
      kind: "process",
      name: `sleep (pid ${p})`,
      details: { pid: p },
      variables: vars(p),
      findings: [],
      issues: [],
    }),
  );
  return r;
}

describe("html reporter", () => {
  it("escapes every string it writes", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(esc("a\u0000b\u001b")).toBe("a\\x00b\\x1b");
    expect(esc("plain")).toBe("plain");
  });

  it("is self-contained: the CSP allows exactly its inline style and script, and nothing is fetched", async () => {
    const html = await renderHtml(goldenReport());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(html)![1]!
      .replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(count(html, "<style")).toBe(1);
    expect(count(html, "<script")).toBe(1);
    // No attribute that loads anything, no style attribute (the CSP would refuse it), no CSS url().
    expect(html).not.toMatch(/\s(src|srcset|poster|data|xlink:href)=/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/<link|<iframe|<object|<embed|<img|@import|url\(/i);
    // Links only to http(s) documentation, never javascript:.
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(#|https:\/\/)/);
  });

  it("shows masks, never the secret, and a red banner when revealed", async () => {
    const masked = await renderHtml(goldenReport());
    expect(masked).not.toContain(SECRET);
    expect(masked).toContain("ghp_********(40)");
    expect(masked).not.toContain('class="revealed"');
    const r = goldenReport();
    r.run.revealed = true;
    const shown = await renderHtml(r);
    expect(shown).toContain('<div class="revealed" role="alert">');
    expect(shown).toContain(SECRET);
  });

  it("DOT-escapes labels: a value cannot add nodes or edges, and comes out XML-escaped", async () => {
    const evil = `x"]; e [label="p"]; v -> e; \\N & <script>\n`;
    expect(dotLabel([evil])).toBe(`"x\\"]; e [label=\\"p\\"]; v -> e; \\\\N &amp; <script>\\\\n"`);
    const svg = await drawSvg(lineageDot(variable("K", evil, 1), (x) => x));
    expect(count(svg, 'class="node"')).toBe(3); // the variable, the winner, the actor
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).not.toMatch(/<title>|<!--|\sid="/);
    expect(
      cleanSvg('<?xml version="1.0"?>\n<!-- c -->\n<svg id="a"><g id="b"><text>id="c"</text></g></svg>'),
    ).toBe('<svg><g><text>id="c"</text></g></svg>');
  });

  it("draws identical lineages once, listing every process that shares it", async () => {
    const html = await renderHtml(
      scan(50, () => [variable("SHARED", "1", 1), variable("OWN", "2", 7, true)]),
    );
    expect(count(html, "<svg")).toBe(2);
    expect(count(html, "<figure")).toBe(2);
    expect(html).toContain("in sleep (pid 0), sleep (pid 1), sleep (pid 2) and 47 more");
    expect(count(html, 'href="#g1"')).toBe(50);
  });

  it("draws at most MAX_GRAPHS graphs, those with shadowed values first, and lists the rest", async () => {
    const n = MAX_GRAPHS + 20;
    const html = await renderHtml(
      scan(n, (p) => [variable("PLAIN", "v", 1000 + p), variable("SHADOW", "v", 1000 + p, p >= n - 10)]),
    );
    expect(count(html, "<svg")).toBe(MAX_GRAPHS);
    expect(count(html, "<figure")).toBe(2 * n);
    expect(html).toContain(`${MAX_GRAPHS} of ${2 * n} graphs drawn`);
    // The 10 shadowed lineages (last processes) are among those drawn.
    const figs = html.split("<figure").slice(1);
    const shadowed = figs.filter((f) => f.includes("<li>shadowed old"));
    expect(shadowed).toHaveLength(10);
    for (const f of shadowed) expect(f).toContain("<svg");
  });

  it("is deterministic", async () => {
    expect(await renderHtml(goldenReport())).toBe(await renderHtml(goldenReport()));
  });
});
