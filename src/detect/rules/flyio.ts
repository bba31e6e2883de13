import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * flyio: token formats as documented by the vendor —
 * https://fly.io/docs/security/tokens/
 */
export const flyio = defineProvider({
  meta: { id: "flyio", description: "Fly.io access token" },
  rules: [
    prefixed({
      id: "flyio-token",
      description: "Fly.io access token",
      prefix: "fo1_",
      body: "[A-Za-z0-9_-]{43}",
      example: fake("fo1_", [B64URL, 43]),
      tags: ["cloud", "flyio"],
      docs: "https://fly.io/docs/security/tokens/",
    }),
  ],
});
