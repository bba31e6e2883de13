/**
 * A `.gitlab-ci.yml` read the way GitLab assembles it, as far as the variables of one job go:
 *
 * - `include:` entries that are local (`include: file.yml`, `- local: /path`, globs `*` in the last
 *   segment) are read from the checkout, recursively (at most 150 files, cycles skipped); included
 *   content is deep-merged under the including file, which wins. `project:`, `remote:`, `template:`,
 *   `component:` includes cannot be read here: a CollectionIssue says so. `rules:` on an include are not
 *   evaluated (the file is read; answers from it say so).
 * - top-level `variables:` (the defaults for every job) and job-level `variables:`, a job's value
 *   shadowing the top-level one; `inherit: variables: false | [names]`;
 * - `extends:` (string or list, depth ≤ 11): hashes deep-merged, later parents over earlier, the job over
 *   all; YAML anchors, aliases and merge keys (positions kept at the anchored line, see yaml-pos.ts);
 * - `!reference [.x, variables]` inside `variables:`;
 * - `parallel: matrix:` variables of the job;
 * - `artifacts:reports:dotenv` of the jobs that pass their dotenv to this one (`needs:`, else
 *   `dependencies:`, else every job of an earlier stage).
 *
 * Every file:line points at the line that wrote the variable's key.
 */
import * as path from "node:path";
import type { CollectionIssue } from "../../model/index.js";
import { globMatch, listDir, readText } from "../lib/host.js";
import type { ResolverContext } from "../resolver.js";
import {
  deepMerge,
  get,
  type PosMap,
  type PosValue,
  parseYamlWithPositions,
  scalar,
  stringList,
} from "./yaml-pos.js";

export interface GitlabVarDef {
  key: string;
  /** The written value; null when it is not a scalar. */
  raw: string | null;
  /** `expand: false` keeps `$` references literal. */
  expand: boolean;
  file: string;
  line: number;
  /** Where it sits: `variables:` (top level), job `x`, `.template` via extends, `parallel:matrix`. */
  level: "default" | "job" | "matrix";
  /** The job or template whose `variables:` held it (for job level), or the include that brought it. */
  via?: string;
}

export interface GitlabJob {
  name: string;
  file: string;
  line: number;
  stage: string;
  /** Job variables after extends, each with where it was written. */
  variables: Map<string, GitlabVarDef>;
  /** Job-level definitions of the same key that extends/merging replaced (outermost first). */
  overridden: Map<string, GitlabVarDef[]>;
  matrix: Map<string, GitlabVarDef[]>;
  /** `inherit: variables:` — true (all), false, or the names inherited. */
  inheritVariables: boolean | string[];
  needs?: string[];
  dependencies?: string[];
  dotenv: Array<{ path: string; file: string; line: number }>;
}

export interface GitlabPipeline {
  /** Every file read, main first. */
  files: string[];
  /** Top-level `variables:` after includes. */
  defaults: Map<string, GitlabVarDef>;
  /** Top-level definitions replaced by an including file. */
  defaultsOverridden: Map<string, GitlabVarDef[]>;
  stages: string[];
  /** Names of jobs (hidden `.x` templates excluded). */
  jobNames: string[];
  job(name: string): GitlabJob | undefined;
  /** The same without reporting problems (jobs other than the one explained). */
  jobQuiet(name: string): GitlabJob | undefined;
  /** Includes that could not be read (not local, missing); answers mention them. */
  unreadIncludes: string[];
  /** Includes that carry `rules:` (their content may not be part of this pipeline). */
  conditionalIncludes: string[];
}

const RESERVED = new Set([
  "default",
  "include",
  "stages",
  "variables",
  "workflow",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
  "spec",
  "pages:deploy",
]);
const DEFAULT_STAGES = ["build", "test", "deploy"];
const MAX_FILES = 150;
const MAX_EXTENDS_DEPTH = 11;

interface Loaded {
  merged: PosMap;
  files: string[];
  defaultsOverridden: Map<string, GitlabVarDef[]>;
  unread: string[];
  conditional: string[];
}

