import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * duffel: token formats as documented by the vendor —
 * https://duffel.com/docs/api/overview/making-requests/authentication
 */
export const duffel = defineProvider({
  meta: { id: "duffel", description: "Duffel API token" },
  rules: [
    prefixed({
      id: "duffel-api-token",
      description: "Duffel API token",
      prefix: "duffel_",
      body: "(?:test|live)_[A-Za-z0-9_=-]{43}",
      example: fake("duffel_live_", [B64URL, 43]),
      tags: ["travel", "duffel"],
      docs: "https://duffel.com/docs/api/overview/making-requests/authentication",
    }),
  ],
});
