/**
 * GitHub Actions steps. The runner's worker (`Runner.Worker`) starts each step's process with the env
 * context of the step (actions/runner `ActionRunner.cs`: workflow and job `env:` plus every `$GITHUB_ENV`
 * write of earlier steps, `FileCommandManager.cs` `SetEnvFileCommand`; then the step's own `env:`), and the
 * default `GITHUB_*` / `RUNNER_*` variables, which `env:` cannot override (docs, variables reference).
 * Precedence, highest first: defaults, step `env:`, `$GITHUB_ENV` of earlier steps (later wins), job
 * `env:`, workflow `env:`.
 *
 * The runner deletes an earlier step's `$GITHUB_ENV` file when the next step starts, so its lines are
 * read from what remains in `_runner_file_commands/` (rare) and, statically, from the `run:` scripts of
 * earlier steps (`echo "NAME=value" >> "$GITHUB_ENV"`, file:line, likely). `${{ secrets.X }}` and
 * `${{ vars.X }}` on an `env:` line are reported as such (mechanisms `github-secret` / `github-variable`),
 * never with a value: a secret's value is withheld from every output.
 */
import * as path from "node:path";
import type { Confidence, EnvEntry, ShadowedValue } from "../../model/index.js";
import { listDir, readText, where } from "../lib/host.js";
import {
  defineResolver,
  type ResolveRequest,
  type ResolverAnswer,
  type ResolverContext,
} from "../resolver.js";
import {
  ciAnswer,
  envGetter,
  GITHUB_DEFAULTS,
  GITHUB_DOCUMENTED,
  isJobBoundary,
  isSystemName,
  sourceLabel,
  WITHHELD_NOTE,
} from "./common.js";
import { type CiOptions, detectCiContext, type GithubContext } from "./context.js";
import { parseGithubEnvFile } from "./github-env-file.js";
import {
  currentStep,
  type GithubEnvDef,
  type GithubJob,
  type GithubStep,
  type GithubWorkflow,
  parseGithubWorkflow,
  type StaticEnvWrite,
  staticEnvWrites,
  stepLabel,
} from "./github-workflow.js";

interface FileWrite {
  key: string;
  value: string;
  file: string;
  line: number;
  mtimeMs: number;
}

interface StepView {
  ctx: GithubContext;
  workflow: GithubWorkflow | null;
  job: GithubJob | undefined;
  step: GithubStep | undefined;
  /** Earlier steps' writes found in their scripts, latest first. */
  writes: StaticEnvWrite[];
  /** Entries of `set_env_*` files left in the runner's file-command directory, latest first. */
  files: FileWrite[];
}

async function leftoverEnvFiles(ctx: ResolverContext, current: string): Promise<FileWrite[]> {
  const dir = path.posix.dirname(current);
  const out: FileWrite[] = [];
  for (const name of await listDir(ctx, dir)) {
    if (!name.startsWith("set_env_") || name === path.posix.basename(current)) continue;
    const file = path.posix.join(dir, name);
    const text = await readText(ctx, file);
    if (text === undefined) continue;
    let mtimeMs = 0;
    try {
      mtimeMs = (await ctx.fs.stat(file)).mtimeMs;
    } catch {
      // Ordering only.
    }
    const parsed = parseGithubEnvFile(text);
    if (parsed.error)
      ctx.report({
        subject: where(file, parsed.error.line),
        code: "PARSE",
        detail: `the runner rejects this $GITHUB_ENV line (${parsed.error.reason}) and applies nothing after it`,
      });
    for (const e of parsed.entries) out.push({ key: e.key, value: e.value, file, line: e.line, mtimeMs });
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs || b.line - a.line);
}

async function loadView(
  req: ResolveRequest,
  ctx: ResolverContext,
  opts: CiOptions,
): Promise<StepView | null> {
  const env = req.receiver.env;
  if (!env) return null;
  const c = detectCiContext(env, opts);
  if (c?.provider !== "github") return null;
  const key = `ci-github\0${c.workflowFile ?? ""}\0${c.job ?? ""}\0${c.action ?? ""}\0${c.envFile ?? ""}`;
  return ctx.memo(key, async () => {
    let workflow: GithubWorkflow | null = null;
    if (c.workflowFile) {
      const text = await readText(ctx, c.workflowFile);
      if (text === undefined)
        ctx.report({
          subject: c.workflowFile,
          code: "ENOENT",
          detail:
            "workflow file not in the workspace (no checkout of its repository?): env: lines cannot be attributed",
        });
      else {
        const parsed = await parseGithubWorkflow(text, c.workflowFile);
        workflow = parsed.workflow;
        if (parsed.errors.length > 0)
          ctx.report({
            subject: c.workflowFile,
            code: "PARSE",
            detail: `malformed workflow (${parsed.errors.slice(0, 3).join("; ")})`,
          });
      }
    } else if (c.workflowPath) {
      ctx.report({
        subject: c.workflowPath,
        code: "UNSUPPORTED",
        detail: `the workflow belongs to ${c.workflowRepo}, not the checked-out repository: pass --ci-file`,
      });
    }
    const job = workflow && c.job ? workflow.jobs.get(c.job) : undefined;
    if (workflow && c.job && !job)
      ctx.report({
        subject: c.workflowFile ?? "workflow",
        code: "ENOENT",
        detail: `job ${c.job} is not in the workflow: only workflow-level env: is compared`,
      });
    const step = job ? currentStep(job, c.action) : undefined;
    const earlier = job ? job.steps.slice(0, step ? step.index : job.steps.length) : [];
    const writes = workflow ? staticEnvWrites(workflow, earlier).reverse() : [];
    const files = c.envFile ? await leftoverEnvFiles(ctx, c.envFile) : [];
    return { ctx: c, workflow, job, step, writes, files };
  });
}

