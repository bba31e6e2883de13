import { defineProvider } from "../rule.js";
import { B64URL, fake, kv } from "./lib.js";

/**
 * okta: token formats as documented by the vendor —
 * https://developer.okta.com/docs/guides/create-an-api-token/main/
 */
export const okta = defineProvider({
  meta: { id: "okta", description: "Okta API token (SSWS) under an Okta name or Authorization header" },
  rules: [
    {
      id: "okta-api-token",
      description: "Okta API token (SSWS) under an Okta name or Authorization header",
      keywords: ["okta", "ssws "],
      // Case-sensitive on purpose (no `i` flag): the name must start a word — `okta`, `Okta`, `OKTA` not
      // after a letter (`OKTA_TOKEN`, `okta.token`), or a camel-case hump after a lower-case letter or digit
      // (`myOktaToken`) — so `rookTable` is not read as `okTable`. Node 20 has no case-sensitive lookbehind
      // inside an `i` pattern (no `(?-i:…)`), hence the spelled-out cases. SSWS is the documented scheme.
      regex:
        /(?:(?:(?<![A-Za-z])(?:[Oo]kta|OKTA)|(?<=[a-z0-9])O(?:kta|KTA))[A-Za-z_]{0,20}["']?[ \t]{0,5}(?:=|:)[ \t]{0,5}["']?|(?:SSWS|ssws|Ssws)[ \t]{1,3})(00[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])/,
      entropy: { min: 3.5, charset: "base64" },
      tags: ["identity", "okta"],
      severity: "critical",
      docs: "https://developer.okta.com/docs/guides/create-an-api-token/main/",
      examples: {
        match: [
          kv("OKTA_API_TOKEN", fake("00", [B64URL, 40])),
          `Authorization: SSWS ${fake("00", [B64URL, 40])}`,
          `const myOktaToken = "${fake("00", [B64URL, 40])}"`,
          `oktaApiToken: ${fake("00", [B64URL, 40])}`,
        ],
        noMatch: [kv("OKTA_DOMAIN", "dev-1.okta.com"), `rookTable = ${fake("00", [B64URL, 40])}`],
      },
    },
  ],
});
