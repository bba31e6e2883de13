import { defineProvider } from "../rule.js";
import { ALPHA, fake, prefixed } from "./lib.js";

/**
 * huggingface: token formats as documented by the vendor —
 * https://huggingface.co/docs/hub/security-tokens
 */
export const huggingface = defineProvider({
  meta: { id: "huggingface", description: "Huggingface credentials" },
  rules: [
    prefixed({
      id: "huggingface-token",
      description: "Hugging Face user access token",
      prefix: "hf_",
      body: "[A-Za-z]{34}",
      example: fake("hf_", [ALPHA, 34]),
      charset: "alnum",
      tags: ["ai", "huggingface"],
      docs: "https://huggingface.co/docs/hub/security-tokens",
    }),
    prefixed({
      id: "huggingface-org-token",
      description: "Hugging Face organization API token",
      prefix: "api_org_",
      body: "[A-Za-z]{34}",
      example: fake("api_org_", [ALPHA, 34]),
      charset: "alnum",
      tags: ["ai", "huggingface"],
      docs: "https://huggingface.co/docs/hub/security-tokens",
    }),
  ],
});
