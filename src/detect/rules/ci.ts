import { defineProvider } from "../rule.js";
import { ALNUM, B64URL, fake, HEX, prefixed } from "./lib.js";

/**
 * CI/CD services.
 * CircleCI personal API tokens "CCIPAT_" — https://circleci.com/docs/managing-api-tokens/
 * Buildkite API access tokens "bkua_" — https://buildkite.com/docs/apis/managing-api-tokens
 * Buildkite agent tokens "bkagent_"? not documented as prefixed; left to name semantics.
 */
export const ci = defineProvider({
  meta: { id: "ci", description: "CI/CD service tokens (CircleCI, Buildkite)" },
  rules: [
    prefixed({
      id: "circleci-personal-token",
      description: "CircleCI personal API token",
      prefix: "CCIPAT_",
      body: "[A-Za-z0-9]{22}_[a-f0-9]{40}",
      example: fake("CCIPAT_", [ALNUM, 22], "_", [HEX, 40]),
      tags: ["ci", "circleci"],
      docs: "https://circleci.com/docs/managing-api-tokens/",
    }),
    prefixed({
      id: "circleci-project-token",
      description: "CircleCI project API token",
      prefix: "CCIPRJ_",
      body: "[A-Za-z0-9]{22}_[a-f0-9]{40}",
      example: fake("CCIPRJ_", [ALNUM, 22], "_", [HEX, 40]),
      tags: ["ci", "circleci"],
      docs: "https://circleci.com/docs/managing-api-tokens/",
    }),
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
