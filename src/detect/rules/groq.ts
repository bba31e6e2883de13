import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * groq: token formats as documented by the vendor —
 * https://console.groq.com/docs/quickstart
 */
export const groq = defineProvider({
  meta: { id: "groq", description: "Groq API key" },
  rules: [
    prefixed({
      id: "groq-api-key",
      description: "Groq API key",
      prefix: "gsk_",
      body: "[A-Za-z0-9]{52}",
      example: fake("gsk_", [ALNUM, 52]),
      charset: "alnum",
      tags: ["ai", "groq"],
      docs: "https://console.groq.com/docs/quickstart",
    }),
  ],
});
