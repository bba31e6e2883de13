import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * databricks: token formats as documented by the vendor —
 * https://docs.databricks.com/dev-tools/auth/pat.html
 */
export const databricks = defineProvider({
  meta: { id: "databricks", description: "Databricks personal access token" },
  rules: [
    prefixed({
      id: "databricks-token",
      description: "Databricks personal access token",
      prefix: "dapi",
      body: "[a-f0-9]{32}(?:-\\d)?",
      example: fake("dapi", [HEX, 32]),
      charset: "hex",
      tags: ["data", "databricks"],
      docs: "https://docs.databricks.com/dev-tools/auth/pat.html",
    }),
  ],
});
