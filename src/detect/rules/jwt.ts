import { defineProvider } from "../rule.js";
import { B64URL, fake } from "./lib.js";

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
const token = (claims: object) =>
  `${b64url({ alg: "RS256", typ: "JWT", kid: fake([B64URL, 16]) })}.${b64url(claims)}.${fake([B64URL, 86])}`;

/**
 * JSON Web Tokens: base64url(header) "." base64url(claims) "." signature, the header always holding
 * "alg" — RFC 7519 §3, RFC 7515 §4.1.1. Kubernetes service-account tokens are JWTs.
 */
export const jwt = defineProvider({
  meta: { id: "jwt", description: "JSON Web Tokens (incl. Kubernetes service-account tokens)" },
  rules: [
    {
      id: "jwt",
      description: "JSON Web Token",
      keywords: ["eyj"],
      regex:
        /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,4096}\.eyJ[A-Za-z0-9_-]{4,16384}\.[A-Za-z0-9_-]{0,4096})(?![A-Za-z0-9_-])/,
      tags: ["token", "jwt", "structured"],
      severity: "high",
      safePrefix: "eyJ",
      // A JWT's header decodes to a JSON object with "alg" (RFC 7515 §4.1.1).
      isFalsePositive(s) {
        try {
          const h = JSON.parse(Buffer.from(s.slice(0, s.indexOf(".")), "base64url").toString("utf8"));
          return typeof h !== "object" || h === null || typeof h.alg !== "string";
        } catch {
          return true;
        }
      },
      docs: "https://datatracker.ietf.org/doc/html/rfc7519#section-3",
      examples: {
        match: [
          token({
            iss: "kubernetes/serviceaccount",
            sub: "system:serviceaccount:default:app",
            exp: 2000000000,
          }),
          `Authorization: Bearer ${token({ sub: "user-1", aud: "api" })}`,
        ],
        noMatch: [`${b64url({ foo: 1 })}.${b64url({ bar: 2 })}.sig`, "eyJnotatoken"],
      },
    },
  ],
});
