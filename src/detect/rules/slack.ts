import { defineProvider } from "../rule.js";
import { ALNUM, DIGITS, fake, HEX, LOWNUM, prefixed, UPNUM } from "./lib.js";

/**
 * Slack tokens ("xoxb-" bot, "xoxp-" user, "xapp-" app-level, "xoxe" rotating/config) and incoming
 * webhooks (hooks.slack.com/services/T…/B…/…) —
 * https://api.slack.com/concepts/token-types  https://api.slack.com/messaging/webhooks
 */
const DOCS = "https://api.slack.com/concepts/token-types";
export const slack = defineProvider({
  meta: { id: "slack", description: "Slack tokens and incoming webhooks", docs: DOCS },
  rules: [
    prefixed({
      id: "slack-bot-token",
      description: "Slack bot token",
      prefix: "xoxb-",
      body: "[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24,34}",
      example: fake("xoxb-", [DIGITS, 12], "-", [DIGITS, 13], "-", [ALNUM, 24]),
      tags: ["chat", "slack"],
      docs: DOCS,
    }),
    prefixed({
      id: "slack-user-token",
      description: "Slack user token",
      prefix: "xoxp-",
      body: "[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}",
      example: fake("xoxp-", [DIGITS, 12], "-", [DIGITS, 12], "-", [DIGITS, 13], "-", [HEX, 32]),
      tags: ["chat", "slack"],
      docs: DOCS,
    }),
    prefixed({
      id: "slack-app-token",
      description: "Slack app-level token",
      prefix: "xapp-",
      body: "\\d-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-f0-9]{64}",
      example: fake("xapp-1-", [UPNUM, 11], "-", [DIGITS, 13], "-", [HEX, 64]),
      tags: ["chat", "slack"],
      docs: DOCS,
    }),
    prefixed({
      id: "slack-config-token",
      description: "Slack app configuration access token",
      prefix: "xoxe.xox",
      body: "[bp]-\\d-[A-Za-z0-9]{160,180}",
      example: fake("xoxe.xoxp-1-", [ALNUM, 166]),
      tags: ["chat", "slack"],
      docs: "https://api.slack.com/authentication/config-tokens",
    }),
    prefixed({
      id: "slack-refresh-token",
      description: "Slack rotating refresh token",
      prefix: "xoxe-",
      body: "\\d-[A-Za-z0-9]{140,160}",
      example: fake("xoxe-1-", [ALNUM, 146]),
      tags: ["chat", "slack"],
      docs: "https://api.slack.com/authentication/rotation",
    }),
    {
      id: "slack-legacy-token",
      description: "Slack legacy, workspace or other token (xoxa/xoxo/xoxr/xoxs; xoxb/xoxp of older shapes)",
      keywords: ["xoxa-", "xoxo-", "xoxr-", "xoxs-", "xoxb-", "xoxp-"],
      // The prefix is the format (https://api.slack.com/authentication/token-types): bot and user tokens of
      // older shapes (`xoxb-<id>-<24 alnum>`, two parts; user tokens whose last part is not 32 hex) are
      // read here when the stricter slack-bot-token / slack-user-token do not match.
      // Not after a dot: `xoxe.xoxp-1-…` is a configuration token (slack-config-token).
      regex:
        /(?<![A-Za-z0-9_.-])(xox[aors]-(?:\d-)?[0-9A-Za-z-]{10,200}|xoxb-[0-9]{8,14}-[A-Za-z0-9]{18,26}|xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{28,34})(?![A-Za-z0-9_-])/,
      entropy: { min: 3.3, charset: "base64" },
      tags: ["chat", "slack"],
      severity: "high",
      safePrefix: (s) => s.slice(0, 5),
      docs: DOCS,
      examples: {
        match: [
          fake("xoxs-", [DIGITS, 11], "-", [DIGITS, 12], "-", [HEX, 30]),
          fake("xoxb-", [DIGITS, 12], "-", [ALNUM, 24]),
          fake("xoxp-", [DIGITS, 12], "-", [DIGITS, 13], "-", [DIGITS, 13], "-", [LOWNUM, 32]),
        ],
        noMatch: [
          "xoxs-short",
          "xoxb-not-a-real-token",
          fake("xoxb-", [DIGITS, 5], "-", [ALNUM, 7]),
          "xoxp-1234-1234-1234-4ddbc191d40ee098cbaae6f3523ada2d",
        ],
      },
    },
    {
      id: "slack-webhook-url",
      description: "Slack incoming webhook or workflow trigger URL",
      keywords: ["hooks.slack.com"],
      regex:
        /(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)([A-Za-z0-9+/_-]{20,120})(?![A-Za-z0-9+/_-])/,
      secretGroup: 2,
      entropy: { min: 3.5, charset: "base64" },
      tags: ["chat", "slack", "url"],
      severity: "high",
      docs: "https://api.slack.com/messaging/webhooks",
      examples: {
        match: [
          `https://hooks.slack.com/services/T${fake([UPNUM, 10])}/B${fake([UPNUM, 10])}/${fake([ALNUM, 24])}`,
        ],
        noMatch: ["https://hooks.slack.com/services/"],
      },
    },
  ],
});