async function loadFile(
  ctx: ResolverContext,
  file: string,
  projectDir: string,
  seen: Set<string>,
  out: Loaded,
  report: (i: CollectionIssue) => void,
): Promise<PosMap | null> {
  if (seen.has(file)) return null;
  if (seen.size >= MAX_FILES) {
    report({ subject: file, code: "TOO_LARGE", detail: `more than ${MAX_FILES} included files: not read` });
    return null;
  }
  seen.add(file);
  const text = await readText(ctx, file);
  if (text === undefined) {
    report({
      subject: file,
      code: "ENOENT",
      detail: "GitLab CI file not found: its variables cannot be attributed",
    });
    return null;
  }
  out.files.push(file);
  const parsed = await parseYamlWithPositions(text, file);
  if (parsed.errors.length > 0) {
    report({
      subject: file,
      code: "PARSE",
      detail: `not valid YAML (${parsed.errors.slice(0, 3).join("; ")})`,
    });
  }
  const root = parsed.root;
  if (root?.kind !== "map") {
    if (parsed.errors.length === 0)
      report({
        subject: file,
        code: "PARSE",
        detail: "not a GitLab CI configuration (the top level is not a mapping)",
      });
    return null;
  }
  // Includes first: the including file's own keys win over what it includes.
  let base: PosMap | null = null;
  const inc = root.entries.get("include");
  const entries: PosValue[] = !inc ? [] : inc.kind === "seq" ? inc.items : [inc];
  for (const e of entries) {
    let local: string | undefined;
    let conditional = false;
    if (e.kind === "scalar" && e.value) {
      if (/^https?:\/\//.test(e.value)) {
        out.unread.push(e.value);
        report({
          subject: `${file}:${e.line}`,
          code: "UNSUPPORTED",
          detail: `remote include ${e.value} is not read: variables it defines stay unattributed`,
        });
        continue;
      }
      local = e.value;
    } else if (e.kind === "map") {
      local = scalar(e.entries.get("local")) ?? undefined;
      conditional = e.entries.has("rules");
      if (!local) {
        const what =
          ["project", "remote", "template", "component", "artifact"].find((k) => e.entries.has(k)) ??
          "include";
        const name = scalar(e.entries.get(what)) ?? what;
        out.unread.push(`${what}: ${name}`);
        report({
          subject: `${file}:${e.line}`,
          code: "UNSUPPORTED",
          detail: `${what} include ${name} is not in the checkout: variables it defines stay unattributed`,
        });
        continue;
      }
    }
    if (!local) continue;
    for (const f of await expandLocal(ctx, projectDir, local)) {
      if (conditional) out.conditional.push(f);
      const sub = await loadFile(ctx, f, projectDir, seen, out, report);
      if (sub) base = base ? mergeTop(base, sub, out) : sub;
    }
  }
  root.entries.delete("include");
  return base ? mergeTop(base, root, out) : root;
}

/** Deep merge of two configuration files, remembering the top-level variables the upper one replaced. */
function mergeTop(base: PosMap, over: PosMap, out: Loaded): PosMap {
  const bv = base.entries.get("variables");
  const ov = over.entries.get("variables");
  if (bv?.kind === "map" && ov?.kind === "map") {
    for (const [k, v] of bv.entries) {
      if (!ov.entries.has(k)) continue;
      const list = out.defaultsOverridden.get(k) ?? [];
      const d = varDef(k, v, bv.keyLines.get(k) ?? v.line, "default");
      if (d) list.push(d);
      out.defaultsOverridden.set(k, list);
    }
  }
  return deepMerge(base, over);
}

async function expandLocal(ctx: ResolverContext, projectDir: string, p: string): Promise<string[]> {
  const abs = path.posix.join(projectDir, p.replace(/^\/+/, ""));
  if (!p.includes("*")) return [abs];
  // Globs: `*` in the last segment (the common `/ci/*.yml`); `**` is read as `*` here.
  const dir = path.posix.dirname(abs);
  const pat = path.posix.basename(abs).replace(/\*\*/g, "*");
  return (await listDir(ctx, dir)).filter((n) => globMatch(pat, n)).map((n) => path.posix.join(dir, n));
}

function varDef(
  key: string,
  v: PosValue,
  line: number,
  level: GitlabVarDef["level"],
  via?: string,
): GitlabVarDef | null {
  let raw: string | null = null;
  let expand = true;
  if (v.kind === "scalar") raw = v.value ?? "";
  else if (v.kind === "map") {
    // `VAR: { value: …, description: …, expand: false, options: […] }`
    const val = v.entries.get("value");
    raw = val?.kind === "scalar" ? (val.value ?? "") : null;
    if (scalar(v.entries.get("expand")) === "false") expand = false;
  } else return null;
  const d: GitlabVarDef = { key, raw, expand, file: v.file, line, level };
  if (via) d.via = via;
  return d;
}

