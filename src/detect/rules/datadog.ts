import { defineProvider } from "../rule.js";
import { assigned, fake, HEX, kv } from "./lib.js";

/**
 * datadog: token formats as documented by the vendor —
 * https://docs.datadoghq.com/account_management/api-app-keys/
 */
export const datadog = defineProvider({
  meta: {
    id: "datadog",
    description: "Datadog API key (32 hex) or application key (40 hex) under a Datadog name",
  },
  rules: [
    {
      id: "datadog-api-key",
      description: "Datadog API key (32 hex) or application key (40 hex) under a Datadog name",
      keywords: ["datadog", "dd_api_key", "dd_app_key", "dd_application_key"],
      regex: assigned(
        "datadog[a-z_]{0,20}|dd_api_key|dd_app_key|dd_application_key",
        "[a-f0-9]{40}|[a-f0-9]{32}",
      ),
      entropy: { min: 3.0, charset: "hex" },
      tags: ["observability", "datadog"],
      severity: "high",
      docs: "https://docs.datadoghq.com/account_management/api-app-keys/",
      examples: {
        match: [kv("DD_API_KEY", fake([HEX, 32])), kv("DATADOG_APP_KEY", fake([HEX, 40]))],
        noMatch: [kv("DD_SITE", "datadoghq.eu")],
      },
    },
  ],
});
