import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SecretEngine } from "./engine.js";
import { linearTimeProblems } from "./linear.js";
import type { SecretProvider } from "./rule.js";
import { builtinRules, providers } from "./rules/index.js";

const engine = new SecretEngine(builtinRules);

describe("rule registry", () => {
  it("has at least 100 rules with unique kebab-case ids, keywords, tags and docs", () => {
    expect(builtinRules.length).toBeGreaterThanOrEqual(100);
    const ids = builtinRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of builtinRules) {
      expect(r.id, r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.keywords.length, r.id).toBeGreaterThan(0);
      for (const k of r.keywords) expect(k, r.id).toBe(k.toLowerCase());
      expect(r.tags.length, r.id).toBeGreaterThan(0);
      expect(r.docs, r.id).toMatch(/^https:\/\//);
      expect(r.examples.match.length, r.id).toBeGreaterThan(0);
      expect(r.examples.noMatch.length, r.id).toBeGreaterThan(0);
    }
  });

  it("lists one provider per file, named after its file, each file in the registry", () => {
    const files = readdirSync("src/detect/rules")
      .filter((f) => f.endsWith(".ts") && f !== "index.ts" && f !== "lib.ts")
      .map((f) => f.slice(0, -3))
      .sort();
    expect(providers.map((p) => p.meta.id).sort()).toEqual(files);
    for (const f of files) {
      const src = readFileSync(`src/detect/rules/${f}.ts`, "utf8");
      expect(src.match(/^export /gm), f).toHaveLength(1);
      expect(src, f).toMatch(/export const \w+ = defineProvider\(/);
    }
  });

  it("has a doc page per provider naming every rule id (UPDATE_DOCS=1 rewrites the rule tables)", () => {
    if (process.env.UPDATE_DOCS) writeDocs(providers);
    for (const p of providers) {
      const path = `docs/detect/${p.meta.id}.md`;
      expect(existsSync(path), path).toBe(true);
      const text = readFileSync(path, "utf8");
      for (const r of p.rules) expect(text, `${path} lacks ${r.id}`).toContain(r.id);
    }
    const all = readFileSync("docs/rules.md", "utf8");
    for (const r of builtinRules) expect(all, `docs/rules.md lacks ${r.id}`).toContain(`\`${r.id}\``);
  });
});

describe("every rule's examples through the real engine", () => {
  for (const rule of builtinRules) {
    it(rule.id, () => {
      const alone = new SecretEngine([rule]);
      for (const ex of rule.examples.match) {
        const own = alone.scan(ex);
        expect(
          own.map((m) => m.ruleId),
          `${rule.id} misses its example`,
        ).toContain(rule.id);
        // The full engine flags it too (possibly under a more specific rule), and masks the secret.
        expect(engine.scan(ex).length, `full engine misses ${rule.id} example`).toBeGreaterThan(0);
      }
      for (const ex of rule.examples.noMatch) {
        expect(
          alone.scan(ex).map((m) => m.ruleId),
          `${rule.id} flags a noMatch example`,
        ).not.toContain(rule.id);
        expect(engine.scan(ex), `full engine flags ${rule.id} noMatch example`).toEqual([]);
      }
    });
  }
});

describe("linear time", () => {
  it("every built-in pattern is bounded with star height ≤ 1 (static check)", () => {
    for (const r of builtinRules) expect(linearTimeProblems(r.regex.source), r.id).toEqual([]);
  });

  it("the static check rejects catastrophic patterns", () => {
    expect(linearTimeProblems("(a+)+$")).not.toEqual([]);
    expect(linearTimeProblems("(?:[a-z]{1,5}){1,50}x")).not.toEqual([]);
    expect(linearTimeProblems("a.*b")).not.toEqual([]);
    expect(linearTimeProblems("x{3,}")).not.toEqual([]);
    expect(linearTimeProblems("(a)\\1")).not.toEqual([]);
    expect(linearTimeProblems("(?:ab){2}[a-z]{1,9}(?=x)")).toEqual([]);
  });

  it("scan time grows linearly on adversarial input for every rule", () => {
    const time = (e: SecretEngine, text: string) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        e.scan(text);
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    const slow: string[] = [];
    for (const r of builtinRules) {
      const e = new SecretEngine([r]);
      const kw = r.keywords[0]!;
      const shapes = [
        (n: number) => kw.repeat(Math.ceil(n / kw.length)),
        (n: number) => `${kw}=`.repeat(Math.ceil(n / (kw.length + 1))),
        (n: number) => `${kw}${"A".repeat(n)}`,
        (n: number) => `${kw}a:`.repeat(Math.ceil(n / (kw.length + 2))),
        (n: number) => `${kw}://a:`.repeat(Math.ceil(n / (kw.length + 5))),
      ];
      for (const shape of shapes) {
        const small = time(e, shape(4_000));
        const big = time(e, shape(64_000));
        // Linear: 16×; quadratic: 256×. Generous slack for a shared machine.
        if (big > 64 * small + 30) slow.push(`${r.id}: ${small.toFixed(2)}ms → ${big.toFixed(2)}ms`);
      }
    }
    expect(slow).toEqual([]);
  });
});

const BEGIN = "<!-- rules:begin (generated by UPDATE_DOCS=1 npx vitest run src/detect/rules.test.ts) -->";
const END = "<!-- rules:end -->";

function table(p: SecretProvider): string {
  const rows = p.rules.map(
    (r) =>
      `| \`${r.id}\` | ${r.description} | ${r.severity} | ${r.keywords.map((k) => `\`${k.replaceAll("|", "\\|")}\``).join(" ")} | [format](${r.docs}) |`,
  );
  return ["| Rule | What | Severity | Keywords | Documentation |", "|---|---|---|---|---|", ...rows].join(
    "\n",
  );
}

/** Keeps hand-written prose around the generated tables. */
function splice(path: string, fresh: string, intro: string): void {
  const old = existsSync(path) ? readFileSync(path, "utf8") : `${intro}\n\n${BEGIN}\n${END}\n`;
  const a = old.indexOf(BEGIN);
  const b = old.indexOf(END);
  const out =
    a >= 0 && b > a
      ? `${old.slice(0, a + BEGIN.length)}\n${fresh}\n${old.slice(b)}`
      : `${old}\n${BEGIN}\n${fresh}\n${END}\n`;
  writeFileSync(path, out);
}

function writeDocs(ps: readonly SecretProvider[]): void {
  mkdirSync("docs/detect", { recursive: true });
  for (const p of ps) {
    splice(
      `docs/detect/${p.meta.id}.md`,
      table(p),
      `# Secret rules: ${p.meta.id}\n\n${p.meta.description}. Source: \`src/detect/rules/${p.meta.id}.ts\`.\n\n` +
        "**Why it matters:** a credential in an environment variable is readable by every process of the same user " +
        "(`/proc/<pid>/environ`), inherited by every child, and copied into crash dumps, CI logs and `docker inspect`.\n\n" +
        "**Remediation:** move the value into a secret store or a mounted file (`*_FILE`), reference it instead of " +
        "inlining it, and rotate it if it has been exposed.",
    );
  }
  const all = ps
    .map((p) => `### [${p.meta.id}](detect/${p.meta.id}.md) — ${p.meta.description}\n\n${table(p)}`)
    .join("\n\n");
  splice("docs/rules.md", all, "# Secret rules");
}
