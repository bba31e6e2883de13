import { defineProvider } from "../rule.js";
import { ALNUM, fake, LOWNUM, prefixed } from "./lib.js";

/**
 * nuget: token formats as documented by the vendor —
 * https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys
 * nuget.config `<packageSourceCredentials>`: `<add key="Username" …/>`, `<add key="Password" value="…"/>`
 * (encrypted, Windows) or `<add key="ClearTextPassword" value="…"/>`; values may name an environment variable
 * as `%NAME%` — https://learn.microsoft.com/nuget/reference/nuget-config-file#packagesourcecredentials
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
    {
      id: "nuget-config-password",
      description: "Package-source password in a nuget.config",
      keywords: ["<add key="],
      regex: /<add key="(?:ClearText)?Password"[ \t]{1,8}value="([^"\r\n]{8,4096})"/i,
      // The values of Microsoft's nuget.config reference page: masked, no finding.
      exampleKeys: ["33f!!lloppa", "hal+9ooo_da!sY"],
      allow: [/^%[^%\s]{1,128}%$/],
      tags: ["registry", "nuget"],
      severity: "high",
      docs: "https://learn.microsoft.com/nuget/reference/nuget-config-file#packagesourcecredentials",
      examples: {
        match: [
          `<add key="ClearTextPassword" value="${fake([ALNUM, 16])}" />`,
          `<add key="Password" value="${fake([ALNUM, 40])}" />`,
          '<add key="ClearTextPassword" value="33f!!lloppa" />',
        ],
        noMatch: [
          '<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />',
          '<add key="ClearTextPassword" value="abc" />',
          '<add key="Username" value="someone@example.com" />',
        ],
      },
    },
  ],
});
