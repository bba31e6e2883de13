import { defineProvider } from "../rule.js";
import { assigned, B64URL, DIGITS, fake, kv } from "./lib.js";

/**
 * Discord webhooks (…/api/webhooks/<id>/<token>) — https://discord.com/developers/docs/resources/webhook
 * Bot tokens: base64(user id) "." timestamp "." HMAC — https://discord.com/developers/docs/reference#authentication
 * OAuth2 client secrets: 32 characters, shown once in the developer portal —
 * https://discord.com/developers/docs/topics/oauth2 (read only under a Discord name: the bare value has no
 * prefix; the client id beside it is public and not flagged).
 */
export const discord = defineProvider({
  meta: { id: "discord", description: "Discord webhooks, bot tokens and OAuth2 client secrets" },
  rules: [
    {
      id: "discord-webhook-url",
      description: "Discord webhook URL",
      keywords: ["/api/webhooks/"],
      regex:
        /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/([A-Za-z0-9_-]{60,68})(?![A-Za-z0-9_-])/,
      entropy: { min: 4.0, charset: "base64" },
      tags: ["chat", "discord", "url"],
      severity: "high",
      docs: "https://discord.com/developers/docs/resources/webhook",
      examples: {
        match: [`https://discord.com/api/webhooks/${fake([DIGITS, 19])}/${fake([B64URL, 68])}`],
        noMatch: ["https://discord.com/api/webhooks/123/abc"],
      },
    },
    {
      id: "discord-bot-token",
      description: "Discord bot token under a Discord name",
      keywords: ["discord"],
      regex: assigned(
        "discord[a-z_]{0,10}",
        "[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}",
      ),
      entropy: { min: 3.5, charset: "base64" },
      tags: ["chat", "discord"],
      severity: "high",
      docs: "https://discord.com/developers/docs/reference#authentication",
      examples: {
        match: [kv("DISCORD_BOT_TOKEN", fake("M", [B64URL, 25], ".", [B64URL, 6], ".", [B64URL, 38]))],
        noMatch: [kv("DISCORD_BOT_TOKEN", "M.x.y")],
      },
    },
    {
      id: "discord-client-secret",
      description: "Discord OAuth2 client secret under a Discord name",
      keywords: ["discord"],
      regex: assigned("discord[a-z_]{0,20}", "[A-Za-z0-9_-]{32}"),
      // Entropy over letters and digits: an all-digit secret (as gitleaks' samples are) still passes.
      entropy: { min: 3.0, charset: "alnum" },
      tags: ["chat", "discord"],
      severity: "high",
      docs: "https://discord.com/developers/docs/topics/oauth2",
      examples: {
        match: [
          kv("DISCORD_CLIENT_SECRET", fake([B64URL, 32])),
          `discord_token: "${fake([DIGITS, 32])}"`,
          `discordToken := "${fake([B64URL, 32])}"`,
        ],
        noMatch: [
          kv("DISCORD_CLIENT_ID", fake([DIGITS, 18])),
          kv("DISCORD_CLIENT_SECRET", "0".repeat(32)),
          kv("DISCORD_CHANNEL", fake([B64URL, 33])),
        ],
      },
    },
  ],
});
