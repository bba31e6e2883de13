import { defineProvider } from "../rule.js";
import { assigned, fake, HEX, kv, prefixed } from "./lib.js";

/**
 * mailgun: token formats as documented by the vendor —
 * https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#primary-account-api-key
 * https://documentation.mailgun.com/docs/mailgun/api-reference/authentication
 */
export const mailgun = defineProvider({
  meta: { id: "mailgun", description: "Mailgun credentials" },
  rules: [
    prefixed({
      id: "mailgun-private-key",
      description: "Mailgun private API key (legacy key- format)",
      prefix: "key-",
      body: "[a-f0-9]{32}",
      example: fake("key-", [HEX, 32]),
      charset: "hex",
      tags: ["mail", "mailgun"],
      docs: "https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#primary-account-api-key",
    }),
    {
      id: "mailgun-api-key",
      description: "Mailgun API key (hex-hex-hex format) under a Mailgun name",
      keywords: ["mailgun"],
      regex: assigned("mailgun[a-z_]{0,12}", "[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}"),
      entropy: { min: 3.0, charset: "hex" },
      tags: ["mail", "mailgun"],
      severity: "high",
      docs: "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication",
      examples: {
        match: [kv("MAILGUN_API_KEY", fake([HEX, 32], "-", [HEX, 8], "-", [HEX, 8]))],
        noMatch: [kv("MAILGUN_DOMAIN", "mg.example.org")],
      },
    },
  ],
});
