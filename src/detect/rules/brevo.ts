import { defineProvider } from "../rule.js";
import { ALNUM, fake, HEX, prefixed } from "./lib.js";

/**
 * brevo: token formats as documented by the vendor —
 * https://developers.brevo.com/docs/getting-started
 */
export const brevo = defineProvider({
  meta: { id: "brevo", description: "Brevo (Sendinblue) API key" },
  rules: [
    prefixed({
      id: "brevo-api-key",
      description: "Brevo (Sendinblue) API key",
      prefix: "xkeysib-",
      body: "[a-f0-9]{64}-[A-Za-z0-9]{16}",
      example: fake("xkeysib-", [HEX, 64], "-", [ALNUM, 16]),
      tags: ["mail", "brevo"],
      docs: "https://developers.brevo.com/docs/getting-started",
    }),
  ],
});
