import { defineProvider } from "../rule.js";
import { fake, LOWNUM, prefixed } from "./lib.js";

/**
 * readme: token formats as documented by the vendor —
 * https://docs.readme.com/main/reference/intro/authentication
 */
export const readme = defineProvider({
  meta: { id: "readme", description: "ReadMe API key" },
  rules: [
    prefixed({
      id: "readme-api-key",
      description: "ReadMe API key",
      prefix: "rdme_",
      body: "[a-z0-9]{70}",
      example: fake("rdme_", [LOWNUM, 70]),
      tags: ["devtools", "readme"],
      docs: "https://docs.readme.com/main/reference/intro/authentication",
    }),
  ],
});
