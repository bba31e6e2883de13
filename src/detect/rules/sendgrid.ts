import { defineProvider } from "../rule.js";
import { B64URL, fake } from "./lib.js";

/**
 * sendgrid: token formats as documented by the vendor —
 * https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys
 */
export const sendgrid = defineProvider({
  meta: { id: "sendgrid", description: "SendGrid API key" },
  rules: [
    {
      id: "sendgrid-api-key",
      description: "SendGrid API key (SG.<22>.<43>)",
      keywords: ["sg."],
      regex: /(?<![A-Za-z0-9_-])(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
      entropy: { min: 4.0, charset: "base64" },
      tags: ["mail", "sendgrid"],
      severity: "high",
      safePrefix: "SG.",
      // https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys
      docs: "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
      examples: { match: [fake("SG.", [B64URL, 22], ".", [B64URL, 43])], noMatch: ["SG.short.key"] },
    },
  ],
});
