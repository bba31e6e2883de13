import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * facebook: token formats as documented by the vendor —
 * https://developers.facebook.com/docs/facebook-login/guides/access-tokens
 */
export const facebook = defineProvider({
  meta: { id: "facebook", description: "Facebook / Meta user access token" },
  rules: [
    prefixed({
      id: "facebook-access-token",
      description: "Facebook / Meta user access token",
      prefix: "EAACEdEose0cBA",
      body: "[A-Za-z0-9]{50,255}",
      example: fake("EAACEdEose0cBA", [ALNUM, 120]),
      charset: "alnum",
      tags: ["social", "facebook"],
      docs: "https://developers.facebook.com/docs/facebook-login/guides/access-tokens",
    }),
  ],
});
