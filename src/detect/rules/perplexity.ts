import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * perplexity: token formats as documented by the vendor —
 * https://docs.perplexity.ai/guides/getting-started
 */
export const perplexity = defineProvider({
  meta: { id: "perplexity", description: "Perplexity API key" },
  rules: [
    prefixed({
      id: "perplexity-api-key",
      description: "Perplexity API key",
      prefix: "pplx-",
      body: "[A-Za-z0-9]{48}",
      example: fake("pplx-", [ALNUM, 48]),
      charset: "alnum",
      tags: ["ai", "perplexity"],
      docs: "https://docs.perplexity.ai/guides/getting-started",
    }),
  ],
});
