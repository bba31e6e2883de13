import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed, UPNUM } from "./lib.js";

/**
 * newrelic: token formats as documented by the vendor —
 * https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/
 */
export const newrelic = defineProvider({
  meta: { id: "newrelic", description: "Newrelic credentials" },
  rules: [
    prefixed({
      id: "newrelic-user-api-key",
      description: "New Relic user API key",
      prefix: "NRAK-",
      body: "[A-Z0-9]{27}",
      example: fake("NRAK-", [UPNUM, 27]),
      tags: ["observability", "newrelic"],
      docs: "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
    }),
    prefixed({
      id: "newrelic-insert-key",
      description: "New Relic Insights insert key",
      prefix: "NRII-",
      body: "[A-Za-z0-9_-]{32}",
      example: fake("NRII-", [B64URL, 32]),
      tags: ["observability", "newrelic"],
      docs: "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
    }),
  ],
});
