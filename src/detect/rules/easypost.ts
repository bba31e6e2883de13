import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * easypost: token formats as documented by the vendor —
 * https://docs.easypost.com/docs/authentication
 */
export const easypost = defineProvider({
  meta: { id: "easypost", description: "EasyPost production API key" },
  rules: [
    prefixed({
      id: "easypost-api-key",
      description: "EasyPost production API key",
      prefix: "EZAK",
      body: "[A-Za-z0-9]{54}",
      example: fake("EZAK", [ALNUM, 54]),
      charset: "alnum",
      tags: ["commerce", "easypost"],
      docs: "https://docs.easypost.com/docs/authentication",
    }),
  ],
});
