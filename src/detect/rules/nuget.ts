import { defineProvider } from "../rule.js";
import { fake, LOWNUM, prefixed } from "./lib.js";

/**
 * nuget: token formats as documented by the vendor —
 * https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys
 */
export const nuget = defineProvider({
  meta: { id: "nuget", description: "NuGet.org API key" },
  rules: [
    prefixed({
      id: "nuget-api-key",
      description: "NuGet.org API key",
      prefix: "oy2",
      body: "[a-z0-9]{43}",
      example: fake("oy2", [LOWNUM, 43]),
      tags: ["registry", "nuget"],
      docs: "https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys",
    }),
  ],
});