/** Resolves `!reference [.job, key, …]` against the merged configuration. */
function dereference(top: PosMap, v: PosValue | undefined, depth = 0): PosValue | undefined {
  if (v?.tag !== "!reference" || v.kind !== "seq" || depth > 10) return v;
  let cur: PosValue | undefined = top;
  for (const part of v.items) {
    if (part.kind !== "scalar" || part.value === null) return undefined;
    cur = get(cur, part.value);
    cur = dereference(top, cur, depth + 1);
  }
  return cur;
}

function variablesOf(
  top: PosMap,
  holder: PosValue | undefined,
  level: GitlabVarDef["level"],
  via?: string,
): Map<string, GitlabVarDef> {
  const out = new Map<string, GitlabVarDef>();
  const vars = dereference(top, get(holder, "variables"));
  if (vars?.kind !== "map") return out;
  for (const [k, v0] of vars.entries) {
    const v = dereference(top, v0);
    if (!v) continue;
    const d = varDef(k, v, vars.keyLines.get(k) ?? v.line, level, via);
    if (d) out.set(k, d);
  }
  return out;
}

/** The job with its `extends:` chain applied; the definitions each level replaced are kept. */
function resolveJob(top: PosMap, name: string, report: (i: CollectionIssue) => void): GitlabJob | undefined {
  const node = top.entries.get(name);
  if (node?.kind !== "map") return undefined;
  const variables = new Map<string, GitlabVarDef>();
  const overridden = new Map<string, GitlabVarDef[]>();
  const put = (d: GitlabVarDef) => {
    const prev = variables.get(d.key);
    if (prev) overridden.set(d.key, [...(overridden.get(d.key) ?? []), prev]);
    variables.set(d.key, d);
  };
  // Apply parents first (depth-first, in list order), then the job itself.
  let merged: PosMap = { ...node, entries: new Map(), keyLines: new Map() };
  const visit = (n: string, m: PosMap, depth: number, trail: string[]) => {
    if (depth > MAX_EXTENDS_DEPTH || trail.includes(n)) {
      report({
        subject: `${m.file}:${m.line}`,
        code: "CYCLE",
        detail: `extends of ${name} loops or is deeper than ${MAX_EXTENDS_DEPTH}: stopped at ${n}`,
      });
      return;
    }
    for (const parent of stringList(get(m, "extends"))) {
      const p = top.entries.get(parent);
      if (p?.kind !== "map") {
        report({
          subject: `${m.file}:${m.line}`,
          code: "ENOENT",
          detail: `${n} extends ${parent}, which is not defined in the files read`,
        });
        continue;
      }
      visit(parent, p, depth + 1, [...trail, n]);
    }
    merged = deepMerge(merged, m);
    for (const d of variablesOf(top, m, "job", n).values()) put(d);
  };
  visit(name, node, 0, []);
  const inherit = get(get(merged, "inherit"), "variables");
  let inheritVariables: boolean | string[] = true;
  if (inherit?.kind === "scalar") inheritVariables = inherit.value !== "false";
  else if (inherit?.kind === "seq") inheritVariables = stringList(inherit);
  const matrix = new Map<string, GitlabVarDef[]>();
  const mx = get(get(merged, "parallel"), "matrix");
  if (mx?.kind === "seq") {
    for (const row of mx.items) {
      if (row.kind !== "map") continue;
      for (const [k, v] of row.entries) {
        const values = v.kind === "seq" ? v.items : [v];
        for (const one of values) {
          if (one.kind !== "scalar") continue;
          const d: GitlabVarDef = {
            key: k,
            raw: one.value ?? "",
            expand: true,
            file: one.file,
            line: one.line,
            level: "matrix",
            via: name,
          };
          matrix.set(k, [...(matrix.get(k) ?? []), d]);
        }
      }
    }
  }
  const dotenv: GitlabJob["dotenv"] = [];
  const de = get(get(get(merged, "artifacts"), "reports"), "dotenv");
  for (const it of de?.kind === "seq" ? de.items : de ? [de] : [])
    if (it.kind === "scalar" && it.value) dotenv.push({ path: it.value, file: it.file, line: it.line });
  const job: GitlabJob = {
    name,
    file: node.file,
    line: top.keyLines.get(name) ?? node.line,
    stage: scalar(get(merged, "stage")) ?? "test",
    variables,
    overridden,
    matrix,
    inheritVariables,
    dotenv,
  };
  if (merged.entries.has("needs")) job.needs = stringList(get(merged, "needs"), "job");
  if (merged.entries.has("dependencies")) job.dependencies = stringList(get(merged, "dependencies"));
  return job;
}

