import { defineProvider } from "../rule.js";
import { B64, fake, HEX, prefixed } from "./lib.js";

/**
 * sentry: token formats as documented by the vendor —
 * https://docs.sentry.io/account/auth-tokens/
 */
export const sentry = defineProvider({
  meta: { id: "sentry", description: "Sentry credentials" },
  rules: [
    prefixed({
      id: "sentry-user-token",
      description: "Sentry user auth token",
      prefix: "sntryu_",
      body: "[a-f0-9]{64}",
      example: fake("sntryu_", [HEX, 64]),
      charset: "hex",
      tags: ["observability", "sentry"],
      docs: "https://docs.sentry.io/account/auth-tokens/",
    }),
    prefixed({
      id: "sentry-org-token",
      description: "Sentry organization auth token",
      prefix: "sntrys_eyJ",
      body: "[A-Za-z0-9+/=_-]{80,400}",
      example: fake("sntrys_eyJ", [B64, 150]),
      tags: ["observability", "sentry"],
      end: "(?![A-Za-z0-9+/=_-])",
      docs: "https://docs.sentry.io/account/auth-tokens/",
    }),
  ],
});
