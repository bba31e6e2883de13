import { defineProvider } from "../rule.js";
import { ALNUM, B64URL, fake, HEX, prefixed } from "./lib.js";

/**
 * harness: token formats as documented by the vendor —
 * https://developer.harness.io/docs/platform/automation/api/add-and-manage-api-keys/
 */
export const harness = defineProvider({
  meta: { id: "harness", description: "Harness personal access token / service account token" },
  rules: [
    prefixed({
      id: "harness-pat",
      description: "Harness personal access token / service account token",
      prefix: "pat.",
      body: "[A-Za-z0-9_-]{22}\\.[a-f0-9]{24}\\.[A-Za-z0-9]{20}",
      example: fake("pat.", [B64URL, 22], ".", [HEX, 24], ".", [ALNUM, 20]),
      tags: ["ci", "harness"],
      docs: "https://developer.harness.io/docs/platform/automation/api/add-and-manage-api-keys/",
    }),
  ],
});
