import { defineProvider } from "../rule.js";
import { B64URL, fake } from "./lib.js";

/**
 * dropbox: token formats as documented by the vendor —
 * https://developers.dropbox.com/oauth-guide
 */
export const dropbox = defineProvider({
  meta: { id: "dropbox", description: "Dropbox short-lived access token" },
  rules: [
    {
      id: "dropbox-access-token",
      description: "Dropbox short-lived access token",
      keywords: ["sl."],
      regex: /(?<![A-Za-z0-9_.-])(sl\.(?:u\.)?[A-Za-z0-9_-]{130,1200})(?![A-Za-z0-9_-])/,
      entropy: { min: 4.0, charset: "base64" },
      tags: ["storage", "dropbox"],
      severity: "high",
      safePrefix: "sl.",
      docs: "https://developers.dropbox.com/oauth-guide",
      examples: { match: [fake("sl.", [B64URL, 140])], noMatch: ["ssl.example.com", "sl.short"] },
    },
  ],
});
