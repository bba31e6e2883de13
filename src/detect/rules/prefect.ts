import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * prefect: token formats as documented by the vendor —
 * https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys
 */
export const prefect = defineProvider({
  meta: { id: "prefect", description: "Prefect Cloud API key" },
  rules: [
    prefixed({
      id: "prefect-api-key",
      description: "Prefect Cloud API key",
      prefix: "pnu_",
      body: "[A-Za-z0-9]{36}",
      example: fake("pnu_", [ALNUM, 36]),
      tags: ["data", "prefect"],
      docs: "https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys",
    }),
  ],
});
