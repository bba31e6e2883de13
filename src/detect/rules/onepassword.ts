import { defineProvider } from "../rule.js";
import { B64, fake, prefixed, UPNUM } from "./lib.js";

/**
 * onepassword: token formats as documented by the vendor —
 * https://developer.1password.com/docs/service-accounts/
 */
export const onepassword = defineProvider({
  meta: { id: "onepassword", description: "1Password service account token and account Secret Key" },
  rules: [
    prefixed({
      id: "onepassword-service-account-token",
      description: "1Password service account token",
      prefix: "ops_eyJ",
      body: "[A-Za-z0-9+/=_-]{100,1200}",
      example: fake("ops_eyJ", [B64, 250]),
      end: "(?![A-Za-z0-9+/=_-])",
      tags: ["secrets-manager", "1password"],
      severity: "critical",
      docs: "https://developer.1password.com/docs/service-accounts/",
    }),
    {
      id: "onepassword-secret-key",
      description: "1Password account Secret Key",
      keywords: ["a3-"],
      // The account Secret Key: version `A3`, then 34 upper-case letters and digits in dash-separated groups
      // (6-6-5-5-5-5, the middle pair sometimes written as one group of 11), per
      // https://support.1password.com/secret-key-security/ and https://1passwordstatic.com/files/security/1password-white-paper.pdf (§ Secret Key).
      regex:
        /(?<![A-Za-z0-9-])(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})(?![A-Za-z0-9-])/,
      entropy: { min: 3, charset: "alnum" },
      tags: ["secrets-manager", "1password"],
      severity: "critical",
      safePrefix: "A3-",
      docs: "https://support.1password.com/secret-key-security/",
      examples: {
        match: [
          `OP_SECRET_KEY=${fake("A3-", [UPNUM, 6], "-", [UPNUM, 6], "-", [UPNUM, 5], "-", [UPNUM, 5], "-", [UPNUM, 5], "-", [UPNUM, 5])}`,
          `secret_key: ${fake("A3-", [UPNUM, 6], "-", [UPNUM, 11], "-", [UPNUM, 5], "-", [UPNUM, 5], "-", [UPNUM, 5])}`,
        ],
        noMatch: ["A3-TOO-SHORT", "version: A3-PAPER-SIZE"],
      },
    },
  ],
});
