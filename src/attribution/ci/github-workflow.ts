/**
 * A GitHub Actions workflow file, read for what sets a step's environment (actions/runner: the env
 * context is the workflow and job `env:` plus what earlier steps wrote to `$GITHUB_ENV`, and the step's
 * own `env:` is applied over it; default `GITHUB_*`/`RUNNER_*` variables cannot be overridden):
 *
 * - `env:` at workflow, job and step level, with file:line of each key; a value that is a `${{ … }}`
 *   expression is classified (`secrets.X`, `vars.X`, anything else) and never evaluated;
 * - the steps of each job in order, with the source lines of their `run:` scripts, so that
 *   `echo "NAME=value" >> "$GITHUB_ENV"` (and `NAME<<EOF`, `$GITHUB_PATH`) lines of earlier steps can be
 *   found with their file:line — a static reading: the script may not have run that line.
 */
import { splitLines } from "../lib/host.js";
import { get, type PosMap, type PosValue, parseYamlWithPositions, scalar } from "./yaml-pos.js";

export type GithubExprKind = "secret" | "variable" | "expression";

export interface GithubEnvDef {
  key: string;
  /** The written text (an expression stays as written). */
  raw: string;
  file: string;
  line: number;
  level: "workflow" | "job" | "step";
  /** Set when the value holds `${{ … }}`: the kind of the strongest reference and the names it reads. */
  expr?: { kind: GithubExprKind; names: string[] };
  step?: GithubStep;
}

export interface GithubStep {
  /** 0-based position in the job. */
  index: number;
  id?: string;
  name?: string;
  uses?: string;
  line: number;
  env: Map<string, GithubEnvDef>;
  /** Source lines of the `run:` value (first..last), when the step runs a script. */
  run?: { first: number; last: number };
  conditional: boolean;
}

export interface GithubJob {
  id: string;
  line: number;
  env: Map<string, GithubEnvDef>;
  steps: GithubStep[];
}

export interface GithubWorkflow {
  file: string;
  env: Map<string, GithubEnvDef>;
  jobs: Map<string, GithubJob>;
  lines: string[];
}

/** Classifies a value with `${{ … }}`: secrets over vars over any other expression. */
export function classifyExpression(raw: string): { kind: GithubExprKind; names: string[] } | undefined {
  const exprs = [...raw.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!);
  if (exprs.length === 0) return undefined;
  const names = (re: RegExp) => exprs.flatMap((e) => [...e.matchAll(re)].map((m) => m[1]!));
  const secrets = names(/\bsecrets\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)|\bsecrets\s*\[\s*'([^']+)'\s*\]/g).filter(
    Boolean,
  );
  if (secrets.length > 0 || exprs.some((e) => /\bsecrets\b/.test(e)))
    return { kind: "secret", names: secrets };
  const vars = names(/\bvars\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g);
  if (vars.length > 0) return { kind: "variable", names: vars };
  return { kind: "expression", names: [] };
}

function envOf(
  m: PosValue | undefined,
  level: GithubEnvDef["level"],
  step?: GithubStep,
): Map<string, GithubEnvDef> {
  const out = new Map<string, GithubEnvDef>();
  if (m?.kind !== "map") return out;
  for (const [k, v] of m.entries) {
    if (v.kind !== "scalar") continue;
    const raw = v.value ?? "";
    const d: GithubEnvDef = { key: k, raw, file: v.file, line: m.keyLines.get(k) ?? v.line, level };
    const expr = classifyExpression(raw);
    if (expr) d.expr = expr;
    if (step) d.step = step;
    out.set(k, d);
  }
  return out;
}

