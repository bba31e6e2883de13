import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * langsmith: token formats as documented by the vendor —
 * https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key
 */
export const langsmith = defineProvider({
  meta: { id: "langsmith", description: "LangSmith personal access token or service key" },
  rules: [
    prefixed({
      id: "langsmith-api-key",
      description: "LangSmith personal access token or service key",
      prefix: "lsv2_",
      body: "(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}",
      example: fake("lsv2_pt_", [HEX, 32], "_", [HEX, 10]),
      charset: "hex",
      tags: ["ai", "langsmith"],
      docs: "https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key",
    }),
  ],
});
