/**
 * Is this environment a CI job, and which file configures it? Read from the variables the runners set
 * (GitLab: `GITLAB_CI`, `CI_PROJECT_DIR`, `CI_CONFIG_PATH`, `CI_JOB_NAME`; GitHub Actions: `GITHUB_ACTIONS`,
 * `GITHUB_WORKSPACE`, `GITHUB_WORKFLOW_REF`, `GITHUB_JOB`, `GITHUB_ACTION`, `GITHUB_ENV`, `GITHUB_PATH`), or
 * given explicitly (`--ci gitlab|github --ci-file F`). Pure: no I/O; paths are host paths, not checked.
 */
import * as path from "node:path";

export type CiProvider = "gitlab" | "github";

export interface CiOptions {
  /** Force the provider (else detected from the environment). */
  ci?: CiProvider;
  /** The pipeline / workflow file (absolute, or relative to the project dir / workspace). */
  ciFile?: string;
}

interface CiContextBase {
  /** True when the caller named the provider (`--ci`); false when the environment did. */
  explicit: boolean;
  /** Why envtrace thinks this is a CI job: the variables or options it used (names only). */
  evidence: string[];
}

export interface GitlabContext extends CiContextBase {
  provider: "gitlab";
  /** The checkout: CI_PROJECT_DIR (or the directory of an explicit file). */
  projectDir?: string;
  /** The pipeline file as a host path; undefined when CI_CONFIG_PATH names a file in another project. */
  configFile?: string;
  /** CI_CONFIG_PATH when it points outside the project (`file@group/project`, a URL). */
  remoteConfig?: string;
  jobName?: string;
  stage?: string;
}

export interface GithubContext extends CiContextBase {
  provider: "github";
  workspace?: string;
  /** The workflow file as a host path (from GITHUB_WORKFLOW_REF inside GITHUB_WORKSPACE, or explicit). */
  workflowFile?: string;
  /** The workflow's path in its repository, e.g. `.github/workflows/ci.yml`. */
  workflowPath?: string;
  /** The repository that holds the workflow (`owner/repo`), when GITHUB_WORKFLOW_REF names it. */
  workflowRepo?: string;
  job?: string;
  /** GITHUB_ACTION: a step id, `__run`, `__run_2`, … or an action's name. */
  action?: string;
  envFile?: string;
  pathFile?: string;
}

export type CiContext = GitlabContext | GithubContext;

type EnvLike = ReadonlyMap<string, string | { value: string }> | Readonly<Record<string, string | undefined>>;

function reader(env: EnvLike): (k: string) => string | undefined {
  if (env instanceof Map) {
    return (k) => {
      const v = (env as ReadonlyMap<string, string | { value: string }>).get(k);
      return v === undefined ? undefined : typeof v === "string" ? v : v.value;
    };
  }
  const rec = env as Readonly<Record<string, string | undefined>>;
  return (k) => (Object.hasOwn(rec, k) ? rec[k] : undefined);
}

/** Markers that show a process is inside a job (any of them), per provider. */
export const CI_MARKERS: Readonly<Record<CiProvider, readonly string[]>> = {
  gitlab: ["GITLAB_CI", "CI_JOB_ID", "CI_PROJECT_DIR"],
  github: ["GITHUB_ACTIONS", "GITHUB_RUN_ID", "GITHUB_WORKSPACE"],
};

export function hasCiMarker(get: (k: string) => string | undefined, provider: CiProvider): boolean {
  return CI_MARKERS[provider].some((k) => get(k) !== undefined);
}

function isRemoteGitlabConfig(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p.includes("@");
}

/**
 * The CI job this environment belongs to, or null. `opts.ci` forces the provider; `opts.ciFile` names
 * the pipeline/workflow file (relative paths resolve against CI_PROJECT_DIR / GITHUB_WORKSPACE, else
 * `opts.cwd`).
 */
