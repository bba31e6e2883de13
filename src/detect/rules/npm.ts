import { defineProvider } from "../rule.js";
import { ALNUM, B64, B64URL, fake, prefixed } from "./lib.js";

/**
 * npm: access tokens "npm_" + 36 base62 — https://docs.npmjs.com/about-access-tokens
 * and `_authToken` / `_auth` / `_password` in .npmrc (also NPM_CONFIG__AUTH… in the environment) —
 * https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration
 */
export const npm = defineProvider({
  meta: { id: "npm", description: "npm registry tokens and .npmrc credentials" },
  rules: [
    prefixed({
      id: "npm-access-token",
      description: "npm access token",
      prefix: "npm_",
      body: "[A-Za-z0-9]{36}",
      example: fake("npm_", [ALNUM, 36]),
      tags: ["registry", "npm"],
      severity: "critical",
      docs: "https://docs.npmjs.com/about-access-tokens",
      charset: "alnum",
    }),
    {
      id: "npmrc-auth",
      description: "Credential in an .npmrc line (_authToken, _auth, _password)",
      keywords: ["_authtoken", "_auth", "_password"],
      regex:
        /(?<=^|[:/ \t])(?:_authToken|_auth|_password)["']?[ \t]{0,3}[=:][ \t]{0,3}["']?([A-Za-z0-9._~+/=-]{8,2048})/i,
      extendWhile: /[A-Za-z0-9._~+/=-]/,
      entropy: { min: 3.0, charset: "any" },
      tags: ["registry", "npm"],
      severity: "critical",
      docs: "https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration",
      examples: {
        match: [
          `//registry.npmjs.org/:_authToken=${fake([B64URL, 40])}`,
          `//npm.pkg.github.com/:_auth=${fake([B64, 32])}=`,
        ],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the point of the example
        noMatch: ["//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "_authToken="],
      },
    },
  ],
});
