import { defineProvider } from "../rule.js";
import { ALNUM, fake } from "./lib.js";

/**
 * Passwords in URL userinfo (`scheme://user:password@host`, RFC 3986 §3.2.1): database DSNs
 * (postgres, mysql, mongodb, redis, amqp), proxies, git remotes. Only the password is the secret; partial
 * masks keep scheme, user and host, full masks hide the whole userinfo.
 */
export const url = defineProvider({
  meta: { id: "url", description: "Passwords in URL userinfo" },
  rules: [
    {
      id: "url-password",
      description: "Password in the userinfo of a URL",
      keywords: ["://"],
      regex:
        /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,31}:\/\/(([^ \t\r\n:@/?#'"<>\\`]{0,256}):([^ \t\r\n@/?#'"<>\\`]{1,512}))@(?=[A-Za-z0-9[._-])/,
      secretGroup: 3,
      fullGroup: 1,
      tags: ["url", "database", "proxy"],
      severity: "high",
      // References and placeholders in the password position are not secrets: `${VAR}`, `***`, `%VAR%` and a
      // template's `{PASS}`.
      allow: [
        /^\$\{?[A-Za-z_][A-Za-z0-9_]{0,100}\}?$/,
        /^\*{1,20}$/,
        /^%[A-Z_]{1,40}%$/,
        /^\{[A-Za-z_][A-Za-z0-9_.-]{0,100}\}$/,
      ],
      // Under 4 characters is no password, as for a credential-named value (`names.ts`): `user:abc@`.
      isFalsePositive: (s) => s.length < 4,
      docs: "https://datatracker.ietf.org/doc/html/rfc3986#section-3.2.1",
      examples: {
        match: [
          `postgres://app:${fake([ALNUM, 16])}@db.internal:5432/app`,
          `redis://:${fake([ALNUM, 24])}@cache:6379/0`,
          `amqp://guest:${fake([ALNUM, 12])}@rabbit/`,
          `HTTPS_PROXY=https://user:${fake([ALNUM, 10])}@proxy.corp:3128`,
          `mongodb+srv://u:${fake([ALNUM, 18])}@cluster0.mongodb.net/db`,
        ],
        noMatch: [
          "https://example.com/path",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the point of the example
          "postgres://app:${DB_PASSWORD}@db/app",
          "ssh://git@github.com/o/r",
          "http://host:8080/",
          "https://{USER}:{PASS}@template.example.com",
          "https://user:abc@api.example.com/v1",
        ],
      },
    },
  ],
});
