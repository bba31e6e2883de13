/**
 * Figure (issue 16): secret detection measured against the peers' own test suites — secretlint's rule
 * snapshots (labelled spans), gitleaks' rule `tps`/`fps` cases and Yelp detect-secrets' plugin test data
 * (true/false per line) — for envtrace and for each peer that installs here (secretlint, a devDependency,
 * run in-process with its recommended preset). gitleaks is a Go binary: there is no Go module proxy and no
 * GitHub download here, so it is not run; its own suite is in the corpus.
 *
 * The corpus is not part of this repository (the peers' test data may not be committed here): `peer-corpus.ts`
 * builds it from local git mirrors of the three repositories into a git-ignored cache
 * (`node_modules/.cache/envtrace-peer-corpus/corpus.jsonl`, each case with repository, commit and path); this
 * script rebuilds it when it is missing or the mirrors moved on. `PEER_CORPUS` reads another corpus file.
 *
 * Counting. A positive with labelled spans (secretlint) counts once per span, detected when a finding
 * overlaps it; a positive without spans (gitleaks, detect-secrets) is detected when anything is flagged.
 * A negative is a false positive when a finding is raised (strict). A second figure scopes false positives
 * to the case's own family: a negative counts when a finding comes from a rule of the family the case
 * tests or from a broad rule (name semantics, URL/CLI/HTTP/netrc passwords, private keys, JWTs — in every
 * family); a finding only from another vendor's format-specific rule (a GitHub token in GitLab's suite:
 * that vendor's format is in the text) does not. envtrace: recall counts every masked span (documentation
 * example keys are masked too), false positives count findings (example keys raise none).
 * Targets: recall ≥ 90% on the union with false positives ≤ 5% (both figures printed, each with its
 * target), ahead of each peer on the others' suites.
 * Run: `npx tsx bench/secrets-peers.ts [--families] [--misses FAMILY] [--fps FAMILY]`.
 */
import { existsSync, readFileSync } from "node:fs";
import { scanText } from "../src/detect/index.js";
import { providers } from "../src/detect/rules/index.js";
import { type Figure, printFigures } from "./lib.js";
import {
  buildCorpus,
  CACHE,
  type Case,
  cacheIsFresh,
  family,
  MIRRORS,
  missingMirrors,
  writeCorpus,
} from "./peer-corpus.js";

interface Verdict {
  /** Positives: detected units (spans, or 1 for the whole case) out of `units`. */
  hits: number;
  units: number;
  /** Negatives: a finding was raised. */
  flagged: boolean;
  /**
   * Negatives: a finding was raised by a rule of the case's own family or by a broad rule (in family
   * everywhere). False when every finding came from another vendor's format-specific rule.
   */
  flaggedInFamily: boolean;
  /** Negatives: the rules (other vendors' specific ones) whose findings `flaggedInFamily` left out. */
  outOfFamily: string[];
}

/**
 * Rules that are not one vendor's format: in family everywhere, so their findings on any negative count
 * (name semantics, URL/command-line/HTTP-header/netrc passwords, PEM private keys, JWTs, GOPROXY userinfo).
 */
const BROAD_PROVIDERS = new Set(["generic", "url", "cli", "http-auth", "netrc", "private-key", "jwt", "go"]);
/** envtrace providers whose ids differ from the peers' family names (see `peer-corpus.ts` `family`). */
const PROVIDER_FAMILIES: Record<string, string[]> = {
  brevo: ["brevo", "sendinblue"],
  hashicorp: ["hashicorp", "hashicorp-vault"],
  jfrog: ["jfrog", "artifactory"],
  "microsoft-teams": ["teams"],
  sonarqube: ["sonar"],
};
const ruleProvider = new Map(providers.flatMap((p) => p.rules.map((r) => [r.id, p.meta.id] as const)));
/** secretlint's rules that are not one vendor's format (`@secretlint/secretlint-rule-<name>`). */
const SL_BROAD = new Set(["basic-auth", "database-url", "private-key", "generic"]);

/** Whether a finding of `ruleId` on a negative of `fam` counts against the family-scoped figure. */
function inFamily(fam: string, ruleId: string, tool: "envtrace" | "secretlint"): boolean {
  if (tool === "secretlint") {
    const f = family(
      ruleId
        .split("/")
        .pop()!
        .replace(/^secretlint-rule-/, ""),
    );
    return SL_BROAD.has(f) || f === fam;
  }
  const p = ruleProvider.get(ruleId);
  // A user rule or an id this table does not know: counted (strict).
  if (!p || BROAD_PROVIDERS.has(p)) return true;
  return (PROVIDER_FAMILIES[p] ?? [p]).includes(fam);
}

