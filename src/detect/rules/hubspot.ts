import { defineProvider } from "../rule.js";
import { prefixed, uuid } from "./lib.js";

/**
 * hubspot: token formats as documented by the vendor —
 * https://developers.hubspot.com/docs/api/private-apps
 */
export const hubspot = defineProvider({
  meta: { id: "hubspot", description: "HubSpot private app access token" },
  rules: [
    prefixed({
      id: "hubspot-private-app-token",
      description: "HubSpot private app access token",
      prefix: "pat-",
      body: "(?:na|eu)1-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}",
      example: `pat-na1-${uuid("hubspot")}`,
      charset: "hex",
      tags: ["saas", "hubspot"],
      docs: "https://developers.hubspot.com/docs/api/private-apps",
    }),
  ],
});
