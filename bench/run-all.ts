/**
 * `npm run bench`: runs the bench modules (each exports `bench(): Promise<Figure[]>`) one after the other
 * and writes docs/BENCHMARKS.md — every figure next to its anchor from the same run, the ratio, the target
 * with PASS/MISS, the RSS, and for a miss what bounds it — with the machine (CPU, cores, memory, kernel,
 * Node) and the date.
 *
 *   npx tsx bench/run-all.ts                 # every bench below
 *   npx tsx bench/run-all.ts go-modcache …   # only these; the other sections of the file are kept
 *
 * The list is explicit (sorted); a bench script that exports `bench()` but is missing here is reported.
 * A bench that throws is recorded as failed and the run goes on. Benches run sequentially: on a shared
 * machine, running them in parallel would make each one's figures meaningless.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { fileURLToPath } from "node:url";
import { type Figure, printFigures } from "./lib.js";

/** Every bench module with a `bench()` export, by file name (without .ts), sorted. */
export const BENCHES = [
  "agent",
  "audit-chain",
  "audit-syslog",
  "explain-one",
  "go-modcache",
  "k8s-offline",
  "policy-cel",
  "policy-check",
  "record",
  "redact-throughput",
  "report-render",
  "runtime-env-read",
  "runtime-middleware",
  "runtime-startup",
  "scan-all",
  "secrets-peers",
  "webhook",
] as const;

const here = new URL(".", import.meta.url);
const DOC = fileURLToPath(new URL("../docs/BENCHMARKS.md", import.meta.url));

interface Section {
  name: string;
  when: string;
  seconds: number;
  figures?: Figure[];
  error?: string;
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  return `${model}, ${os.availableParallelism()} cores (${cpus.length} CPUs), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

const num = (v: number) =>
  !Number.isFinite(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2);
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function render(s: Section, host: string): string {
  const out = [`<!-- bench:${s.name} -->`, `### ${s.name}`, ""];
  out.push(`\`bench/${s.name}.ts\`, ${s.when}, ${s.seconds.toFixed(0)} s; ${host}`, "");
  if (s.error) {
    out.push(`**Failed:** ${cell(s.error)}`);
  } else {
    out.push("| Figure | Value | Anchor (same run) | Ratio | Target | Result | RSS |");
    out.push("|---|---:|---|---:|---|---|---:|");
    for (const f of s.figures ?? []) {
      const ratio = f.anchorValue ? `${(f.value / f.anchorValue).toFixed(2)}×` : "—";
      out.push(
        `| ${cell(f.name)} | ${num(f.value)} ${cell(f.unit)} | ${cell(f.anchor)}: ${num(f.anchorValue)} ${cell(f.unit)} | ${ratio} | ${cell(f.target)} | ${f.pass ? "PASS" : "**MISS**"} | ${f.rssMB.toFixed(0)} MB |`,
      );
    }
    const notes = (s.figures ?? []).filter((f) => !f.pass && f.note);
    if (notes.length > 0) {
      out.push("");
      for (const f of notes) out.push(`- *${cell(f.name)}* — ${cell(f.note!)}`);
    }
  }
  out.push(`<!-- /bench:${s.name} -->`);
  return out.join("\n");
}

/** The sections already in the file, by bench name (kept when only some benches run). */
function previous(): Map<string, string> {
  const m = new Map<string, string>();
  if (!existsSync(DOC)) return m;
  const text = readFileSync(DOC, "utf8");
  for (const x of text.matchAll(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g)) m.set(x[1]!, x[0]);
  return m;
}

function unlisted(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith(".ts") && f !== "run-all.ts" && f !== "lib.ts")
    .map((f) => f.slice(0, -3))
    .filter((n) => !(BENCHES as readonly string[]).includes(n))
    .filter((n) =>
      /export\s+async\s+function\s+bench\s*\(/.test(readFileSync(new URL(`${n}.ts`, here), "utf8")),
    );
}

export async function runAll(names: readonly string[]): Promise<Section[]> {
  const host = machine();
  const sections: Section[] = [];
  for (const name of names) {
    const t0 = performance.now();
    const when = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    process.stderr.write(`\n== ${name} (load average ${os.loadavg()[0]!.toFixed(1)})\n`);
    try {
      const mod = (await import(`./${name}.ts`)) as { bench?: () => Promise<Figure[]> };
      if (typeof mod.bench !== "function") throw new Error("exports no bench()");
      const figures = await mod.bench();
      printFigures(figures);
      sections.push({ name, when, seconds: (performance.now() - t0) / 1000, figures });
    } catch (err) {
      const error = err instanceof Error ? err.message.split("\n")[0]! : String(err);
      process.stderr.write(`${name}: failed: ${error}\n`);
      sections.push({ name, when, seconds: (performance.now() - t0) / 1000, error });
    }
  }
  const kept = previous();
  for (const s of sections) kept.set(s.name, render(s, host));
  const order = [...kept.keys()].sort();
  // The totals cover every section in the file (a run of some benches keeps the others' sections).
  const rows = order.flatMap((n) => kept.get(n)!.split("\n")).filter((l) => l.startsWith("| "));
  const pass = rows.filter((l) => l.includes("| PASS |")).length;
  const miss = rows.filter((l) => l.includes("| **MISS** |")).length;
  const failed = order.filter((n) => kept.get(n)!.includes("**Failed:**")).length;
  const ran = sections.map((s) => s.name).join(", ");
  const doc = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (`bench/run-all.ts`); each section says when and where it ran. Every figure",
    "stands next to its anchor measured in the same run; targets are benchmarks, never timed tests. Figures",
    "from a shared machine vary with its load (see each bench's notes on CPU time against wall time).",
    "",
    `Last run: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} on ${host} (${ran}). In the whole file: ${pass} of ${pass + miss} figures PASS, ${failed} bench(es) failed.`,
    "",
    ...order.map((n) => `${kept.get(n)!}\n`),
  ].join("\n");
  writeFileSync(DOC, doc);
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !(BENCHES as readonly string[]).includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown bench(es): ${unknown.join(", ")}; known: ${BENCHES.join(", ")}\n`);
    process.exit(2);
  }
  const missing = unlisted();
  if (missing.length > 0)
    process.stderr.write(
      `bench/run-all.ts: these export bench() but are not listed: ${missing.join(", ")}\n`,
    );
  const sections = await runAll(args.length > 0 ? args : BENCHES);
  process.stderr.write(`\nwrote ${DOC}\n`);
  process.exitCode = sections.some((s) => s.error) ? 1 : 0;
}
