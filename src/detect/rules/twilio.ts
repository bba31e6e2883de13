import { defineProvider } from "../rule.js";
import { assigned, fake, HEX, kv } from "./lib.js";

/**
 * twilio: token formats as documented by the vendor —
 * https://www.twilio.com/docs/iam/api-keys
 */
export const twilio = defineProvider({
  meta: { id: "twilio", description: "Twilio API key SID and secret / auth token under a Twilio name" },
  rules: [
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
  ],
});
