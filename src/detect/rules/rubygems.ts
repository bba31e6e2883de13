import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * rubygems: token formats as documented by the vendor —
 * https://guides.rubygems.org/api-key-scopes/
 */
export const rubygems = defineProvider({
  meta: { id: "rubygems", description: "RubyGems API key" },
  rules: [
    prefixed({
      id: "rubygems-api-key",
      description: "RubyGems API key",
      prefix: "rubygems_",
      body: "[a-f0-9]{48}",
      example: fake("rubygems_", [HEX, 48]),
      charset: "hex",
      tags: ["registry", "rubygems"],
      docs: "https://guides.rubygems.org/api-key-scopes/",
    }),
  ],
});
