/**
 * JSON output of `envtrace go` (schemaVersion 1):
 * `{ schemaVersion, go: {version, path}, settings: [{key, value, source, …}], findings: [{id, severity, key,
 * message, remediation, references, messageId}], issues }`. Values are masked: a SecretValue serialises as
 * its mask. With `reveal`, values are printed in clear (the user's explicit choice).
 */
import { displayString } from "../../report/reporter.js";
import type { GoReport } from "../types.js";

export function renderGoJson(r: GoReport, reveal = false): string {
  const doc = {
    schemaVersion: r.schemaVersion,
    go: r.go,
    settings: r.settings.map((s) => ({
      key: s.key,
      value: displayString(s.value, reveal),
      source: s.source,
      ...(s.shadowed
        ? { shadowed: s.shadowed.map((x) => ({ value: displayString(x.value, reveal), source: x.source })) }
        : {}),
      probed: s.probed,
      ...(s.notes ? { notes: s.notes } : {}),
    })),
    findings: r.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      key: f.key ?? null,
      message: f.message,
      remediation: f.remediation,
      references: f.references,
      messageId: f.messageId,
    })),
    issues: r.issues,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
