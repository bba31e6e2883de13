import { defineProvider } from "../rule.js";
import { fake, HEX, LOWNUM, prefixed } from "./lib.js";

/**
 * braintree: token formats as documented by the vendor —
 * https://developer.paypal.com/braintree/docs/guides/authorization/access-token
 */
export const braintree = defineProvider({
  meta: { id: "braintree", description: "Braintree / PayPal production access token" },
  rules: [
    prefixed({
      id: "braintree-access-token",
      description: "Braintree / PayPal production access token",
      prefix: "access_token$production$",
      body: "[0-9a-z]{16}\\$[0-9a-f]{32}",
      example: fake("access_token$production$", [LOWNUM, 16], "$", [HEX, 32]),
      end: "(?![A-Za-z0-9])",
      tags: ["payments", "paypal"],
      severity: "critical",
      docs: "https://developer.paypal.com/braintree/docs/guides/authorization/access-token",
    }),
  ],
});
