import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * digitalocean: token formats as documented by the vendor —
 * https://docs.digitalocean.com/reference/api/create-personal-access-token/
 * https://docs.digitalocean.com/reference/api/oauth-api/
 */
export const digitalocean = defineProvider({
  meta: { id: "digitalocean", description: "Digitalocean credentials" },
  rules: [
    prefixed({
      id: "digitalocean-pat",
      description: "DigitalOcean personal access token",
      prefix: "dop_v1_",
      body: "[a-f0-9]{64}",
      example: fake("dop_v1_", [HEX, 64]),
      charset: "hex",
      tags: ["cloud", "digitalocean"],
      severity: "critical",
      docs: "https://docs.digitalocean.com/reference/api/create-personal-access-token/",
    }),
    prefixed({
      id: "digitalocean-oauth-token",
      description: "DigitalOcean OAuth access token",
      prefix: "doo_v1_",
      body: "[a-f0-9]{64}",
      example: fake("doo_v1_", [HEX, 64]),
      charset: "hex",
      tags: ["cloud", "digitalocean"],
      severity: "critical",
      docs: "https://docs.digitalocean.com/reference/api/oauth-api/",
    }),
    prefixed({
      id: "digitalocean-refresh-token",
      description: "DigitalOcean OAuth refresh token",
      prefix: "dor_v1_",
      body: "[a-f0-9]{64}",
      example: fake("dor_v1_", [HEX, 64]),
      charset: "hex",
      tags: ["cloud", "digitalocean"],
      severity: "critical",
      docs: "https://docs.digitalocean.com/reference/api/oauth-api/",
    }),
  ],
});
