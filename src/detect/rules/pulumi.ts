import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * pulumi: token formats as documented by the vendor —
 * https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/
 */
export const pulumi = defineProvider({
  meta: { id: "pulumi", description: "Pulumi access token" },
  rules: [
    prefixed({
      id: "pulumi-access-token",
      description: "Pulumi access token",
      prefix: "pul-",
      body: "[a-f0-9]{40}",
      example: fake("pul-", [HEX, 40]),
      charset: "hex",
      tags: ["iac", "pulumi"],
      // https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/
      docs: "https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/",
    }),
  ],
});
