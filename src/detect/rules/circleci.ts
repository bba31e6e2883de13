import { defineProvider } from "../rule.js";
import { ALNUM, fake, HEX, prefixed } from "./lib.js";

/**
 * circleci: token formats as documented by the vendor —
 * https://circleci.com/docs/managing-api-tokens/
 */
export const circleci = defineProvider({
  meta: { id: "circleci", description: "Circleci credentials" },
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
  ],
});
