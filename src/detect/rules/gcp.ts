import { defineProvider } from "../rule.js";
import { ALNUM, B64, B64URL, fake } from "./lib.js";

const pem = `-----BEGIN PRIVATE KEY-----\\n${fake([B64, 64])}\\n${fake([B64, 64])}\\n${fake([B64, 40])}==\\n-----END PRIVATE KEY-----\\n`;

/**
 * Google Cloud / Google APIs.
 * API keys: "AIza" + 35 characters — https://cloud.google.com/docs/authentication/api-keys
 * Service-account key JSON ("type": "service_account", "private_key": PEM with \n escapes) —
 * https://cloud.google.com/iam/docs/keys-create-delete
 * OAuth client secrets "GOCSPX-" — https://developers.google.com/identity/protocols/oauth2
 * Access tokens "ya29." and refresh tokens "1//0" — https://developers.google.com/identity/protocols/oauth2#expiration
 */
export const gcp = defineProvider({
  meta: { id: "gcp", description: "Google Cloud and Google API credentials" },
  rules: [
    {
      id: "gcp-api-key",
      description: "Google API key",
      keywords: ["aiza"],
      regex: /(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/,
      entropy: { min: 3.5, charset: "base64" },
      // Keys published in Firebase's public SDK sources and tests (firebase/firebase-android-sdk), the same
      // list gitleaks allowlists (cmd/generate/config/rules/gcp.go): masked, but no finding.
      exampleKeys: [
        "AIzaSyabcdefghijklmnopqrstuvwxyz1234567",
        "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
        "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
        "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
        "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
        "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
        "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
        "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
        "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
        "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
        "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
        "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
        "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
        "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
        "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
        "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
      ],
      tags: ["cloud", "gcp"],
      severity: "high",
      safePrefix: "AIza",
      docs: "https://cloud.google.com/docs/authentication/api-keys",
      examples: {
        match: [
          fake("AIza", [B64URL, 35]),
          `GOOGLE_API_KEY="${fake("AIza", [B64URL, 35])}"`,
          // Google's documentation key: masked, marked example (data/example-keys.json).
          "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
        ],
        noMatch: ["AIzashort"],
      },
    },
    {
      id: "gcp-service-account-key",
      description: "Google service-account key file (the private_key field)",
      keywords: ['"private_key"'],
      regex:
        /"private_key"[ \t]{0,5}:[ \t]{0,5}"(-----BEGIN[ A-Z]{0,30}PRIVATE KEY-----[A-Za-z0-9+/=\\ ]{64,16384}?-----END[ A-Z]{0,30}PRIVATE KEY-----(?:\\n)?)"/,
      tags: ["cloud", "gcp", "private-key"],
      severity: "critical",
      safePrefix: (s) => s.slice(0, s.indexOf("-----", 5) + 5),
      docs: "https://cloud.google.com/iam/docs/keys-create-delete",
      examples: {
        match: [
          `{"type": "service_account", "private_key": "${pem}", "client_email": "a@b.iam.gserviceaccount.com"}`,
        ],
        noMatch: ['{"private_key": ""}', '{"private_key_id": "abc"}'],
      },
    },
    {
      id: "gcp-oauth-client-secret",
      description: "Google OAuth client secret",
      keywords: ["gocspx-"],
      regex: /(?<![A-Za-z0-9_-])(GOCSPX-[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])/,
      tags: ["cloud", "gcp"],
      severity: "high",
      safePrefix: "GOCSPX-",
      docs: "https://developers.google.com/identity/protocols/oauth2",
      examples: { match: [fake("GOCSPX-", [B64URL, 28])], noMatch: ["GOCSPX-short"] },
    },
    {
      id: "gcp-oauth-access-token",
      description: "Google OAuth 2.0 access token",
      keywords: ["ya29."],
      regex: /(?<![A-Za-z0-9_-])(ya29\.[0-9A-Za-z_-]{30,2048})(?![A-Za-z0-9_-])/,
      entropy: { min: 3.5, charset: "base64" },
      tags: ["cloud", "gcp"],
      severity: "high",
      safePrefix: "ya29.",
      docs: "https://developers.google.com/identity/protocols/oauth2",
      examples: { match: [fake("ya29.a0", [B64URL, 150])], noMatch: ["ya29.short"] },
    },
    {
      id: "gcp-oauth-refresh-token",
      description: "Google OAuth 2.0 refresh token",
      keywords: ["1//0"],
      regex: /(?<![A-Za-z0-9_/-])(1\/\/0[A-Za-z0-9_-]{40,512})(?![A-Za-z0-9_-])/,
      entropy: { min: 3.5, charset: "base64" },
      tags: ["cloud", "gcp"],
      severity: "high",
      safePrefix: "1//0",
      docs: "https://developers.google.com/identity/protocols/oauth2",
      examples: { match: [fake("1//0", [ALNUM, 2], "Cg", [B64URL, 90])], noMatch: ["1//0abc"] },
    },
  ],
});
