import { defineProvider } from "../rule.js";
import { ALNUM, assigned, fake, kv } from "./lib.js";

/**
 * mistral: token formats as documented by the vendor —
 * https://docs.mistral.ai/getting-started/quickstart/
 */
export const mistral = defineProvider({
  meta: { id: "mistral", description: "Mistral AI API key under a Mistral name" },
  rules: [
    {
      id: "mistral-api-key",
      description: "Mistral AI API key under a Mistral name",
      keywords: ["mistral"],
      regex: assigned("mistral[a-z_]{0,12}", "[A-Za-z0-9]{32}"),
      entropy: { min: 4.0, charset: "alnum" },
      tags: ["ai", "mistral"],
      severity: "high",
      docs: "https://docs.mistral.ai/getting-started/quickstart/",
      examples: {
        match: [kv("MISTRAL_API_KEY", fake([ALNUM, 32]))],
        noMatch: [kv("MISTRAL_MODEL", "mistral-large-latest")],
      },
    },
  ],
});
