import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * jfrog: token formats as documented by the vendor —
 * https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key
 * https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens
 */
export const jfrog = defineProvider({
  meta: { id: "jfrog", description: "Jfrog credentials" },
  rules: [
    prefixed({
      id: "jfrog-api-key",
      description: "JFrog Artifactory API key",
      prefix: "AKCp",
      body: "[A-Za-z0-9]{69}",
      example: fake("AKCp", [ALNUM, 69]),
      tags: ["registry", "jfrog"],
      docs: "https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key",
    }),
    prefixed({
      id: "jfrog-reference-token",
      description: "JFrog reference (identity) token",
      prefix: "cmVmdGtuOjAxOj",
      body: "[A-Za-z0-9]{50,100}",
      example: fake("cmVmdGtuOjAxOj", [ALNUM, 50]),
      tags: ["registry", "jfrog"],
      docs: "https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens",
    }),
  ],
});
