import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * razorpay: token formats as documented by the vendor —
 * https://razorpay.com/docs/api/authentication/
 */
export const razorpay = defineProvider({
  meta: { id: "razorpay", description: "Razorpay live key id" },
  rules: [
    prefixed({
      id: "razorpay-live-key",
      description: "Razorpay live key id",
      prefix: "rzp_live_",
      body: "[A-Za-z0-9]{14}",
      example: fake("rzp_live_", [ALNUM, 14]),
      charset: "alnum",
      tags: ["payments", "razorpay"],
      docs: "https://razorpay.com/docs/api/authentication/",
    }),
  ],
});
