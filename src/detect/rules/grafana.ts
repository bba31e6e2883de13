import { defineProvider } from "../rule.js";
import { ALNUM, B64, fake, HEX, prefixed } from "./lib.js";

/**
 * grafana: token formats as documented by the vendor —
 * https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/
 * https://grafana.com/docs/grafana/latest/administration/service-accounts/
 */
export const grafana = defineProvider({
  meta: { id: "grafana", description: "Grafana credentials" },
  rules: [
    prefixed({
      id: "grafana-cloud-token",
      description: "Grafana Cloud access policy / API token",
      prefix: "glc_",
      body: "[A-Za-z0-9+/]{32,400}={0,2}",
      example: fake("glc_", [B64, 80]),
      end: "(?![A-Za-z0-9+/=_-])",
      tags: ["observability", "grafana"],
      docs: "https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/",
    }),
    prefixed({
      id: "grafana-service-account-token",
      description: "Grafana service account token",
      prefix: "glsa_",
      body: "[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}",
      example: fake("glsa_", [ALNUM, 32], "_", [HEX, 8]),
      tags: ["observability", "grafana"],
      docs: "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
    }),
  ],
});
