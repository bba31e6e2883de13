import { defineProvider } from "../rule.js";
import { assigned, B64, fake, HEX, kv, UPNUM } from "./lib.js";

const B32AWS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const keyId = fake("AKIA", [B32AWS, 16]);
const secret = fake([B64, 40]);

/**
 * AWS credentials.
 * Access key ids: "AKIA" (long-term) / "ASIA" (STS temporary) + 16 base32 characters —
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
 * Secret access keys are 40 characters of base64 with no marker, so they need the variable name —
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
 */
export const aws = defineProvider({
  meta: { id: "aws", description: "Amazon Web Services keys and tokens" },
  rules: [
    {
      id: "aws-access-key-id",
      description: "AWS access key id (AKIA/ASIA/ABIA/ACCA)",
      keywords: ["akia", "asia", "abia", "acca", "a3t"],
      regex: /(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Za-z0-9])/,
      entropy: { min: 3.0, charset: "alnum" },
      // AWS's documentation keys all end in EXAMPLE (AKIAIOSFODNN7EXAMPLE, AKIAI44QH8DHBEXAMPLE).
      exampleKeys: [/EXAMPLE$/],
      tags: ["cloud", "aws"],
      severity: "high",
      safePrefix: "AKIA",
      docs: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html",
      examples: {
        match: [keyId, kv("AWS_ACCESS_KEY_ID", fake("ASIA", [B32AWS, 16])), "AKIAIOSFODNN7EXAMPLE"],
        noMatch: ["AKIA1234", `X${keyId}`, "AKIAAAAAAAAAAAAAAAAA"],
      },
    },
    {
      id: "aws-secret-access-key",
      description: "AWS secret access key (40 base64 characters under an AWS secret name)",
      keywords: ["secret_access_key", "secretaccesskey", "aws_secret", "secret-access-key", "aws_secret_key"],
      regex: assigned(
        "aws_?secret_?access_?key|secret_?access_?key|aws_?secret_?key|aws-secret-access-key",
        "[A-Za-z0-9/+]{40}",
        "(?![A-Za-z0-9/+=])",
      ),
      entropy: { min: 4.0, charset: "base64" },
      tags: ["cloud", "aws"],
      severity: "critical",
      docs: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
      examples: {
        match: [
          kv("AWS_SECRET_ACCESS_KEY", secret),
          `aws_secret_access_key = ${fake([B64, 40])}`,
          kv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ],
        noMatch: [kv("AWS_SECRET_ACCESS_KEY", "short")],
      },
    },
    {
      id: "aws-session-token",
      description: "AWS STS session token",
      keywords: ["session_token", "sessiontoken", "security_token"],
      regex: assigned("aws_?session_?token|aws_?security_?token|sessiontoken", "[A-Za-z0-9/+=]{100,2048}"),
      entropy: { min: 4.0, charset: "base64" },
      tags: ["cloud", "aws"],
      severity: "critical",
      docs: "https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html",
      examples: {
        match: [kv("AWS_SESSION_TOKEN", fake("IQoJb3JpZ2luX2Vj", [B64, 300]))],
        noMatch: [kv("AWS_SESSION_TOKEN", "abc"), kv("AWS_SESSION_TOKEN_TTL", "3600")],
      },
    },
    {
      id: "aws-mws-key",
      description: "Amazon Marketplace Web Service auth token",
      keywords: ["amzn.mws."],
      regex: /amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
      tags: ["cloud", "aws"],
      severity: "high",
      safePrefix: "amzn.mws.",
      docs: "https://docs.developer.amazonservices.com/en_US/dev_guide/DG_Registering.html",
      examples: {
        match: [fake("amzn.mws.", [HEX, 8], "-", [HEX, 4], "-", [HEX, 4], "-", [HEX, 4], "-", [HEX, 12])],
        noMatch: ["amzn.mws.notakey"],
      },
    },
    {
      id: "aws-bedrock-api-key",
      description: "Amazon Bedrock long-term API key",
      keywords: ["absk"],
      regex: /(?<![A-Za-z0-9])(ABSK[A-Za-z0-9+/]{109,269}={0,2})(?![A-Za-z0-9+/=])/,
      entropy: { min: 4.0, charset: "base64" },
      tags: ["cloud", "aws", "ai"],
      severity: "high",
      safePrefix: "ABSK",
      docs: "https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html",
      examples: { match: [fake("ABSK", [B64, 132])], noMatch: ["ABSKshort", fake("ABSK", [UPNUM, 20])] },
    },
  ],
});
