import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * supabase: token formats as documented by the vendor —
 * https://supabase.com/docs/reference/api/introduction
 */
export const supabase = defineProvider({
  meta: { id: "supabase", description: "Supabase personal access token" },
  rules: [
    prefixed({
      id: "supabase-access-token",
      description: "Supabase personal access token",
      prefix: "sbp_",
      body: "[a-f0-9]{40}",
      example: fake("sbp_", [HEX, 40]),
      charset: "hex",
      tags: ["database", "supabase"],
      docs: "https://supabase.com/docs/reference/api/introduction",
    }),
  ],
});
