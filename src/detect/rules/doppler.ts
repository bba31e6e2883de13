import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * doppler: token formats as documented by the vendor —
 * https://docs.doppler.com/docs/token-formats
 */
export const doppler = defineProvider({
  meta: { id: "doppler", description: "Doppler personal, service, CLI, SCIM or audit token" },
  rules: [
    prefixed({
      id: "doppler-token",
      description: "Doppler personal, service, CLI, SCIM or audit token",
      prefix: "dp.",
      body: "(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9_.-]{40,60}",
      example: fake("dp.st.", [ALNUM, 43]),
      tags: ["secrets-manager", "doppler"],
      severity: "critical",
      docs: "https://docs.doppler.com/docs/token-formats",
    }),
  ],
});
