/**
 * What the CI resolvers share: where the job starts in a process chain, the runner programs, the
 * data files of documented variables, and answers that never carry a value.
 */
import type { Attribution, Confidence, ProcessSnapshot } from "../../model/index.js";
import { isProgram } from "../lib/common.js";
import type { ResolveRequest, ResolverAnswer } from "../resolver.js";
import { type CiOptions, type CiProvider, hasCiMarker } from "./context.js";
import githubDefaults from "./data/github-default.json" with { type: "json" };
import gitlabPredefined from "./data/gitlab-predefined.json" with { type: "json" };

/** Programs that start job processes: gitlab-runner (shell executor), the Actions runner's worker. */
export const RUNNER_PROGRAMS: Readonly<Record<CiProvider, readonly string[]>> = {
  gitlab: ["gitlab-runner", "gitlab-ci-multi-runner", "gitlab-runner-helper"],
  github: ["Runner.Worker", "Runner.Listener"],
};

/**
 * Names every process or shell sets for itself; never a job variable even at the job's boundary (a
 * container's image ENV and the job shell's own variables sit next to the job's in the same list).
 */
export const SYSTEM_NAMES: ReadonlySet<string> = new Set([
  "PATH",
  "HOME",
  "HOSTNAME",
  "PWD",
  "OLDPWD",
  "SHLVL",
  "_",
  "TERM",
  "USER",
  "LOGNAME",
  "SHELL",
  "MAIL",
  "LANG",
  "LANGUAGE",
  "TZ",
  "container",
  "LS_COLORS",
]);
export function isSystemName(k: string): boolean {
  return SYSTEM_NAMES.has(k) || k.startsWith("LC_");
}

export function envGetter(p: ProcessSnapshot | null | undefined): (k: string) => string | undefined {
  return (k) => p?.env?.get(k)?.value;
}

/**
 * True when the keys of this request were handed over by the CI job machinery: the actor is a runner
 * program, or the receiver is the outermost process of the chain that carries the job's markers (its
 * parent lacks them, is unreadable or absent). With an explicit provider and no markers anywhere, only
 * the outermost group (no actor) or a runner actor qualifies.
 */
export function isJobBoundary(req: ResolveRequest, provider: CiProvider, opts: CiOptions): boolean {
  if (req.actor && isProgram(req.actor, RUNNER_PROGRAMS[provider])) return true;
  const here = envGetter(req.receiver);
  if (!hasCiMarker(here, provider)) {
    if (opts.ci !== provider) return false;
    return req.actor === null && !req.chain.some((p) => hasCiMarker(envGetter(p), provider));
  }
  if (!req.actor) return true;
  if (!req.actor.env) return true;
  return !hasCiMarker(envGetter(req.actor), provider);
}

interface DataVar {
  name: string;
}
interface DataPattern {
  pattern: string;
  what: string;
}
interface DataFile {
  source: { url: string; repo: string; path: string; commit: string };
  variables: DataVar[];
  patterns: DataPattern[];
}

function index(d: DataFile) {
  return {
    source: d.source,
    names: new Set(d.variables.map((v) => v.name)),
    patterns: d.patterns.map((p) => ({ re: new RegExp(p.pattern), what: p.what })),
  };
}

export const GITLAB_PREDEFINED = index(gitlabPredefined as DataFile);
export const GITHUB_DEFAULTS = index(githubDefaults as DataFile);
export const GITHUB_DOCUMENTED: ReadonlySet<string> = new Set(
  (githubDefaults as { variables: Array<{ name: string; documented: boolean }> }).variables
    .filter((v) => v.documented)
    .map((v) => v.name),
);

export function sourceLabel(s: { url: string; repo: string; path: string; commit: string }): string {
  return `${s.url} (${s.repo} ${s.path} @ ${s.commit.slice(0, 12)})`;
}

/** Notes that mark a value envtrace must not print (see mask.ts). */
export const WITHHELD_NOTE = "value-withheld";

export function ciAnswer(
  mechanism: string,
  confidence: Confidence,
  evidence: string[],
  location?: { file: string; line?: number },
): ResolverAnswer {
  const attribution: Attribution = { kind: "ci", mechanism, confidence, evidence };
  if (location)
    attribution.location = location.line
      ? { file: location.file, line: location.line }
      : { file: location.file };
  return { attribution };
}
