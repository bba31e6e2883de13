/**
 * GitLab CI jobs. The runner hands a job one flat list of variables (as container Env with the docker
 * executor, as `export` lines at the top of the job script with the shell executor — gitlab-runner
 * `shells/bash.go` `Variable`), assembled server-side in this precedence, highest first (docs "CI/CD
 * variable precedence"; dotenv placement per GitLab MR !147558): policy variables, dotenv reports of
 * earlier jobs, pipeline variables (trigger, schedule, manual, API), project, group, instance settings,
 * job `variables:`, top-level `variables:`, deployment variables, predefined variables.
 *
 * For each variable the job received, this resolver replays what the files can show: a dotenv report
 * present in the checkout, the job's and the top-level `variables:` (includes, extends, anchors), the
 * documented predefined names (data/gitlab-predefined.json, source noted there), file-type variables
 * (the value is `<CI_PROJECT_DIR>.tmp/<KEY>`, where the runner wrote the content). What no file explains
 * is a CI/CD settings variable (or a pipeline variable): kind `ci`, mechanism `gitlab-settings`, likely,
 * and its value is withheld from every output.
 */
import * as path from "node:path";
import type { Confidence, EnvEntry } from "../../model/index.js";
import { readText, where } from "../lib/host.js";
import {
  defineResolver,
  type ResolveRequest,
  type ResolverAnswer,
  type ResolverContext,
} from "../resolver.js";
import {
  ciAnswer,
  envGetter,
  GITLAB_PREDEFINED,
  isJobBoundary,
  isSystemName,
  sourceLabel,
  WITHHELD_NOTE,
} from "./common.js";
import { type CiOptions, detectCiContext, type GitlabContext } from "./context.js";
import {
  dotenvSources,
  expandGitlab,
  findJob,
  type GitlabJob,
  type GitlabPipeline,
  type GitlabVarDef,
  loadGitlabPipeline,
  parseGitlabDotenv,
} from "./gitlab-config.js";

/** Predefined variables that hold a credential: withheld like settings variables. */
const PREDEFINED_CREDENTIALS = new Set([
  "CI_JOB_TOKEN",
  "CI_REGISTRY_PASSWORD",
  "CI_DEPLOY_PASSWORD",
  "CI_DEPENDENCY_PROXY_PASSWORD",
  "CI_REPOSITORY_URL",
  "CI_RUNNER_SHORT_TOKEN",
  "TRIGGER_PAYLOAD",
  "HARBOR_PASSWORD",
]);

interface DotenvHit {
  key: string;
  value: string;
  file: string;
  line: number;
  job: string;
}

interface JobView {
  ctx: GitlabContext;
  pipeline: GitlabPipeline | null;
  job: GitlabJob | undefined;
  dotenv: DotenvHit[];
}

async function loadView(req: ResolveRequest, ctx: ResolverContext, opts: CiOptions): Promise<JobView | null> {
  const env = req.receiver.env;
  if (!env) return null;
  const c = detectCiContext(env, opts);
  if (c?.provider !== "gitlab") return null;
  const projectDir = c.projectDir ?? (c.configFile ? path.posix.dirname(c.configFile) : "/");
  const key = `ci-gitlab\0${c.configFile ?? c.remoteConfig ?? ""}\0${projectDir}\0${c.jobName ?? ""}`;
  return ctx.memo(key, async () => {
    let pipeline: GitlabPipeline | null = null;
    if (c.configFile) pipeline = await loadGitlabPipeline(ctx, c.configFile, projectDir);
    else if (c.remoteConfig)
      ctx.report({
        subject: `CI_CONFIG_PATH=${c.remoteConfig}`,
        code: "UNSUPPORTED",
        detail:
          "the pipeline file lives in another project or at a URL: its variables cannot be read (pass --ci-file)",
      });
    const job = pipeline ? findJob(pipeline, c.jobName) : undefined;
    if (pipeline && c.jobName && !job)
      ctx.report({
        subject: c.configFile ?? "gitlab-ci",
        code: "ENOENT",
        detail: `job ${c.jobName} is not defined in the files read: only top-level variables are compared`,
      });
    const dotenv: DotenvHit[] = [];
    if (pipeline && job) {
      const get = envGetter(req.receiver);
      for (const src of dotenvSources(pipeline, job)) {
        for (const d of src.dotenv) {
          const file = path.posix.join(projectDir, expandGitlab(d.path, get).replace(/^\/+/, ""));
          const text = await readText(ctx, file);
          // Absent: the artifact was not downloaded into this checkout; nothing to compare.
          if (text === undefined) continue;
          for (const e of parseGitlabDotenv(text)) dotenv.push({ ...e, file, job: src.name });
        }
      }
    }
    return { ctx: c, pipeline, job, dotenv };
  });
}

