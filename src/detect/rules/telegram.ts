import { defineProvider } from "../rule.js";
import { B64URL, DIGITS, fake } from "./lib.js";

/** Telegram bot tokens: "<bot id>:AA<33 chars>" — https://core.telegram.org/bots/api#authorizing-your-bot */
export const telegram = defineProvider({
  meta: { id: "telegram", description: "Telegram bot tokens" },
  rules: [
    {
      id: "telegram-bot-token",
      description: "Telegram Bot API token",
      keywords: [":aa"],
      regex: /(?<![A-Za-z0-9_:-])(\d{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])/,
      entropy: { min: 3.5, charset: "base64" },
      tags: ["chat", "telegram"],
      severity: "high",
      docs: "https://core.telegram.org/bots/api#authorizing-your-bot",
      examples: {
        match: [fake([DIGITS, 10], ":AA", [B64URL, 33])],
        noMatch: ["12345678:AAshort", "10:30:AA"],
      },
    },
  ],
});
