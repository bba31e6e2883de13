/**
 * Provenance inside CI jobs: the GitLab CI and GitHub Actions resolvers, the detection of a job from its
 * environment, and the masking of values that are secret by origin.
 *
 * For the CLI (`--ci gitlab|github --ci-file F`): `withCiOptions(resolvers, { ci, ciFile })` returns the
 * registry with the two CI resolvers configured (forced provider, explicit file); pass it as
 * `ExplainOptions.resolvers`. `detectCiContext(env, opts)` says whether (and which) job an environment
 * belongs to. `withholdCiValues(maskResult(r, o), o)` keeps settings variables and secrets masked.
 */
import type { Resolver } from "../resolver.js";
import type { CiOptions } from "./context.js";
import github, { createGithubResolver } from "./github.js";
import gitlab, { createGitlabResolver } from "./gitlab.js";

export { type CiContext, type CiOptions, type CiProvider, detectCiContext } from "./context.js";
export { parseGithubEnvFile, parseGithubPathFile } from "./github-env-file.js";
export { isWithheldByCi, withholdCiValues } from "./mask.js";
export { createGithubResolver, createGitlabResolver };

/** The CI resolvers in the order the engine consults them. */
export const ciResolvers: readonly Resolver[] = [gitlab, github];

/** The registry with the CI resolvers replaced by ones configured with `opts` (ids unchanged). */
export function withCiOptions(list: readonly Resolver[], opts: CiOptions): Resolver[] {
  const gl = createGitlabResolver(opts);
  const gh = createGithubResolver(opts);
  return list.map((r) => (r.meta.id === gl.meta.id ? gl : r.meta.id === gh.meta.id ? gh : r));
}
