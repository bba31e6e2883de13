import { defineProvider } from "../rule.js";
import { assigned, B64URL, fake, kv, prefixed, uuid } from "./lib.js";

/**
 * heroku: token formats as documented by the vendor —
 * https://devcenter.heroku.com/articles/authentication
 */
export const heroku = defineProvider({
  meta: { id: "heroku", description: "Heroku credentials" },
  rules: [
    prefixed({
      id: "heroku-api-key-v2",
      description: "Heroku platform API key (HRKU- format)",
      prefix: "HRKU-",
      body: "[A-Za-z0-9_-]{60}",
      example: fake("HRKU-AA", [B64URL, 58]),
      tags: ["cloud", "heroku"],
      severity: "critical",
      docs: "https://devcenter.heroku.com/articles/authentication",
    }),
    {
      id: "heroku-api-key",
      description: "Heroku API key (UUID) under a Heroku name",
      keywords: ["heroku"],
      regex: assigned("heroku[a-z_]{0,20}", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
      tags: ["cloud", "heroku"],
      severity: "critical",
      docs: "https://devcenter.heroku.com/articles/authentication",
      examples: { match: [kv("HEROKU_API_KEY", uuid("heroku"))], noMatch: [kv("HEROKU_APP_NAME", "my-app")] },
    },
  ],
});
