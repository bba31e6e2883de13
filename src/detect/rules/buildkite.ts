import { defineProvider } from "../rule.js";
import { B64URL, fake, HEX, prefixed } from "./lib.js";

/**
 * buildkite: token formats as documented by the vendor —
 * https://buildkite.com/docs/apis/managing-api-tokens
 * https://buildkite.com/docs/agent/v3/tokens
 */
export const buildkite = defineProvider({
  meta: { id: "buildkite", description: "Buildkite credentials" },
  rules: [
    prefixed({
      id: "buildkite-api-token",
      description: "Buildkite API access token",
      prefix: "bkua_",
      body: "[a-f0-9]{40}",
      example: fake("bkua_", [HEX, 40]),
      tags: ["ci", "buildkite"],
      charset: "hex",
      docs: "https://buildkite.com/docs/apis/managing-api-tokens",
    }),
    prefixed({
      id: "buildkite-agent-token",
      description: "Buildkite agent registration token",
      prefix: "bkct_",
      body: "[A-Za-z0-9_-]{40,80}",
      example: fake("bkct_", [B64URL, 50]),
      tags: ["ci", "buildkite"],
      docs: "https://buildkite.com/docs/agent/v3/tokens",
    }),
  ],
});
