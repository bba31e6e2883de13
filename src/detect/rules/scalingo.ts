import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * scalingo: token formats as documented by the vendor —
 * https://developers.scalingo.com/index#authentication
 */
export const scalingo = defineProvider({
  meta: { id: "scalingo", description: "Scalingo API token" },
  rules: [
    prefixed({
      id: "scalingo-api-token",
      description: "Scalingo API token",
      prefix: "tk-us-",
      body: "[A-Za-z0-9_-]{48}",
      example: fake("tk-us-", [B64URL, 48]),
      tags: ["cloud", "scalingo"],
      docs: "https://developers.scalingo.com/index#authentication",
    }),
  ],
});
