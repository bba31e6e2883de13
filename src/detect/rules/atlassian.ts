import { defineProvider } from "../rule.js";
import { ALNUM, B64URL, fake, prefixed } from "./lib.js";

/**
 * Atlassian and Bitbucket.
 * Atlassian API tokens start "ATATT3" (192 chars) — https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
 * Bitbucket app passwords start "ATBB" — https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/
 * Bitbucket repository/project/workspace access tokens start "ATCTT3" — https://support.atlassian.com/bitbucket-cloud/docs/access-tokens/
 */
export const atlassian = defineProvider({
  meta: { id: "atlassian", description: "Atlassian (Jira, Confluence) and Bitbucket tokens" },
  rules: [
    prefixed({
      id: "atlassian-api-token",
      description: "Atlassian account API token",
      prefix: "ATATT3",
      body: "[A-Za-z0-9_=-]{186}",
      example: fake("ATATT3", [B64URL, 186]),
      tags: ["scm", "atlassian"],
      docs: "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/",
    }),
    prefixed({
      id: "bitbucket-app-password",
      description: "Bitbucket Cloud app password",
      prefix: "ATBB",
      body: "[A-Za-z0-9_=.-]{32}",
      example: fake("ATBB", [ALNUM, 32]),
      tags: ["scm", "bitbucket"],
      docs: "https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/",
    }),
    prefixed({
      id: "bitbucket-access-token",
      description: "Bitbucket repository, project or workspace access token",
      prefix: "ATCTT3",
      body: "[A-Za-z0-9_=-]{100,300}",
      example: fake("ATCTT3", [B64URL, 180]),
      tags: ["scm", "bitbucket"],
      docs: "https://support.atlassian.com/bitbucket-cloud/docs/access-tokens/",
    }),
  ],
});
