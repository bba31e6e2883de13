import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * Stripe API keys: "sk_live_" secret, "rk_live_" restricted, "sk_test_"/"rk_test_" test mode; webhook
 * signing secrets "whsec_" — https://docs.stripe.com/keys  https://docs.stripe.com/webhooks#verify-events
 */
export const stripe = defineProvider({
  meta: { id: "stripe", description: "Stripe API keys and webhook secrets" },
  rules: [
    prefixed({
      id: "stripe-live-secret-key",
      description: "Stripe live secret key",
      prefix: "sk_live_",
      body: "[A-Za-z0-9]{24,247}",
      example: fake("sk_live_", [ALNUM, 99]),
      charset: "alnum",
      tags: ["payments", "stripe"],
      severity: "critical",
      docs: "https://docs.stripe.com/keys",
    }),
    prefixed({
      id: "stripe-live-restricted-key",
      description: "Stripe live restricted key",
      prefix: "rk_live_",
      body: "[A-Za-z0-9]{24,247}",
      example: fake("rk_live_", [ALNUM, 99]),
      charset: "alnum",
      tags: ["payments", "stripe"],
      severity: "critical",
      docs: "https://docs.stripe.com/keys#limit-access",
    }),
    prefixed({
      id: "stripe-test-secret-key",
      description: "Stripe test-mode secret key (grants access to test data only)",
      prefix: "sk_test_",
      body: "[A-Za-z0-9]{24,247}",
      example: fake("sk_test_", [ALNUM, 99]),
      charset: "alnum",
      tags: ["payments", "stripe"],
      severity: "low",
      docs: "https://docs.stripe.com/keys#test-live-modes",
    }),
    prefixed({
      id: "stripe-webhook-secret",
      description: "Stripe webhook signing secret",
      prefix: "whsec_",
      body: "[A-Za-z0-9+/]{32,100}={0,2}",
      example: fake("whsec_", [ALNUM, 32]),
      end: "(?![A-Za-z0-9+/=_-])",
      tags: ["payments", "stripe"],
      docs: "https://docs.stripe.com/webhooks#verify-events",
    }),
  ],
});
