import { defineProvider } from "../rule.js";
import { ALNUM, fake } from "./lib.js";

/**
 * twitter: token formats as documented by the vendor —
 * https://developer.x.com/en/docs/authentication/oauth-2-0/bearer-tokens
 */
export const twitter = defineProvider({
  meta: { id: "twitter", description: "X (Twitter) API bearer token" },
  rules: [
    {
      id: "twitter-bearer-token",
      description: "X (Twitter) API bearer token",
      keywords: ["aaaaaaaaaaaaaaaaaaaaa"],
      regex: /(?<![A-Za-z0-9])(A{22}[A-Za-z0-9%]{50,120})(?![A-Za-z0-9%])/,
      entropy: { min: 3.0, charset: "any" },
      tags: ["social", "twitter"],
      severity: "high",
      safePrefix: "AAAAAAAAAAAAAAAAAAAAAA",
      docs: "https://developer.x.com/en/docs/authentication/oauth-2-0/bearer-tokens",
      examples: { match: [fake("A".repeat(22), [ALNUM, 30], "%2F", [ALNUM, 50])], noMatch: ["A".repeat(80)] },
    },
  ],
});
