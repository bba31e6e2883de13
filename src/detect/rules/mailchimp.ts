import { defineProvider } from "../rule.js";
import { fake, HEX } from "./lib.js";

/**
 * mailchimp: token formats as documented by the vendor —
 * https://mailchimp.com/developer/marketing/guides/quick-start/#generate-your-api-key
 */
export const mailchimp = defineProvider({
  meta: { id: "mailchimp", description: "Mailchimp API key" },
  rules: [
    {
      id: "mailchimp-api-key",
      description: "Mailchimp API key (<32 hex>-us<dc>)",
      keywords: ["-us"],
      regex: /(?<![A-Za-z0-9])([a-f0-9]{32}-us\d{1,2})(?![A-Za-z0-9])/,
      entropy: { min: 3.0, charset: "hex" },
      tags: ["mail", "mailchimp"],
      severity: "high",
      docs: "https://mailchimp.com/developer/marketing/guides/quick-start/#generate-your-api-key",
      examples: { match: [fake([HEX, 32], "-us21")], noMatch: ["deadbeef-us1"] },
    },
  ],
});
