import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * shippo: token formats as documented by the vendor —
 * https://docs.goshippo.com/docs/guides_general/authentication/
 */
export const shippo = defineProvider({
  meta: { id: "shippo", description: "Shippo API token" },
  rules: [
    prefixed({
      id: "shippo-api-token",
      description: "Shippo API token",
      prefix: "shippo_",
      body: "(?:live|test)_[a-f0-9]{40}",
      example: fake("shippo_live_", [HEX, 40]),
      charset: "hex",
      tags: ["commerce", "shippo"],
      docs: "https://docs.goshippo.com/docs/guides_general/authentication/",
    }),
  ],
});
