import { defineProvider } from "../rule.js";
import { assigned, kv, uuid } from "./lib.js";

/**
 * postmark: token formats as documented by the vendor —
 * https://postmarkapp.com/developer/api/overview#authentication
 */
export const postmark = defineProvider({
  meta: { id: "postmark", description: "Postmark server / account token under a Postmark name" },
  rules: [
    {
      id: "postmark-server-token",
      description: "Postmark server / account token under a Postmark name",
      keywords: ["postmark"],
      regex: assigned("postmark[a-z_]{0,20}", "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"),
      tags: ["mail", "postmark"],
      severity: "high",
      docs: "https://postmarkapp.com/developer/api/overview#authentication",
      examples: {
        match: [kv("POSTMARK_SERVER_TOKEN", uuid("pm"))],
        noMatch: [kv("POSTMARK_FROM", "ops@example.org")],
      },
    },
  ],
});
