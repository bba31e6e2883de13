/**
 * ENVT-K8S-001 — a credential written as a literal `env[].value` (kubescape C-0012 "Applications
 * credentials in configuration files", rule `rule-credentials-in-env-var`). Kubescape flags literal values
 * whose *name* looks sensitive; we also flag values that look like a token whatever the name (the detect
 * stage's rules), and skip placeholders that are not the secret itself (`$(VAR)`, `vault:…`).
 */
import { detectSecret } from "../../detect/index.js";
import { defineCheck } from "./check.js";

// kubescape's default sensitiveKeyNames (regolibrary rule-credentials-in-env-var, settings).
const SENSITIVE_NAME =
  /(aws_access_key_id|aws_secret_access_key|azure_batchai_storage_account|azure_batchai_storage_key|azure_batch_account|azure_batch_key|secret|key|password|pwd|token|jwt|bearer|credential)/i;
const ALLOWED_VALUE = /^(\$\(|>>?vault:|vault:)/;
/**
 * Values that a sensitive-looking name holds but that are settings, not credentials: a path (to a mounted
 * secret file: the good practice), a duration or size, a host:port. A real credential under such a name is
 * still caught by its value.
 */
const SETTING_VALUE =
  /^(?:\.{0,2}\/[^\s]*|\d+(?:\.\d+)?(?:ns|us|ms|s|m|h|d|ki|mi|gi|k|m|g|b)?|[a-z0-9.-]+:\d{1,5})$/i;
/** A name that says the value is a kind of setting (Istio's `JWT_POLICY=third-party-jwt`), and a word value. */
const SETTING_NAME = /_(?:POLICY|MODE|TYPE|TTL|FILE|PATH|DIR|KIND|PROVIDER|ALGORITHM|ALG|FORMAT|LOCATION)$/i;
const WORDS = /^[a-z]+(?:[-_.][a-z]+)*$/;

export default defineCheck({
  meta: {
    id: "ENVT-K8S-001",
    description: "A credential is written as a literal env value in the manifest",
    severity: "high",
    references: ["kubescape C-0012", "kubescape C-0259", "CIS Kubernetes 5.4.1"],
    remediation:
      "Move the value into a Secret mounted as a file (or at least valueFrom.secretKeyRef), rotate it, and remove it from the manifest and its history.",
  },
  run(c) {
    const hits = [];
    for (const e of c.env) {
      if (e.source !== "value" || e.literal === undefined || e.literal === "") continue;
      if (ALLOWED_VALUE.test(e.literal)) continue;
      const byValue = detectSecret(e.name, e.literal);
      // A vendor's documentation example (AKIA…EXAMPLE) is masked, but it is no leak: no finding.
      if (byValue?.example) continue;
      const byName =
        SENSITIVE_NAME.test(e.name) &&
        e.literal.length >= 4 &&
        !/^(true|false)$/i.test(e.literal) &&
        !SETTING_VALUE.test(e.literal) &&
        !(SETTING_NAME.test(e.name) && WORDS.test(e.literal));
      if (!byValue && !byName) continue;
      hits.push({
        messageId: byValue ? `literal-secret.${byValue.ruleIds[0]}` : "literal-secret.sensitive-name",
        message: `env ${e.name} of container ${c.container.name} holds a literal credential`,
        key: e.name,
        attribution: e.attribution,
      });
    }
    return hits;
  },
});
