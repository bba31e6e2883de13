import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * anthropic: token formats as documented by the vendor —
 * https://docs.anthropic.com/en/api/getting-started#authentication
 * https://docs.anthropic.com/en/api/administration-api
 */
export const anthropic = defineProvider({
  meta: { id: "anthropic", description: "Anthropic credentials" },
  rules: [
    prefixed({
      id: "anthropic-api-key",
      description: "Anthropic API key",
      prefix: "sk-ant-api03-",
      body: "[A-Za-z0-9_-]{93}AA",
      example: fake("sk-ant-api03-", [B64URL, 93], "AA"),
      tags: ["ai", "anthropic"],
      severity: "critical",
      docs: "https://docs.anthropic.com/en/api/getting-started#authentication",
    }),
    prefixed({
      id: "anthropic-admin-key",
      description: "Anthropic Admin API key",
      prefix: "sk-ant-admin01-",
      body: "[A-Za-z0-9_-]{93}AA",
      example: fake("sk-ant-admin01-", [B64URL, 93], "AA"),
      tags: ["ai", "anthropic"],
      severity: "critical",
      docs: "https://docs.anthropic.com/en/api/administration-api",
    }),
  ],
});
