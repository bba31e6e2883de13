import { defineProvider } from "../rule.js";
import { assigned, B64URL, fake, HEX, kv, prefixed } from "./lib.js";

/**
 * cloudflare: token formats as documented by the vendor —
 * https://developers.cloudflare.com/fundamentals/api/get-started/create-token/
 * https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/
 */
export const cloudflare = defineProvider({
  meta: { id: "cloudflare", description: "Cloudflare credentials" },
  rules: [
    {
      id: "cloudflare-api-token",
      description: "Cloudflare API token or global API key under a Cloudflare name",
      keywords: ["cloudflare", "cf_api"],
      regex: assigned("cloudflare[a-z_]{0,20}|cf_api[a-z_]{0,12}", "[A-Za-z0-9_-]{40}|[a-f0-9]{37}"),
      entropy: { min: 3.5, charset: "base64" },
      tags: ["cloud", "cloudflare"],
      severity: "critical",
      docs: "https://developers.cloudflare.com/fundamentals/api/get-started/create-token/",
      examples: {
        match: [kv("CLOUDFLARE_API_TOKEN", fake([B64URL, 40])), kv("CF_API_KEY", fake([HEX, 37]))],
        noMatch: [kv("CLOUDFLARE_ACCOUNT_ID", fake([HEX, 32]))],
      },
    },
    prefixed({
      id: "cloudflare-origin-ca-key",
      description: "Cloudflare Origin CA key",
      prefix: "v1.0-",
      body: "[a-f0-9]{24}-[a-f0-9]{146}",
      example: fake("v1.0-", [HEX, 24], "-", [HEX, 146]),
      charset: "hex",
      tags: ["cloud", "cloudflare"],
      docs: "https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/",
    }),
  ],
});