function envLabel(d: GithubEnvDef, job: string | undefined): string {
  const at = where(d.file, d.line);
  if (d.level === "step" && d.step) return `env: of ${stepLabel(d.step, job ?? "?")} at ${at}`;
  if (d.level === "job") return `env: of job ${job ?? "?"} at ${at}`;
  return `workflow-level env: at ${at}`;
}

type Candidate =
  | { type: "env"; def: GithubEnvDef }
  | { type: "file"; write: FileWrite }
  | { type: "static"; write: StaticEnvWrite };

function candidateValue(c: Candidate): string | null {
  if (c.type === "env") return c.def.expr ? null : c.def.raw;
  return c.write.value;
}

function shadowOf(c: Candidate, view: StepView): ShadowedValue {
  const job = view.job?.id;
  const conf: Confidence = c.type === "static" ? "likely" : "certain";
  if (c.type === "env") {
    const mech =
      c.def.expr?.kind === "secret"
        ? "github-secret"
        : c.def.expr?.kind === "variable"
          ? "github-variable"
          : "github-env";
    return {
      value: c.def.raw,
      attribution: {
        kind: "ci",
        mechanism: mech,
        location: { file: c.def.file, line: c.def.line },
        confidence: conf,
        evidence: [envLabel(c.def, job)],
      },
    };
  }
  if (c.type === "file")
    return {
      value: c.write.value,
      attribution: {
        kind: "ci",
        mechanism: "github-env-file",
        location: { file: c.write.file, line: c.write.line },
        confidence: conf,
        evidence: ["a $GITHUB_ENV file of an earlier step"],
      },
    };
  return {
    value: c.write.value ?? "(computed)",
    attribution: {
      kind: "ci",
      mechanism: "github-env-file",
      location: { file: view.workflow?.file ?? "workflow", line: c.write.line },
      confidence: conf,
      evidence: [`written to $GITHUB_ENV by ${stepLabel(c.write.step, job ?? "?")}`],
    },
  };
}

function answerFor(c: Candidate, view: StepView, above: boolean): ResolverAnswer {
  const job = view.job?.id;
  if (c.type === "file") {
    return ciAnswer(
      "github-env-file",
      "certain",
      [
        `an earlier step wrote it to $GITHUB_ENV; the runner applied ${where(c.write.file, c.write.line)} to the following steps`,
      ],
      { file: c.write.file, line: c.write.line },
    );
  }
  if (c.type === "static") {
    const w = c.write;
    const file = view.workflow!.file;
    const ev = [
      `${stepLabel(w.step, job ?? "?")} writes it to $GITHUB_ENV at ${where(file, w.line)} (static reading of the run: script${w.value === null ? "; the value is computed there" : ""})`,
    ];
    if (w.step.conditional) ev.push("that step has an if: condition");
    return ciAnswer("github-env-file", "likely", ev, { file, line: w.line });
  }
  const d = c.def;
  // A job/workflow expression could still have been replaced by an unseen $GITHUB_ENV write: likely.
  const conf: Confidence = d.level === "step" || !above ? "certain" : "likely";
  if (d.expr?.kind === "secret") {
    const a = ciAnswer(
      "github-secret",
      conf,
      [
        `${envLabel(d, job)} reads ${d.expr.names.length ? d.expr.names.map((n) => `secrets.${n}`).join(", ") : "the secrets context"}: a repository, environment or organization secret (or GITHUB_TOKEN)`,
      ],
      { file: d.file, line: d.line },
    );
    a.notes = [`${WITHHELD_NOTE}: GitHub Actions secret; envtrace never prints its value`];
    return a;
  }
  if (d.expr?.kind === "variable")
    return ciAnswer(
      "github-variable",
      conf,
      [
        `${envLabel(d, job)} reads ${d.expr.names.map((n) => `vars.${n}`).join(", ")}: a configuration variable of the repository, environment or organization`,
      ],
      { file: d.file, line: d.line },
    );
  if (d.expr)
    return ciAnswer(
      "github-env",
      conf === "certain" ? "likely" : conf,
      [`${envLabel(d, job)}, computed by a \${{ }} expression (not evaluated)`],
      { file: d.file, line: d.line },
    );
  return ciAnswer("github-env", "certain", [envLabel(d, job)], { file: d.file, line: d.line });
}

