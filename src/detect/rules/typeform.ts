import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * typeform: token formats as documented by the vendor —
 * https://www.typeform.com/developers/get-started/personal-access-token/
 */
export const typeform = defineProvider({
  meta: { id: "typeform", description: "Typeform personal access token" },
  rules: [
    prefixed({
      id: "typeform-token",
      description: "Typeform personal access token",
      prefix: "tfp_",
      body: "[A-Za-z0-9_.=-]{59}",
      example: fake("tfp_", [B64URL, 59]),
      tags: ["saas", "typeform"],
      docs: "https://www.typeform.com/developers/get-started/personal-access-token/",
    }),
  ],
});
