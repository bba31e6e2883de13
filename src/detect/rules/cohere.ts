import { defineProvider } from "../rule.js";
import { ALNUM, assigned, fake, kv } from "./lib.js";

/**
 * cohere: token formats as documented by the vendor —
 * https://docs.cohere.com/reference/about
 */
export const cohere = defineProvider({
  meta: { id: "cohere", description: "Cohere API key under a Cohere name" },
  rules: [
    {
      id: "cohere-api-key",
      description: "Cohere API key under a Cohere name",
      keywords: ["cohere", "co_api_key"],
      regex: assigned("cohere[a-z_]{0,12}|co_api_key", "[A-Za-z0-9]{40}"),
      entropy: { min: 4.0, charset: "alnum" },
      tags: ["ai", "cohere"],
      severity: "high",
      docs: "https://docs.cohere.com/reference/about",
      examples: {
        match: [kv("COHERE_API_KEY", fake([ALNUM, 40]))],
        noMatch: [kv("COHERE_MODEL", "command-r")],
      },
    },
  ],
});
