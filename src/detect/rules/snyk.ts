import { defineProvider } from "../rule.js";
import { assigned, kv, uuid } from "./lib.js";

/**
 * snyk: token formats as documented by the vendor —
 * https://docs.snyk.io/snyk-api/authentication-for-api
 */
export const snyk = defineProvider({
  meta: { id: "snyk", description: "Snyk API token (UUID) under a Snyk name" },
  rules: [
    {
      id: "snyk-token",
      description: "Snyk API token (UUID) under a Snyk name",
      keywords: ["snyk"],
      regex: assigned("snyk[a-z_]{0,20}", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
      tags: ["security", "snyk"],
      severity: "high",
      docs: "https://docs.snyk.io/snyk-api/authentication-for-api",
      examples: { match: [kv("SNYK_TOKEN", uuid("snyk"))], noMatch: [kv("SNYK_ORG", "my-org")] },
    },
  ],
});
