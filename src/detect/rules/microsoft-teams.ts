import { defineProvider } from "../rule.js";
import { fake, uuid as guid, HEX, LOWNUM } from "./lib.js";

/**
 * Microsoft Teams incoming webhooks (…webhook.office.com/webhookb2/<guid>@<guid>/IncomingWebhook/<hex>/<guid>) —
 * https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
 */
export const microsoftTeams = defineProvider({
  meta: { id: "microsoft-teams", description: "Microsoft Teams incoming webhooks" },
  rules: [
    {
      id: "microsoft-teams-webhook",
      description: "Microsoft Teams incoming webhook URL",
      keywords: ["webhook.office.com"],
      regex:
        /(https:\/\/[a-z0-9-]{1,60}\.webhook\.office\.com\/webhookb2\/)([a-z0-9-]{36}@[a-z0-9-]{36}\/IncomingWebhook\/[a-z0-9]{32}\/[a-z0-9-]{36}(?:\/[A-Za-z0-9_-]{10,80})?)/,
      secretGroup: 2,
      tags: ["chat", "teams", "url"],
      severity: "high",
      docs: "https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
      examples: {
        match: [
          `https://${fake([LOWNUM, 8])}.webhook.office.com/webhookb2/${guid("a")}@${guid("b")}/IncomingWebhook/${fake([HEX, 32])}/${guid("c")}`,
        ],
        noMatch: ["https://x.webhook.office.com/webhookb2/"],
      },
    },
  ],
});