/**
 * Reads the pipeline starting at `configFile` (a host path) with local includes under `projectDir`.
 * Null when the main file is missing or malformed (reported through `report`).
 */
export async function loadGitlabPipeline(
  ctx: ResolverContext,
  configFile: string,
  projectDir: string,
  report: (i: CollectionIssue) => void = (i) => ctx.report(i),
): Promise<GitlabPipeline | null> {
  const out: Loaded = {
    merged: { kind: "map", file: configFile, line: 1, entries: new Map(), keyLines: new Map() },
    files: [],
    defaultsOverridden: new Map(),
    unread: [],
    conditional: [],
  };
  const top = await loadFile(ctx, configFile, projectDir, new Set(), out, report);
  if (!top) return null;
  const defaults = variablesOf(top, top, "default");
  const stagesNode = get(top, "stages");
  const stages = stagesNode ? stringList(stagesNode) : DEFAULT_STAGES;
  const jobNames = [...top.entries.keys()].filter(
    (k) => !RESERVED.has(k) && !k.startsWith(".") && top.entries.get(k)?.kind === "map",
  );
  const cache = new Map<string, GitlabJob | undefined>();
  return {
    files: out.files,
    defaults,
    defaultsOverridden: out.defaultsOverridden,
    stages: [".pre", ...stages.filter((s) => s !== ".pre" && s !== ".post"), ".post"],
    jobNames,
    job(name) {
      if (!cache.has(name)) cache.set(name, resolveJob(top, name, report));
      return cache.get(name);
    },
    jobQuiet(name) {
      if (!cache.has(name))
        cache.set(
          name,
          resolveJob(top, name, () => {}),
        );
      return cache.get(name);
    },
    unreadIncludes: out.unread,
    conditionalIncludes: out.conditional,
  };
}

/**
 * The job a runner's CI_JOB_NAME refers to: the name itself, else without the suffix GitLab adds to
 * parallel jobs (`build 2/4`, `test: [ruby, 3.3]`).
 */
export function findJob(p: GitlabPipeline, jobName: string | undefined): GitlabJob | undefined {
  if (!jobName) return undefined;
  const names = [jobName, jobName.replace(/ \d+\/\d+$/, ""), jobName.replace(/: \[[^\]]*\]$/, "")];
  for (const n of names) {
    const j = p.job(n);
    if (j) return j;
  }
  return undefined;
}

/** The jobs whose dotenv report this job receives (GitLab: via needs, else dependencies, else earlier stages). */
export function dotenvSources(p: GitlabPipeline, job: GitlabJob): GitlabJob[] {
  let names: string[];
  if (job.needs) names = job.needs;
  else if (job.dependencies) names = job.dependencies;
  else {
    const idx = p.stages.indexOf(job.stage);
    names = p.jobNames.filter((n) => {
      const j = p.jobQuiet(n);
      return j !== undefined && p.stages.indexOf(j.stage) < idx && p.stages.indexOf(j.stage) >= 0;
    });
  }
  return names
    .map((n) => p.jobQuiet(n))
    .filter((j): j is GitlabJob => j !== undefined && j.dotenv.length > 0);
}

/**
 * GitLab's expansion of `$VAR` / `${VAR}` in variable values (`$$` is a literal `$`), with the job's own
 * environment as the lookup. Unknown names expand to the empty string, as the runner does.
 */
export function expandGitlab(raw: string, lookup: (k: string) => string | undefined): string {
  return raw.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a, b) => {
    if (m === "$$") return "$";
    return lookup((a ?? b) as string) ?? "";
  });
}

/** GitLab dotenv report lines: `KEY=VALUE`, `#` comments and blank lines skipped. */
export function parseGitlabDotenv(text: string): Array<{ key: string; value: string; line: number }> {
  const out: Array<{ key: string; value: string; line: number }> = [];
  text.split("\n").forEach((l0, i) => {
    const l = l0.endsWith("\r") ? l0.slice(0, -1) : l0;
    if (/^\s*(#|$)/.test(l)) return;
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(l);
    if (!m) return;
    let v = m[2]!.trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
    out.push({ key: m[1]!, value: v, line: i + 1 });
  });
  return out;
}
