import { defineProvider } from "../rule.js";
import { ALNUM, assigned, B64URL, fake, HEX, kv, prefixed, uuid } from "./lib.js";

/** Mail and messaging APIs; each rule cites the vendor's key format. */
export const mail = defineProvider({
  meta: {
    id: "mail",
    description: "Mail and SMS APIs (SendGrid, Mailgun, Mailchimp, Twilio, Brevo, Postmark)",
  },
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
    {
      id: "twilio-api-key",
      description: "Twilio API key SID and secret / auth token under a Twilio name",
      keywords: ["twilio"],
      regex: assigned("twilio[a-z_]{0,20}", "[a-f0-9]{32}|SK[a-f0-9]{32}"),
      entropy: { min: 3.0, charset: "hex" },
      tags: ["sms", "twilio"],
      severity: "high",
      docs: "https://www.twilio.com/docs/iam/api-keys",
      examples: {
        match: [kv("TWILIO_AUTH_TOKEN", fake([HEX, 32]))],
        noMatch: [kv("TWILIO_AUTH_TOKEN", "short")],
      },
    },
    prefixed({
      id: "brevo-api-key",
      description: "Brevo (Sendinblue) API key",
      prefix: "xkeysib-",
      body: "[a-f0-9]{64}-[A-Za-z0-9]{16}",
      example: fake("xkeysib-", [HEX, 64], "-", [ALNUM, 16]),
      tags: ["mail", "brevo"],
      docs: "https://developers.brevo.com/docs/getting-started",
    }),
    {
      id: "postmark-server-token",
      description: "Postmark server / account token under a Postmark name",
      keywords: ["postmark"],
      regex: assigned("postmark[a-z_]{0,20}", "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"),
      tags: ["mail", "postmark"],
      severity: "high",
      docs: "https://postmarkapp.com/developer/api/overview#authentication",
      examples: {
        match: [kv("POSTMARK_SERVER_TOKEN", uuid("pm"))],
        noMatch: [kv("POSTMARK_FROM", "ops@example.org")],
      },
    },
  ],
});
