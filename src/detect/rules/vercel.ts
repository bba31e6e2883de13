import { defineProvider, type SecretRule } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * Vercel tokens carry a type prefix — personal access `vcp_`, integration `vci_`, app access `vca_`, app
 * refresh `vcr_`, AI Gateway API key `vck_` — then 20–60 alphanumerics. Cited from secretlint's vercel
 * rule (its README, below); not checked here against Vercel's own documentation.
 */
const DOCS =
  "https://github.com/secretlint/secretlint/blob/master/packages/%40secretlint/secretlint-rule-vercel/README.md";
const rule = (id: string, what: string, prefix: string): SecretRule =>
  prefixed({
    id,
    description: `Vercel ${what}`,
    prefix,
    body: "[A-Za-z0-9]{20,60}",
    example: fake(prefix, [ALNUM, 40]),
    tags: ["hosting", "vercel"],
    severity: "critical",
    docs: DOCS,
    end: "(?![A-Za-z0-9])",
  });

export const vercel = defineProvider({
  meta: { id: "vercel", description: "Vercel access, integration, app and AI Gateway tokens", docs: DOCS },
  rules: [
    rule("vercel-personal-token", "personal access token", "vcp_"),
    rule("vercel-integration-token", "integration token", "vci_"),
    rule("vercel-app-access-token", "app access token", "vca_"),
    rule("vercel-app-refresh-token", "app refresh token", "vcr_"),
    rule("vercel-ai-gateway-key", "AI Gateway API key", "vck_"),
  ],
});