/** Parses a workflow; null root when malformed (the caller reports `errors`). */
export async function parseGithubWorkflow(
  text: string,
  file: string,
): Promise<{ workflow: GithubWorkflow | null; errors: string[] }> {
  const parsed = await parseYamlWithPositions(text, file);
  const root = parsed.root;
  if (root?.kind !== "map" || !root.entries.has("jobs")) {
    return { workflow: null, errors: parsed.errors.length ? parsed.errors : ["not a workflow (no jobs:)"] };
  }
  const jobs = new Map<string, GithubJob>();
  const jm = root.entries.get("jobs");
  if (jm?.kind === "map") {
    for (const [id, j] of jm.entries) {
      if (j.kind !== "map") continue;
      const steps: GithubStep[] = [];
      const sv = j.entries.get("steps");
      if (sv?.kind === "seq") {
        sv.items.forEach((s, index) => {
          if (s.kind !== "map") return;
          const step: GithubStep = { index, line: s.line, env: new Map(), conditional: s.entries.has("if") };
          const sid = scalar(s.entries.get("id"));
          if (sid) step.id = sid;
          const name = scalar(s.entries.get("name"));
          if (name) step.name = name;
          const uses = scalar(s.entries.get("uses"));
          if (uses) step.uses = uses;
          const run = s.entries.get("run");
          if (run?.kind === "scalar")
            step.run = {
              first: (s as PosMap).keyLines.get("run") ?? run.line,
              last: run.endLine ?? run.line,
            };
          step.env = envOf(s.entries.get("env"), "step", step);
          steps.push(step);
        });
      }
      jobs.set(id, { id, line: jm.keyLines.get(id) ?? j.line, env: envOf(get(j, "env"), "job"), steps });
    }
  }
  return {
    workflow: { file, env: envOf(root.entries.get("env"), "workflow"), jobs, lines: splitLines(text) },
    errors: parsed.errors,
  };
}

/** The step GITHUB_ACTION names: a step id, or `__run` / `__run_N` for the N-th `run:` step without an id. */
export function currentStep(job: GithubJob, action: string | undefined): GithubStep | undefined {
  if (!action) return undefined;
  const byId = job.steps.find((s) => s.id === action);
  if (byId) return byId;
  const m = /^__run(?:_(\d+))?$/.exec(action);
  if (m) {
    const n = m[1] ? Number(m[1]) : 1;
    return job.steps.filter((s) => s.run && !s.id)[n - 1];
  }
  return undefined;
}

export interface StaticEnvWrite {
  key: string;
  /** The literal value written, or null when the line computes it (`$VAR`, `$(cmd)`, heredoc). */
  value: string | null;
  line: number;
  step: GithubStep;
  target: "env" | "path";
}

const ENV_WRITE =
  /(?:echo|printf)\s+(?:-[a-zA-Z]+\s+)*(["']?)([A-Za-z_][A-Za-z0-9_]*)(=|<<)(.*?)\1\s*>>\s*["']?\$\{?GITHUB_ENV\}?/;
const PATH_WRITE = /(?:echo|printf)\s+(?:-[a-zA-Z]+\s+)*(["']?)([^"'>]+?)\1\s*>>\s*["']?\$\{?GITHUB_PATH\}?/;

/** `$GITHUB_ENV` / `$GITHUB_PATH` writes found in the `run:` scripts of `steps`, in file order. */
export function staticEnvWrites(wf: GithubWorkflow, steps: readonly GithubStep[]): StaticEnvWrite[] {
  const out: StaticEnvWrite[] = [];
  for (const step of steps) {
    if (!step.run) continue;
    for (let l = step.run.first; l <= step.run.last; l++) {
      const text = wf.lines[l - 1] ?? "";
      if (!text.includes("GITHUB_ENV") && !text.includes("GITHUB_PATH")) continue;
      const m = ENV_WRITE.exec(text);
      if (m) {
        const literal = m[3] === "=" && !/[$`\\]/.test(m[4]!) ? m[4]! : null;
        out.push({ key: m[2]!, value: literal, line: l, step, target: "env" });
        continue;
      }
      const p = PATH_WRITE.exec(text);
      if (p)
        out.push({
          key: "PATH",
          value: /[$`\\]/.test(p[2]!) ? null : p[2]!.trim(),
          line: l,
          step,
          target: "path",
        });
    }
  }
  return out;
}

export function stepLabel(s: GithubStep, job: string): string {
  const what = s.name ? `'${s.name}'` : s.id ? `'${s.id}'` : s.uses ? `uses ${s.uses}` : "run";
  return `step ${s.index + 1} ${what} of job ${job}`;
}
