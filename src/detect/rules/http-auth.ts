import { defineProvider } from "../rule.js";
import { B64, B64URL, fake } from "./lib.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

/**
 * HTTP Authorization credentials in headers, curl commands and logs: Basic (base64 user:password,
 * RFC 7617) and Bearer tokens (RFC 6750 §2.1).
 */
export const httpAuth = defineProvider({
  meta: { id: "http-auth", description: "HTTP Basic and Bearer credentials" },
  rules: [
    {
      id: "http-basic-auth",
      description: "HTTP Basic credentials",
      keywords: ["basic "],
      regex:
        // The credential is base64 alone: one followed by another token68 character (`.`, `-`, `_`, `~`) is
        // something else — `Basic eyJ….eyJ….sig` is a JWT sent under the wrong scheme, whose first segment
        // (`{"alg":"HS256",…}`) would decode to text with a colon.
        /authorization["']?[ \t]{0,3}[:=][ \t]{0,3}["']?basic[ \t]{1,3}([A-Za-z0-9+/]{6,1024}={0,2})(?![A-Za-z0-9+/=._~-])/i,
      tags: ["http"],
      severity: "high",
      isFalsePositive: (s) => !Buffer.from(s, "base64").toString("latin1").includes(":"),
      docs: "https://datatracker.ietf.org/doc/html/rfc7617",
      examples: {
        match: [`Authorization: Basic ${b64(`admin:${fake([B64URL, 16])}`)}`],
        noMatch: [
          "Authorization: Basic realm",
          `Authorization: Basic ${b64("nocolon")}`,
          `Authorization: Basic ${b64('{"alg":"HS256","typ":"JWT"}').replace(/=+$/, "")}.${fake([B64URL, 24])}.${fake([B64URL, 43])}`,
        ],
      },
    },
    {
      id: "http-bearer-token",
      description: "HTTP Bearer token",
      keywords: ["bearer"],
      regex: /bearer[ \t]{1,3}([A-Za-z0-9._~+/-]{20,4096}={0,2})(?![A-Za-z0-9._~+/=-])/i,
      entropy: { min: 3.5, charset: "any" },
      tags: ["http"],
      severity: "high",
      docs: "https://datatracker.ietf.org/doc/html/rfc6750#section-2.1",
      examples: {
        match: [`curl -H "Authorization: Bearer ${fake([B64, 40])}" https://api.example.org`],
        noMatch: ["Authorization: Bearer <token>", "bearer token required"],
      },
    },
    {
      id: "http-authorization-header",
      description: "HTTP Authorization header with another scheme (token, api key, SSWS, …) or none",
      keywords: ["authorization"],
      // RFC 9110 §11.6.2: `Authorization: <scheme> <credentials>`; Basic and Bearer have their own rules.
      regex:
        /authorization["']?[ \t]{0,3}[:=][ \t]{0,3}["']?(?!basic[ \t]|bearer[ \t])(?:[A-Za-z][A-Za-z0-9-]{1,24}[ \t]{1,3})?([A-Za-z0-9._~+/:=-]{16,256})/i,
      // The credential runs on while its characters do (no end look-ahead: that would backtrack).
      extendWhile: /[A-Za-z0-9._~+/:=-]/,
      entropy: { min: 3.3, charset: "any" },
      tags: ["http"],
      severity: "high",
      docs: "https://www.rfc-editor.org/rfc/rfc9110#section-11.6.2",
      examples: {
        match: [
          `curl -H "Authorization: token ${fake([B64URL, 40])}" https://api.example.org`,
          `Authorization: SSWS ${fake([B64URL, 42])}`,
        ],
        noMatch: ["Authorization: required", "Authorization: Basic realm", "authorization: token <token>"],
      },
    },
  ],
});