export const CORPUS = process.env.PEER_CORPUS ?? CACHE;

let why = "";

/**
 * The corpus: `PEER_CORPUS` as it is, else the cache, (re)built from the mirrors when missing or stale.
 * Null (with the reason in `why`) when neither is there.
 */
export function loadCorpus(path = CORPUS): Case[] | null {
  if (!process.env.PEER_CORPUS) {
    const missing = missingMirrors();
    if (missing.length === 0 && !cacheIsFresh(path)) writeCorpus(buildCorpus(), path);
    else if (missing.length && !existsSync(path)) {
      why = `peer corpus not available: fetch ${missing.join(", ")} (bare mirrors under ${MIRRORS}/owner+name/repo; PEER_MIRRORS overrides), then rerun — bench/peer-corpus.ts builds it`;
      return null;
    }
  }
  if (!existsSync(path)) {
    why = `peer corpus not found at ${path} (PEER_CORPUS)`;
    return null;
  }
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Case);
}

const overlaps = (a: [number, number], s: number, e: number) => s < a[1] && e > a[0];

interface Found {
  start: number;
  end: number;
  finding: boolean;
  ruleId: string;
}

function judge(c: Case, found: Found[], tool: "envtrace" | "secretlint"): Verdict {
  const none = { flaggedInFamily: false, outOfFamily: [] };
  if (!c.label) {
    const findings = found.filter((f) => f.finding);
    const outside = findings.filter((f) => !inFamily(c.family, f.ruleId, tool));
    return {
      hits: 0,
      units: 0,
      flagged: findings.length > 0,
      flaggedInFamily: outside.length < findings.length,
      outOfFamily: [...new Set(outside.map((f) => f.ruleId))],
    };
  }
  if (c.spans?.length) {
    const hits = c.spans.filter((sp) => found.some((f) => overlaps(sp, f.start, f.end))).length;
    return { hits, units: c.spans.length, flagged: false, ...none };
  }
  return { hits: found.length ? 1 : 0, units: 1, flagged: false, ...none };
}

function envtrace(c: Case): Verdict {
  const ms = scanText(c.text);
  return judge(
    c,
    ms.map((m) => ({ start: m.start, end: m.end, finding: !m.example, ruleId: m.ruleId })),
    "envtrace",
  );
}

type Linter = (c: Case) => Promise<Verdict>;

/** secretlint's recommended preset, in-process (`@secretlint/core` lintSource), as its CLI runs it. */
async function secretlint(): Promise<Linter | null> {
  try {
    const { lintSource } = await import("@secretlint/core");
    const { creator } = await import("@secretlint/secretlint-rule-preset-recommend");
    const { secretLintProfiler } = await import("@secretlint/profiler");
    const { performance } = await import("node:perf_hooks");
    const config = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: creator }] };
    // secretlint's profiler keeps every performance mark and looks marks up by name: over thousands of
    // sources that is quadratic (minutes after the run). Drain and clear it after each source.
    const drain = async () => {
      await new Promise((r) => setImmediate(r));
      await secretLintProfiler.getEntries();
      const kept = secretLintProfiler as unknown as { entries: unknown[]; measures: unknown[] };
      kept.entries.length = 0;
      kept.measures.length = 0;
      performance.clearMarks();
      performance.clearMeasures();
    };
    return async (c) => {
      const name = c.source === "secretlint" ? c.path.split("/").pop()! : "input.txt";
      const ext = name.includes(".") ? `.${name.split(".").pop()}` : "";
      const r = await lintSource({
        source: { content: c.text, filePath: `/corpus/${name}`, ext, contentType: "text" },
        options: { config: config as never, maskSecrets: true },
      });
      await drain();
      return judge(
        c,
        r.messages.map((m) => ({ start: m.range[0], end: m.range[1], finding: true, ruleId: m.ruleId })),
        "secretlint",
      );
    };
  } catch (e) {
    console.log(`secretlint not run: ${(e as Error).message}`);
    return null;
  }
}

