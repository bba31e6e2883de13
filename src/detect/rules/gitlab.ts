import { defineProvider, type SecretRule } from "../rule.js";
import { ALNUM, B64URL, fake, HEX } from "./lib.js";

/**
 * GitLab tokens: every type has its own prefix —
 * https://docs.gitlab.com/security/tokens/#token-prefixes
 */
const DOCS = "https://docs.gitlab.com/security/tokens/#token-prefixes";
const rule = (
  id: string,
  what: string,
  prefix: string,
  body: string,
  example: string,
  charset: "alnum" | "hex" | "base64" = "base64",
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
  examples: { match: [example], noMatch: [`${prefix}short`, `${prefix}${"x".repeat(20)}`] },
});

export const gitlab = defineProvider({
  meta: { id: "gitlab", description: "GitLab personal, deploy, CI, runner and OAuth tokens", docs: DOCS },
  rules: [
    // Routable tokens (GitLab 17.x+) carry `.<base36>.<base36>` suffixes after the body.
    rule(
      "gitlab-pat",
      "personal/project/group access token",
      "glpat-",
      "[A-Za-z0-9_-]{20,300}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{9})?",
      fake("glpat-", [B64URL, 20]),
    ),
    rule(
      "gitlab-deploy-token",
      "deploy token",
      "gldt-",
      "[A-Za-z0-9_-]{20,300}",
      fake("gldt-", [B64URL, 20]),
    ),
    rule(
      "gitlab-pipeline-trigger-token",
      "pipeline trigger token",
      "glptt-",
      "[0-9a-f]{40}",
      fake("glptt-", [HEX, 40]),
      "hex",
    ),
    rule(
      "gitlab-runner-token",
      "runner authentication token",
      "glrt-",
      "[A-Za-z0-9_-]{20,300}",
      fake("glrt-", [B64URL, 20]),
    ),
    rule(
      "gitlab-runner-registration-token",
      "runner registration token",
      "GR1348941",
      "[A-Za-z0-9_-]{20,300}",
      fake("GR1348941", [B64URL, 20]),
    ),
    rule(
      "gitlab-ci-job-token",
      "CI/CD job token",
      "glcbt-",
      "[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20,300}",
      fake("glcbt-", [ALNUM, 2], "_", [B64URL, 20]),
    ),
    rule("gitlab-feed-token", "feed token", "glft-", "[A-Za-z0-9_-]{20,300}", fake("glft-", [B64URL, 20])),
    rule(
      "gitlab-scim-token",
      "SCIM OAuth token",
      "glsoat-",
      "[A-Za-z0-9_-]{20,300}",
      fake("glsoat-", [B64URL, 20]),
    ),
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
      "[A-Za-z0-9_-]{25,300}",
      fake("glimt-", [B64URL, 25]),
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
      "[A-Za-z0-9_-]{20,300}",
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