function ymlLabel(d: GitlabVarDef, job: GitlabJob | undefined): string {
  const at = where(d.file, d.line);
  if (d.level === "default") return `top-level variables: at ${at}`;
  if (d.level === "matrix") return `parallel:matrix of job ${d.via} at ${at}`;
  if (job && d.via && d.via !== job.name)
    return `variables: of ${d.via} at ${at} (job ${job.name} extends it)`;
  return `variables: of job ${d.via ?? job?.name ?? "?"} at ${at}`;
}

function ymlShadow(d: GitlabVarDef, job: GitlabJob | undefined) {
  return {
    value: d.raw ?? "",
    attribution: {
      kind: "ci" as const,
      mechanism: "gitlab-variables",
      location: { file: d.file, line: d.line },
      confidence: "certain" as Confidence,
      evidence: [`${ymlLabel(d, job)}, overridden`],
    },
  };
}

/** The `.gitlab-ci.yml` candidates for `key`, highest precedence first. */
function ymlCandidates(view: JobView, key: string): GitlabVarDef[] {
  const out: GitlabVarDef[] = [];
  const { pipeline, job } = view;
  if (!pipeline) return out;
  if (job) {
    out.push(...(job.matrix.get(key) ?? []));
    const jv = job.variables.get(key);
    if (jv) out.push(jv);
  }
  const inherits =
    !job ||
    job.inheritVariables === true ||
    (Array.isArray(job.inheritVariables) && job.inheritVariables.includes(key));
  const dv = pipeline.defaults.get(key);
  if (dv && inherits) out.push(dv);
  return out;
}

function matches(
  d: GitlabVarDef,
  value: string,
  get: (k: string) => string | undefined,
): "raw" | "expanded" | null {
  if (d.raw === null) return null;
  if (d.raw === value) return "raw";
  if (d.expand && expandGitlab(d.raw, get) === value) return "expanded";
  return null;
}