interface Tally {
  pos: number;
  hit: number;
  neg: number;
  fp: number;
  /** False positives in the case's own family (see `inFamily`). */
  fpIn: number;
}
const tally = (): Tally => ({ pos: 0, hit: 0, neg: 0, fp: 0, fpIn: 0 });
const add = (t: Tally, v: Verdict, label: boolean) => {
  if (label) {
    t.pos += v.units;
    t.hit += v.hits;
  } else {
    t.neg++;
    if (v.flagged) t.fp++;
    if (v.flaggedInFamily) t.fpIn++;
  }
};
const pct = (n: number, d: number) => (d ? (100 * n) / d : Number.NaN);
const fmt = (n: number, d: number) => (d ? `${pct(n, d).toFixed(1).padStart(5)}%` : "    —");

export interface PeerResults {
  cases: Case[];
  envtrace: Verdict[];
  secretlint: Verdict[] | null;
}

export async function measure(cases: Case[]): Promise<PeerResults> {
  const sl = await secretlint();
  const env = cases.map(envtrace);
  // One at a time: thousands of concurrent lintSource calls take minutes; in sequence, about a second.
  let slv: Verdict[] | null = null;
  if (sl) {
    slv = [];
    for (const c of cases) slv.push(await sl(c));
  }
  return { cases, envtrace: env, secretlint: slv };
}

function table(res: PeerResults, key: (c: Case) => string, title: string): void {
  const rows = new Map<string, { e: Tally; s: Tally }>();
  res.cases.forEach((c, i) => {
    const k = key(c);
    let r = rows.get(k);
    if (!r) {
      r = { e: tally(), s: tally() };
      rows.set(k, r);
    }
    add(r.e, res.envtrace[i]!, c.label);
    if (res.secretlint) add(r.s, res.secretlint[i]!, c.label);
  });
  console.log(
    `\n${title.padEnd(30)}  pos   neg | envtrace recall   FP  FPfam | secretlint recall   FP  FPfam`,
  );
  for (const [k, { e, s }] of [...rows].sort((a, b) => a[0].localeCompare(b[0])))
    console.log(
      `${k.padEnd(30)} ${String(e.pos).padStart(4)} ${String(e.neg).padStart(5)} |        ${fmt(e.hit, e.pos)} ${fmt(e.fp, e.neg)} ${fmt(e.fpIn, e.neg)} |          ${res.secretlint ? `${fmt(s.hit, s.pos)} ${fmt(s.fp, s.neg)} ${fmt(s.fpIn, s.neg)}` : "  not run"}`,
    );
}

function totals(res: PeerResults, pick: (c: Case) => boolean) {
  const e = tally();
  const s = tally();
  res.cases.forEach((c, i) => {
    if (!pick(c)) return;
    add(e, res.envtrace[i]!, c.label);
    if (res.secretlint) add(s, res.secretlint[i]!, c.label);
  });
  return { e, s };
}

export async function bench(measured?: PeerResults): Promise<Figure[]> {
  const cases = measured?.cases ?? loadCorpus();
  if (!cases) {
    console.log(why);
    return [];
  }
  const rss0 = process.memoryUsage().rss;
  const res = measured ?? (await measure(cases));
  const rssMB = Math.max(process.memoryUsage().rss, rss0) / 2 ** 20;
  const union = totals(res, () => true);
  const others = totals(res, (c) => c.source !== "secretlint");
  const slRun = res.secretlint !== null;
  const difference = scopeNote(res, union.e);
  const figs: Figure[] = [
    {
      name: "peer suites: envtrace recall (union)",
      value: pct(union.e.hit, union.e.pos),
      unit: "%",
      anchor: "secretlint recall, same corpus",
      anchorValue: slRun ? pct(union.s.hit, union.s.pos) : 0,
      target: "≥ 90%",
      pass: pct(union.e.hit, union.e.pos) >= 90,
      rssMB,
    },
    {
      name: "peer suites: envtrace FP rate, strict (union)",
      value: pct(union.e.fp, union.e.neg),
      unit: "%",
      anchor: "secretlint FP rate, same corpus",
      anchorValue: slRun ? pct(union.s.fp, union.s.neg) : 0,
      target: "≤ 5% of all negatives, any finding",
      pass: pct(union.e.fp, union.e.neg) <= 5,
      rssMB,
      note: difference,
    },
    {
      name: "peer suites: envtrace FP rate, own family (union)",
      value: pct(union.e.fpIn, union.e.neg),
      unit: "%",
      anchor: "secretlint, same scoping",
      anchorValue: slRun ? pct(union.s.fpIn, union.s.neg) : 0,
      target: "≤ 5% of all negatives, findings in the case's family",
      pass: pct(union.e.fpIn, union.e.neg) <= 5,
      rssMB,
      note: difference,
    },
    {
      name: "peer suites: envtrace recall (gitleaks + detect-secrets)",
      value: pct(others.e.hit, others.e.pos),
      unit: "%",
      anchor: "secretlint recall on the others' suites",
      anchorValue: slRun ? pct(others.s.hit, others.s.pos) : 0,
      target: "ahead of secretlint",
      pass: !slRun || pct(others.e.hit, others.e.pos) > pct(others.s.hit, others.s.pos),
      rssMB,
      note: "gitleaks itself is not run here (a Go binary: no module proxy, no GitHub download)",
    },
  ];
  return figs;
}

