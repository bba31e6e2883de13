import { defineProvider, type SecretRule } from "../rule.js";
import { ALNUM, B64URL, fake, HEX, LOWNUM } from "./lib.js";

/**
 * GitLab tokens: every type has its own prefix —
 * https://docs.gitlab.com/security/tokens/#token-prefixes
 * Lengths: a legacy token's random part is 20 characters (GitLab generates it with
 * `Devise.friendly_token`, 20 by default); a routable token (GitLab 17.x+,
 * https://docs.gitlab.com/administration/settings/account_and_limit_settings/#routable-tokens) is a longer
 * base64url payload, then `.` and a base36 version and CRC (`glpat-<27+>.<2><7>`, also written
 * `.<2>.<9>`). Bodies of 20–50 characters without that suffix are accepted (type markers such as `t1_`
 * and older formats), not longer ones: a longer run of token characters is not one GitLab issues.
 */
const DOCS = "https://docs.gitlab.com/security/tokens/#token-prefixes";
/** A legacy body (20–50) or a routable one (payload `.` version CRC). */
const BODY = "(?:[A-Za-z0-9_-]{27,300}\\.[0-9a-z]{2}\\.?[0-9a-z]{7,9}|[A-Za-z0-9_-]{20,50})";
const rule = (
  id: string,
  what: string,
  prefix: string,
  body: string,
  example: string,
  charset: "alnum" | "hex" | "base64" = "base64",
  more: { match?: string[]; noMatch?: string[] } = {},
): SecretRule => ({
  id,
  description: `GitLab ${what}`,
  keywords: [prefix.toLowerCase()],
  regex: new RegExp(`(?<![A-Za-z0-9_-])(${prefix}${body})(?![A-Za-z0-9_-])`),
  entropy: { min: charset === "hex" ? 3.0 : 3.5, charset },
  tags: ["scm", "gitlab"],
  severity: "critical",
  safePrefix: prefix,
  docs: DOCS,
  examples: {
    match: [example, ...(more.match ?? [])],
    noMatch: [`${prefix}short`, `${prefix}${"x".repeat(20)}`, ...(more.noMatch ?? [])],
  },
});

export const gitlab = defineProvider({
  meta: { id: "gitlab", description: "GitLab personal, deploy, CI, runner and OAuth tokens", docs: DOCS },
  rules: [
    rule(
      "gitlab-pat",
      "personal/project/group access token",
      "glpat-",
      BODY,
      fake("glpat-", [B64URL, 20]),
      "base64",
      {
        match: [fake("glpat-", [B64URL, 27], ".", [LOWNUM, 2], [LOWNUM, 7])],
        noMatch: [fake("glpat-", [B64URL, 51])],
      },
    ),
    rule("gitlab-deploy-token", "deploy token", "gldt-", BODY, fake("gldt-", [B64URL, 20])),
    rule(
      "gitlab-pipeline-trigger-token",
      "pipeline trigger token",
      "glptt-",
      "[0-9a-f]{40}",
      fake("glptt-", [HEX, 40]),
      "hex",
    ),
    rule("gitlab-runner-token", "runner authentication token", "glrt-", BODY, fake("glrt-", [B64URL, 20])),
    rule(
      "gitlab-runner-registration-token",
      "runner registration token",
      "GR1348941",
      BODY,
      fake("GR1348941", [B64URL, 20]),
    ),
    rule(
      "gitlab-ci-job-token",
      "CI/CD job token",
      "glcbt-",
      "[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20,50}",
      fake("glcbt-", [ALNUM, 2], "_", [B64URL, 20]),
    ),
    rule("gitlab-feed-token", "feed token", "glft-", BODY, fake("glft-", [B64URL, 20])),
    rule("gitlab-scim-token", "SCIM OAuth token", "glsoat-", BODY, fake("glsoat-", [B64URL, 20])),
    rule(
      "gitlab-oauth-app-secret",
      "OAuth application secret",
      "gloas-",
      "[a-f0-9]{64}",
      fake("gloas-", [HEX, 64]),
      "hex",
    ),
    rule(
      "gitlab-incoming-mail-token",
      "incoming mail token",
      "glimt-",
      // 25 characters (the length gitleaks and detect-secrets both use).
      "[A-Za-z0-9_-]{25}",
      fake("glimt-", [B64URL, 25]),
      "base64",
      { noMatch: [fake("glimt-", [B64URL, 29])] },
    ),
    rule(
      "gitlab-agent-token",
      "Kubernetes agent token",
      "glagent-",
      "[A-Za-z0-9_-]{50,300}",
      fake("glagent-", [B64URL, 50]),
    ),
    rule(
      "gitlab-feature-flag-token",
      "feature flags client token",
      "glffct-",
      BODY,
      fake("glffct-", [B64URL, 20]),
    ),
    rule(
      "gitlab-session-cookie",
      "session cookie",
      "_gitlab_session=",
      "[0-9a-z]{32}",
      `_gitlab_session=${fake([HEX, 32])}`,
      "alnum",
    ),
  ],
});
