import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * mapbox: token formats as documented by the vendor —
 * https://docs.mapbox.com/accounts/guides/tokens/
 */
export const mapbox = defineProvider({
  meta: { id: "mapbox", description: "Mapbox secret access token" },
  rules: [
    prefixed({
      id: "mapbox-secret-token",
      description: "Mapbox secret access token",
      prefix: "sk.eyJ1Ijoi",
      body: "[A-Za-z0-9_-]{50,200}\\.[A-Za-z0-9_-]{20,30}",
      example: fake("sk.eyJ1Ijoi", [B64URL, 60], ".", [B64URL, 22]),
      tags: ["maps", "mapbox"],
      docs: "https://docs.mapbox.com/accounts/guides/tokens/",
    }),
  ],
});