export function detectCiContext(env: EnvLike, opts: CiOptions & { cwd?: string } = {}): CiContext | null {
  const get = reader(env);
  const gitlab =
    opts.ci === "gitlab" ||
    (!opts.ci &&
      (get("GITLAB_CI") === "true" ||
        (get("CI_JOB_ID") !== undefined && get("CI_PROJECT_DIR") !== undefined)));
  const github = opts.ci === "github" || (!opts.ci && !gitlab && get("GITHUB_ACTIONS") === "true");
  if (gitlab) {
    const evidence: string[] = [];
    if (opts.ci) evidence.push("--ci gitlab");
    for (const k of ["GITLAB_CI", "CI_PROJECT_DIR", "CI_CONFIG_PATH", "CI_JOB_NAME"])
      if (get(k) !== undefined) evidence.push(k);
    const ctx: GitlabContext = { provider: "gitlab", explicit: opts.ci !== undefined, evidence };
    const projectDir =
      get("CI_PROJECT_DIR") ??
      (opts.ciFile ? path.posix.dirname(path.posix.resolve(opts.cwd ?? "/", opts.ciFile)) : opts.cwd);
    if (projectDir) ctx.projectDir = projectDir;
    if (opts.ciFile) {
      ctx.configFile = path.posix.resolve(projectDir ?? opts.cwd ?? "/", opts.ciFile);
      evidence.push("--ci-file");
    } else {
      const cfg = get("CI_CONFIG_PATH") || ".gitlab-ci.yml";
      if (isRemoteGitlabConfig(cfg)) ctx.remoteConfig = cfg;
      else if (projectDir) ctx.configFile = path.posix.resolve(projectDir, cfg);
    }
    const job = get("CI_JOB_NAME");
    if (job !== undefined) ctx.jobName = job;
    const stage = get("CI_JOB_STAGE");
    if (stage !== undefined) ctx.stage = stage;
    return ctx;
  }
  if (github) {
    const evidence: string[] = [];
    if (opts.ci) evidence.push("--ci github");
    for (const k of [
      "GITHUB_ACTIONS",
      "GITHUB_WORKFLOW_REF",
      "GITHUB_WORKSPACE",
      "GITHUB_JOB",
      "GITHUB_ENV",
      "GITHUB_PATH",
    ])
      if (get(k) !== undefined) evidence.push(k);
    const ctx: GithubContext = { provider: "github", explicit: opts.ci !== undefined, evidence };
    const ws = get("GITHUB_WORKSPACE") ?? opts.cwd;
    if (ws) ctx.workspace = ws;
    // GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/ci.yml@refs/heads/main`.
    const ref = get("GITHUB_WORKFLOW_REF");
    const m = ref ? /^([^/]+\/[^/]+)\/(.+?)@[^@]*$/.exec(ref) : null;
    if (m) {
      ctx.workflowRepo = m[1]!;
      ctx.workflowPath = m[2]!;
    }
    if (opts.ciFile) {
      ctx.workflowFile = path.posix.resolve(ws ?? opts.cwd ?? "/", opts.ciFile);
      evidence.push("--ci-file");
    } else if (ctx.workflowPath && ws) {
      // The checkout holds the workflow only when it is the workflow's own repository.
      const repo = get("GITHUB_REPOSITORY");
      if (!repo || !ctx.workflowRepo || repo.toLowerCase() === ctx.workflowRepo.toLowerCase())
        ctx.workflowFile = path.posix.join(ws, ctx.workflowPath);
    }
    const job = get("GITHUB_JOB");
    if (job !== undefined) ctx.job = job;
    const action = get("GITHUB_ACTION");
    if (action !== undefined) ctx.action = action;
    const envFile = get("GITHUB_ENV");
    if (envFile) ctx.envFile = envFile;
    const pathFile = get("GITHUB_PATH");
    if (pathFile) ctx.pathFile = pathFile;
    return ctx;
  }
  return null;
}
