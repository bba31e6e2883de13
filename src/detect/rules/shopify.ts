import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * shopify: token formats as documented by the vendor —
 * https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens
 * https://shopify.dev/docs/apps/build/authentication-authorization
 */
export const shopify = defineProvider({
  meta: { id: "shopify", description: "Shopify credentials" },
  rules: [
    prefixed({
      id: "shopify-access-token",
      description: "Shopify Admin API access token",
      prefix: "shpat_",
      body: "[a-fA-F0-9]{32}",
      example: fake("shpat_", [HEX, 32]),
      charset: "hex",
      tags: ["commerce", "shopify"],
      severity: "critical",
      docs: "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
    }),
    prefixed({
      id: "shopify-custom-app-token",
      description: "Shopify custom app access token",
      prefix: "shpca_",
      body: "[a-fA-F0-9]{32}",
      example: fake("shpca_", [HEX, 32]),
      charset: "hex",
      tags: ["commerce", "shopify"],
      docs: "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
    }),
    prefixed({
      id: "shopify-private-app-token",
      description: "Shopify private app access token",
      prefix: "shppa_",
      body: "[a-fA-F0-9]{32}",
      example: fake("shppa_", [HEX, 32]),
      charset: "hex",
      tags: ["commerce", "shopify"],
      docs: "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
    }),
    prefixed({
      id: "shopify-shared-secret",
      description: "Shopify app shared secret",
      prefix: "shpss_",
      body: "[a-fA-F0-9]{32}",
      example: fake("shpss_", [HEX, 32]),
      charset: "hex",
      tags: ["commerce", "shopify"],
      docs: "https://shopify.dev/docs/apps/build/authentication-authorization",
    }),
  ],
});
