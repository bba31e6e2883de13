import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * tailscale: token formats as documented by the vendor —
 * https://tailscale.com/kb/1085/auth-keys
 */
export const tailscale = defineProvider({
  meta: { id: "tailscale", description: "Tailscale API, auth, OAuth client or SCIM key" },
  rules: [
    prefixed({
      id: "tailscale-key",
      description: "Tailscale API, auth, OAuth client or SCIM key",
      prefix: "tskey-",
      body: "(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{10,20}-[A-Za-z0-9]{20,40}",
      example: fake("tskey-auth-", [ALNUM, 16], "-", [ALNUM, 30]),
      tags: ["network", "tailscale"],
      docs: "https://tailscale.com/kb/1085/auth-keys",
    }),
  ],
});
