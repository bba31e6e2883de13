import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * planetscale: token formats as documented by the vendor —
 * https://planetscale.com/docs/concepts/service-tokens
 */
export const planetscale = defineProvider({
  meta: { id: "planetscale", description: "PlanetScale service token, password or OAuth token" },
  rules: [
    prefixed({
      id: "planetscale-token",
      description: "PlanetScale service token, password or OAuth token",
      prefix: "pscale_",
      body: "(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}",
      example: fake("pscale_pw_", [B64URL, 43]),
      tags: ["database", "planetscale"],
      docs: "https://planetscale.com/docs/concepts/service-tokens",
    }),
  ],
});
