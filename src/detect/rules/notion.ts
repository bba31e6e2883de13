import { defineProvider } from "../rule.js";
import { ALNUM, DIGITS, fake, prefixed } from "./lib.js";

/**
 * notion: token formats as documented by the vendor —
 * https://developers.notion.com/docs/authorization
 */
export const notion = defineProvider({
  meta: { id: "notion", description: "Notion integration token" },
  rules: [
    prefixed({
      id: "notion-integration-token",
      description: "Notion integration token",
      prefix: "ntn_",
      body: "[0-9]{11}[A-Za-z0-9]{35}",
      example: fake("ntn_", [DIGITS, 11], [ALNUM, 35]),
      charset: "alnum",
      tags: ["saas", "notion"],
      docs: "https://developers.notion.com/docs/authorization",
    }),
  ],
});
