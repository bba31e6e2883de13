import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * square: token formats as documented by the vendor —
 * https://developer.squareup.com/docs/build-basics/access-tokens
 * https://developer.squareup.com/docs/oauth-api/overview
 */
export const square = defineProvider({
  meta: { id: "square", description: "Square credentials" },
  rules: [
    prefixed({
      id: "square-access-token",
      description: "Square production access token",
      prefix: "EAAA",
      body: "[A-Za-z0-9_-]{60}",
      example: fake("EAAA", [B64URL, 60]),
      tags: ["payments", "square"],
      severity: "critical",
      docs: "https://developer.squareup.com/docs/build-basics/access-tokens",
    }),
    prefixed({
      id: "square-oauth-secret",
      description: "Square OAuth application secret",
      prefix: "sq0csp-",
      body: "[A-Za-z0-9_-]{43}",
      example: fake("sq0csp-", [B64URL, 43]),
      tags: ["payments", "square"],
      severity: "critical",
      docs: "https://developer.squareup.com/docs/oauth-api/overview",
    }),
  ],
});
