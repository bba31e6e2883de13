import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * xai: token formats as documented by the vendor —
 * https://docs.x.ai/docs/overview
 */
export const xai = defineProvider({
  meta: { id: "xai", description: "xAI (Grok) API key" },
  rules: [
    prefixed({
      id: "xai-api-key",
      description: "xAI (Grok) API key",
      prefix: "xai-",
      body: "[A-Za-z0-9]{80}",
      example: fake("xai-", [ALNUM, 80]),
      charset: "alnum",
      tags: ["ai", "xai"],
      docs: "https://docs.x.ai/docs/overview",
    }),
  ],
});
