import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * flutterwave: token formats as documented by the vendor —
 * https://developer.flutterwave.com/docs/integration-guides/authentication
 */
export const flutterwave = defineProvider({
  meta: { id: "flutterwave", description: "Flutterwave secret key" },
  rules: [
    prefixed({
      id: "flutterwave-secret-key",
      description: "Flutterwave secret key",
      prefix: "FLWSECK-",
      body: "[a-f0-9]{32}-X",
      example: fake("FLWSECK-", [HEX, 32], "-X"),
      charset: "hex",
      tags: ["payments", "flutterwave"],
      severity: "critical",
      docs: "https://developer.flutterwave.com/docs/integration-guides/authentication",
    }),
  ],
});
