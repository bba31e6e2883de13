import { defineProvider } from "../rule.js";
import { B64, fake, prefixed } from "./lib.js";

/**
 * onepassword: token formats as documented by the vendor —
 * https://developer.1password.com/docs/service-accounts/
 */
export const onepassword = defineProvider({
  meta: { id: "onepassword", description: "1Password service account token" },
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
  ],
});