function decide(
  view: JobView,
  key: string,
  entry: EnvEntry,
  get: (k: string) => string | undefined,
): ResolverAnswer | null {
  const value = entry.value;
  const files = view.pipeline?.files ?? [];
  const yml = ymlCandidates(view, key);
  const job = view.job;
  const conditional = (f: string) => view.pipeline?.conditionalIncludes.includes(f) ?? false;
  const overridden = [
    ...(job?.overridden.get(key) ?? []),
    ...(view.pipeline?.defaultsOverridden.get(key) ?? []),
  ];

  // 1. A dotenv report of an earlier job (highest of what files show).
  const de = [...view.dotenv].reverse().find((d) => d.key === key && d.value === value);
  if (de) {
    const a = ciAnswer(
      "gitlab-dotenv",
      "certain",
      [
        `artifacts:reports:dotenv of job ${de.job}, restored into the checkout at ${where(de.file, de.line)}; dotenv variables override the job's and the project's variables`,
      ],
      { file: de.file, line: de.line },
    );
    const sh = yml.map((d) => ymlShadow(d, job));
    if (sh.length) a.shadowed = sh;
    return a;
  }

  // 2. The effective .gitlab-ci.yml value (matrix/job over top level).
  const top = yml[0];
  if (top) {
    const hit = yml.find((d) => (d.level === "matrix" || d === top) && matches(d, value, get));
    if (hit) {
      const how = matches(hit, value, get);
      const cond = conditional(hit.file);
      const evidence = [
        `${ymlLabel(hit, job)}${how === "expanded" ? ", after expanding its $VARIABLE references with the job's values" : ""}`,
      ];
      if (cond) evidence.push(`${hit.file} is included with rules: (not evaluated here)`);
      const a = ciAnswer("gitlab-variables", cond ? "likely" : "certain", evidence, {
        file: hit.file,
        line: hit.line,
      });
      const sh = [...yml.filter((d) => d !== hit && d.level !== "matrix"), ...overridden].map((d) =>
        ymlShadow(d, job),
      );
      if (sh.length) a.shadowed = sh;
      return a;
    }
  }

  const predefined = GITLAB_PREDEFINED.names.has(key);
  const pattern = predefined ? undefined : GITLAB_PREDEFINED.patterns.find((p) => p.re.test(key));
  const settingsEvidence = (why: string) => {
    const ev = [why];
    if (view.pipeline && view.pipeline.unreadIncludes.length > 0)
      ev.push(
        `or a variable of an include envtrace could not read (${view.pipeline.unreadIncludes.join(", ")})`,
      );
    return ev;
  };

  // 3. A file-type variable: the runner wrote the content to <project>.tmp/<KEY> and exported the path.
  const tmp =
    get("RUNNER_TEMP_PROJECT_DIR") ?? (get("CI_PROJECT_DIR") ? `${get("CI_PROJECT_DIR")}.tmp` : undefined);
  if (tmp && value === `${tmp}/${key}` && !predefined) {
    const a = ciAnswer(
      "gitlab-settings",
      "likely",
      settingsEvidence(
        `a file-type CI/CD variable: the runner wrote its content to ${value} and set ${key} to that path (gitlab-runner shells/bash.go); defined in the project, group or instance CI/CD settings, in no file read`,
      ),
    );
    a.notes = [
      "file-type variable: the value is the path of a temporary file holding the content; envtrace does not read it",
    ];
    if (yml.length) a.shadowed = yml.map((d) => ymlShadow(d, job));
    return a;
  }

  // 4. Predefined by GitLab or the runner (when no file assigns it).
  if ((predefined || pattern) && yml.length === 0) {
    const src = sourceLabel(GITLAB_PREDEFINED.source);
    const a = ciAnswer(
      "gitlab-predefined",
      predefined ? "certain" : "likely",
      predefined ? [`predefined by GitLab for every job (${src})`] : [`${pattern!.what} (${src})`],
    );
    if (PREDEFINED_CREDENTIALS.has(key))
      a.notes = [`${WITHHELD_NOTE}: a credential GitLab issues for the job`];
    return a;
  }

  // 5. In a file with another value, or in no file: a settings/pipeline variable overrode or defined it.
  const read = files.length > 0 ? files.join(", ") : "no CI file could be read";
  const why = yml.length
    ? `the job received another value than .gitlab-ci.yml assigns: a CI/CD variable of the project, group or instance settings (or a pipeline, trigger or schedule variable) overrides it`
    : `present in the job's environment and assigned in no file read (${read}): a CI/CD variable of the project, group or instance settings, a pipeline (trigger, schedule, manual, API) variable, or the runner's config.toml environment`;
  const a = ciAnswer("gitlab-settings", view.pipeline ? "likely" : "possible", settingsEvidence(why));
  a.notes = [`${WITHHELD_NOTE}: GitLab CI/CD settings variable; envtrace never prints its value`];
  const sh = [...yml, ...overridden].map((d) => ymlShadow(d, job));
  if (sh.length) a.shadowed = sh;
  return a;
}

export function createGitlabResolver(opts: CiOptions = {}) {
  return defineResolver({
    meta: {
      id: "ci-gitlab",
      kind: "ci",
      description:
        "GitLab CI jobs: predefined variables, variables: of .gitlab-ci.yml and its local includes (extends, anchors, file:line), dotenv reports, file-type and CI/CD settings variables (values withheld).",
    },
    matches(req: ResolveRequest) {
      if (opts.ci && opts.ci !== "gitlab") return false;
      const get = envGetter(req.receiver);
      if (!opts.ci && get("GITLAB_CI") !== "true" && get("CI_JOB_ID") === undefined) return false;
      return isJobBoundary(req, "gitlab", opts);
    },
    async resolve(req: ResolveRequest, ctx: ResolverContext) {
      const out = new Map<string, ResolverAnswer>();
      const view = await loadView(req, ctx, opts);
      if (!view) return out;
      const get = envGetter(req.receiver);
      for (const [key, entry] of req.keys) {
        if (isSystemName(key)) continue;
        const a = decide(view, key, entry, get);
        if (a) out.set(key, a);
      }
      return out;
    },
  });
}

export default createGitlabResolver();
