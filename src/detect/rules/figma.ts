import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * figma: token formats as documented by the vendor —
 * https://www.figma.com/developers/api#access-tokens
 */
export const figma = defineProvider({
  meta: { id: "figma", description: "Figma personal access token" },
  rules: [
    prefixed({
      id: "figma-token",
      description: "Figma personal access token",
      prefix: "figd_",
      body: "[A-Za-z0-9_-]{40}",
      example: fake("figd_", [B64URL, 40]),
      tags: ["devtools", "figma"],
      docs: "https://www.figma.com/developers/api#access-tokens",
    }),
  ],
});
