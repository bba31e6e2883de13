import { defineProvider } from "../rule.js";
import { fake, prefixed, UPNUM } from "./lib.js";

/**
 * dynatrace: token formats as documented by the vendor —
 * https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens
 */
export const dynatrace = defineProvider({
  meta: { id: "dynatrace", description: "Dynatrace API token" },
  rules: [
    prefixed({
      id: "dynatrace-token",
      description: "Dynatrace API token",
      prefix: "dt0c01.",
      body: "[A-Z0-9]{24}\\.[A-Z0-9]{64}",
      example: fake("dt0c01.", [UPNUM, 24], ".", [UPNUM, 64]),
      tags: ["observability", "dynatrace"],
      docs: "https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens",
    }),
  ],
});
