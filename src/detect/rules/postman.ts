import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * postman: token formats as documented by the vendor —
 * https://learning.postman.com/docs/developer/postman-api/authentication/
 */
export const postman = defineProvider({
  meta: { id: "postman", description: "Postman API key" },
  rules: [
    prefixed({
      id: "postman-api-key",
      description: "Postman API key",
      prefix: "PMAK-",
      body: "[a-f0-9]{24}-[a-f0-9]{34}",
      example: fake("PMAK-", [HEX, 24], "-", [HEX, 34]),
      charset: "hex",
      tags: ["devtools", "postman"],
      docs: "https://learning.postman.com/docs/developer/postman-api/authentication/",
    }),
  ],
});
