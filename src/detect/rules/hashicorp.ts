import { defineProvider } from "../rule.js";
import { ALNUM, assigned, B64URL, fake, kv, LOWNUM, prefixed } from "./lib.js";

/**
 * HashiCorp.
 * Vault tokens: service "hvs.", batch "hvb.", recovery "hvr."; before Vault 1.10 "s." + 24 chars —
 * https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes
 * Terraform Cloud / HCP Terraform API tokens "<14>.atlasv1.<60–70>" —
 * https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens
 */
export const hashicorp = defineProvider({
  meta: { id: "hashicorp", description: "HashiCorp Vault and Terraform Cloud tokens" },
  rules: [
    prefixed({
      id: "vault-service-token",
      description: "HashiCorp Vault service token",
      prefix: "hvs.",
      body: "[A-Za-z0-9_-]{90,300}",
      example: fake("hvs.", [B64URL, 95]),
      tags: ["secrets-manager", "vault"],
      severity: "critical",
      docs: "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
    }),
    prefixed({
      id: "vault-batch-token",
      description: "HashiCorp Vault batch token",
      prefix: "hvb.",
      body: "[A-Za-z0-9_-]{138,400}",
      example: fake("hvb.", [B64URL, 140]),
      tags: ["secrets-manager", "vault"],
      severity: "critical",
      docs: "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
    }),
    prefixed({
      id: "vault-recovery-token",
      description: "HashiCorp Vault recovery token",
      prefix: "hvr.",
      body: "[A-Za-z0-9_-]{24,300}",
      example: fake("hvr.", [B64URL, 90]),
      tags: ["secrets-manager", "vault"],
      severity: "critical",
      docs: "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
    }),
    {
      id: "vault-legacy-token",
      description: "HashiCorp Vault token in the pre-1.10 format (s. + 24 characters) under a Vault name",
      keywords: ["vault"],
      regex: assigned("vault_?token|vault_?auth_?token|x-vault-token", "s\\.[A-Za-z0-9]{24}"),
      entropy: { min: 3.5, charset: "alnum" },
      tags: ["secrets-manager", "vault"],
      severity: "critical",
      safePrefix: "s.",
      docs: "https://developer.hashicorp.com/vault/docs/concepts/tokens",
      examples: {
        match: [kv("VAULT_TOKEN", fake("s.", [ALNUM, 24]))],
        noMatch: [kv("VAULT_TOKEN", "s.short")],
      },
    },
    {
      id: "terraform-cloud-token",
      description: "Terraform Cloud / HCP Terraform API token",
      keywords: [".atlasv1."],
      regex: /(?<![A-Za-z0-9_-])([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?![A-Za-z0-9_=-])/,
      entropy: { min: 3.5, charset: "base64" },
      tags: ["iac", "terraform"],
      severity: "critical",
      docs: "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens",
      examples: { match: [fake([LOWNUM, 14], ".atlasv1.", [B64URL, 67])], noMatch: ["abc.atlasv1.def"] },
    },
  ],
});