function decide(view: StepView, key: string, entry: EnvEntry): ResolverAnswer | null {
  const value = entry.value;
  const job = view.job;
  const all: Candidate[] = [];
  const stepDef = view.step?.env.get(key);
  if (stepDef) all.push({ type: "env", def: stepDef });
  for (const w of view.files) if (w.key === key) all.push({ type: "file", write: w });
  for (const w of view.writes)
    if (w.key === key && w.target === "env") all.push({ type: "static", write: w });
  const jobDef = job?.env.get(key);
  if (jobDef) all.push({ type: "env", def: jobDef });
  const wfDef = view.workflow?.env.get(key);
  if (wfDef) all.push({ type: "env", def: wfDef });

  // Defaults first: the runner ignores env: assignments to them.
  const documented = GITHUB_DOCUMENTED.has(key);
  const known = GITHUB_DEFAULTS.names.has(key);
  const pattern = known ? undefined : GITHUB_DEFAULTS.patterns.find((p) => p.re.test(key));
  if (known || pattern) {
    const src = sourceLabel(GITHUB_DEFAULTS.source);
    const a = ciAnswer("github-default", documented ? "certain" : "likely", [
      documented
        ? `a default variable the runner sets for every step (${src})`
        : known
          ? `set by the Actions runner for steps and actions (not in the documented table; ${src})`
          : `${pattern!.what}`,
    ]);
    const sh = all.map((c) => shadowOf(c, view));
    if (sh.length) {
      a.shadowed = sh;
      a.notes = ["GitHub ignores env: and $GITHUB_ENV assignments to default variables"];
    }
    return a;
  }

  if (isSystemName(key) && all.length === 0) return null;

  let winner = -1;
  for (let i = 0; i < all.length; i++) {
    const c = all[i]!;
    const v = candidateValue(c);
    if (v === null || v === value) {
      winner = i;
      break;
    }
  }
  if (winner >= 0) {
    const a = answerFor(all[winner]!, view, winner > 0 || view.writes.some((w) => w.key === key));
    const sh = all.slice(winner + 1).map((c) => shadowOf(c, view));
    if (sh.length) a.shadowed = sh;
    const skipped = all.slice(0, winner);
    if (skipped.length)
      a.notes = [
        ...(a.notes ?? []),
        ...skipped.map(
          (c) =>
            `${shadowOf(c, view).attribution.evidence[0]} assigns another value, which this step did not receive`,
        ),
      ];
    return a;
  }
  const uses = (job?.steps ?? [])
    .filter((s) => s.uses && (!view.step || s.index < view.step.index))
    .map((s) => stepLabel(s, job!.id));
  if (all.length > 0 || view.workflow) {
    const why = all.length
      ? "the step received another value than the workflow assigns: an earlier step changed it at run time through $GITHUB_ENV (an action's core.exportVariable, or a script line envtrace could not read)"
      : `set by the runner for this step but in no env: of ${view.workflow ? view.workflow.file : "the workflow"}: an earlier step wrote it to $GITHUB_ENV`;
    const ev = [why];
    if (uses.length) ev.push(`earlier steps that run actions: ${uses.join("; ")}`);
    const a = ciAnswer("github-env-file", "possible", ev);
    const sh = all.map((c) => shadowOf(c, view));
    if (sh.length) a.shadowed = sh;
    return a;
  }
  return null;
}

export function createGithubResolver(opts: CiOptions = {}) {
  return defineResolver({
    meta: {
      id: "ci-github",
      kind: "ci",
      description:
        "GitHub Actions steps: default GITHUB_*/RUNNER_* variables, env: at workflow, job and step level (file:line), $GITHUB_ENV writes of earlier steps, secrets/vars expressions (values withheld).",
    },
    matches(req: ResolveRequest) {
      if (opts.ci && opts.ci !== "github") return false;
      const get = envGetter(req.receiver);
      if (!opts.ci && get("GITHUB_ACTIONS") !== "true") return false;
      return isJobBoundary(req, "github", opts);
    },
    async resolve(req: ResolveRequest, ctx: ResolverContext) {
      const out = new Map<string, ResolverAnswer>();
      const view = await loadView(req, ctx, opts);
      if (!view) return out;
      for (const [key, entry] of req.keys) {
        const a = decide(view, key, entry);
        if (a) out.set(key, a);
      }
      return out;
    },
  });
}

export default createGithubResolver();
