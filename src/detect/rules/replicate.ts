import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * replicate: token formats as documented by the vendor —
 * https://replicate.com/docs/reference/http#authentication
 */
export const replicate = defineProvider({
  meta: { id: "replicate", description: "Replicate API token" },
  rules: [
    prefixed({
      id: "replicate-api-token",
      description: "Replicate API token",
      prefix: "r8_",
      body: "[A-Za-z0-9]{37}",
      example: fake("r8_", [ALNUM, 37]),
      charset: "alnum",
      tags: ["ai", "replicate"],
      docs: "https://replicate.com/docs/reference/http#authentication",
    }),
  ],
});
