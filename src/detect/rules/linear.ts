import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * linear: token formats as documented by the vendor —
 * https://linear.app/developers/graphql#personal-api-keys
 */
export const linear = defineProvider({
  meta: { id: "linear", description: "Linear personal API key" },
  rules: [
    prefixed({
      id: "linear-api-key",
      description: "Linear personal API key",
      prefix: "lin_api_",
      body: "[A-Za-z0-9]{40}",
      example: fake("lin_api_", [ALNUM, 40]),
      tags: ["devtools", "linear"],
      docs: "https://linear.app/developers/graphql#personal-api-keys",
    }),
  ],
});
