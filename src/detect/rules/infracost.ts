import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * infracost: token formats as documented by the vendor —
 * https://www.infracost.io/docs/
 */
export const infracost = defineProvider({
  meta: { id: "infracost", description: "Infracost API key" },
  rules: [
    prefixed({
      id: "infracost-api-key",
      description: "Infracost API key",
      prefix: "ico-",
      body: "[A-Za-z0-9]{32}",
      example: fake("ico-", [ALNUM, 32]),
      tags: ["iac", "infracost"],
      docs: "https://www.infracost.io/docs/",
    }),
  ],
});
