import { defineProvider } from "../rule.js";
import { ALNUM, B64URL, fake } from "./lib.js";

/**
 * openai: token formats as documented by the vendor —
 * https://platform.openai.com/docs/api-reference/authentication
 */
export const openai = defineProvider({
  meta: { id: "openai", description: "OpenAI API key" },
  rules: [
    {
      id: "openai-api-key",
      description: "OpenAI API key (project, service-account, admin or legacy user key)",
      keywords: ["t3blbkfj"],
      // Every OpenAI secret key embeds "T3BlbkFJ" (base64 of "OpenAI") —
      // https://platform.openai.com/docs/api-reference/authentication
      regex:
        /(?<![A-Za-z0-9_-])(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})(?![A-Za-z0-9_-])/,
      entropy: { min: 3.5, charset: "base64" },
      tags: ["ai", "openai"],
      severity: "critical",
      safePrefix: (s) => s.match(/^sk-(?:(?:proj|svcacct|admin)-)?/)?.[0] ?? "sk-",
      docs: "https://platform.openai.com/docs/api-reference/authentication",
      examples: {
        match: [
          fake("sk-proj-", [B64URL, 74], "T3BlbkFJ", [B64URL, 74]),
          fake("sk-", [ALNUM, 20], "T3BlbkFJ", [ALNUM, 20]),
        ],
        noMatch: ["sk-proj-short", "sk-T3BlbkFJ"],
      },
    },
  ],
});