/**
 * Strict vs own-family false positives, with counts: the negatives only another vendor's specific rule
 * flagged (that vendor's token format is in the text: a GitHub token in GitLab's suite).
 */
function scopeNote(res: PeerResults, e: Tally): string {
  const by = new Map<string, number>();
  res.cases.forEach((c, i) => {
    const v = res.envtrace[i]!;
    if (c.label || !v.flagged || v.flaggedInFamily) return;
    const k = `${c.family}←${v.outOfFamily.join("+")}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  });
  const list = [...by].map(([k, n]) => `${k} ${n}`).join(", ");
  // What bounds the figure: the rules behind the flagged negatives (a negative counted once per rule).
  const rules = new Map<string, number>();
  res.cases.forEach((c, i) => {
    if (c.label || !res.envtrace[i]!.flagged) return;
    for (const id of new Set(
      scanText(c.text)
        .filter((m) => !m.example)
        .map((m) => m.ruleId),
    ))
      rules.set(id, (rules.get(id) ?? 0) + 1);
  });
  const byRule = [...rules]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  return `strict counts any finding on a negative (${e.fp} of ${e.neg}); own family leaves out the ${e.fp - e.fpIn} negatives flagged only by another vendor's format-specific rule (${list || "none"}), so ${e.fpIn} of ${e.neg}; broad rules (name semantics, URL/CLI/HTTP/netrc passwords, private keys, JWTs) count in every family. Flagged negatives by rule: ${byRule}`;
}

function report(res: PeerResults): void {
  table(res, (c) => c.source, "source suite");
  table(res, (c) => c.family, "family (all suites)");
  const u = totals(res, () => true);
  const o = totals(res, (c) => c.source !== "secretlint");
  console.log(
    `\nunion: envtrace recall ${fmt(u.e.hit, u.e.pos)} FP ${fmt(u.e.fp, u.e.neg)} (own family ${fmt(u.e.fpIn, u.e.neg)}) | secretlint recall ${fmt(u.s.hit, u.s.pos)} FP ${fmt(u.s.fp, u.s.neg)} (own family ${fmt(u.s.fpIn, u.s.neg)})`,
  );
  console.log(`FP scoping: ${scopeNote(res, u.e)}`);
  console.log(
    `others' suites (gitleaks + detect-secrets): envtrace recall ${fmt(o.e.hit, o.e.pos)} FP ${fmt(o.e.fp, o.e.neg)} | secretlint recall ${fmt(o.s.hit, o.s.pos)} FP ${fmt(o.s.fp, o.s.neg)}`,
  );
  console.log(
    "gitleaks: not run (Go binary; no Go module proxy or GitHub download here) — its suite is in the corpus.",
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cases = loadCorpus();
  if (!cases) console.log(why);
  else {
    const res = await measure(cases);
    const argv = process.argv.slice(2);
    const misses = argv.indexOf("--misses");
    const fps = argv.indexOf("--fps");
    if (misses >= 0 || fps >= 0) {
      // Debug listing for tuning: local only, the corpus text stays outside the repository.
      const fam = argv[(misses >= 0 ? misses : fps) + 1];
      res.cases.forEach((c, i) => {
        const v = res.envtrace[i]!;
        const bad = misses >= 0 ? c.label && v.hits < v.units : !c.label && v.flagged;
        if (bad && (!fam || c.family === fam || fam === "all"))
          console.log(
            `${c.source} ${c.family} ${c.rule ?? ""} [${[...new Set(scanText(c.text).map((m) => m.ruleId))].join(",")}] ${JSON.stringify(c.text.slice(0, 300))}`,
          );
      });
    } else {
      report(res);
      console.log("");
      printFigures(await bench(res));
    }
  }
}
