import { defineProvider } from "../rule.js";
import { ALNUM, fake, HEX } from "./lib.js";

/**
 * airtable: token formats as documented by the vendor —
 * https://airtable.com/developers/web/guides/personal-access-tokens
 */
export const airtable = defineProvider({
  meta: { id: "airtable", description: "Airtable personal access token" },
  rules: [
    {
      id: "airtable-pat",
      description: "Airtable personal access token",
      keywords: ["pat"],
      regex: /(?<![A-Za-z0-9_-])(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})(?![A-Za-z0-9_-])/,
      entropy: { min: 3.0, charset: "hex" },
      tags: ["saas", "airtable"],
      severity: "high",
      safePrefix: "pat",
      docs: "https://airtable.com/developers/web/guides/personal-access-tokens",
      examples: { match: [fake("pat", [ALNUM, 14], ".", [HEX, 64])], noMatch: ["pattern.example"] },
    },
  ],
});
