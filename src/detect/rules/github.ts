import { defineProvider, type SecretRule } from "../rule.js";
import { ALNUM, fake, kv } from "./lib.js";

/**
 * GitHub tokens: a prefix naming the type, then 36 base62 characters (the last 6 a CRC32 checksum);
 * fine-grained PATs are "github_pat_" + 22 + "_" + 59 characters —
 * https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
 * https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats
 */
const classic = (prefix: string, id: string, what: string): SecretRule => ({
  id,
  description: `GitHub ${what}`,
  keywords: [prefix],
  regex: new RegExp(`(?<![A-Za-z0-9_])(${prefix}[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])`),
  entropy: { min: 3.5, charset: "alnum" },
  tags: ["scm", "github"],
  severity: "critical",
  safePrefix: prefix,
  docs: "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
  examples: {
    match: [fake(prefix, [ALNUM, 36]), kv("GITHUB_TOKEN", fake(prefix, [ALNUM, 36]))],
    noMatch: [`${prefix}short`, `${prefix}${"a".repeat(36)}`, `x${fake(prefix, [ALNUM, 36])}`],
  },
});

export const github = defineProvider({
  meta: { id: "github", description: "GitHub personal, OAuth, app and fine-grained tokens" },
  rules: [
    classic("ghp_", "github-pat", "classic personal access token"),
    classic("gho_", "github-oauth-token", "OAuth access token"),
    classic("ghu_", "github-user-to-server-token", "GitHub App user-to-server token"),
    classic("ghs_", "github-app-installation-token", "GitHub App installation (server-to-server) token"),
    classic("ghr_", "github-refresh-token", "GitHub App refresh token"),
    {
      id: "github-fine-grained-pat",
      description: "GitHub fine-grained personal access token",
      keywords: ["github_pat_"],
      regex: /(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/,
      entropy: { min: 4.0, charset: "alnum" },
      tags: ["scm", "github"],
      severity: "critical",
      safePrefix: "github_pat_",
      docs: "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens",
      examples: {
        match: [fake("github_pat_", [ALNUM, 22], "_", [ALNUM, 59])],
        noMatch: ["github_pat_short", fake("github_pat_", [ALNUM, 22], "_", [ALNUM, 20])],
      },
    },
  ],
});
