import { defineProvider } from "../rule.js";
import { fake, LOWNUM, prefixed } from "./lib.js";

/**
 * clojars: token formats as documented by the vendor —
 * https://github.com/clojars/clojars-web/wiki/Deploy-Tokens
 */
export const clojars = defineProvider({
  meta: { id: "clojars", description: "Clojars deploy token" },
  rules: [
    prefixed({
      id: "clojars-token",
      description: "Clojars deploy token",
      prefix: "CLOJARS_",
      body: "[a-z0-9]{60}",
      example: fake("CLOJARS_", [LOWNUM, 60]),
      tags: ["registry", "clojars"],
      docs: "https://github.com/clojars/clojars-web/wiki/Deploy-Tokens",
    }),
  ],
});
