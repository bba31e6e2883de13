/** Builds host findings with one fingerprint scheme (check id, message id, subject, key). */
import { fingerprint } from "../model/fingerprint.js";
import type { Finding } from "../model/index.js";
import type { HostCheckMeta, HostMessage } from "./types.js";

export function hostFinding(
  meta: HostCheckMeta,
  messageId: string,
  msg: HostMessage,
  message: string,
  subject: string,
  key?: string,
): Finding {
  const f: Finding = {
    id: meta.id,
    severity: msg.severity,
    messageId,
    message,
    subject,
    fingerprint: fingerprint(meta.id, messageId, subject, key ?? ""),
    remediation: msg.remediation,
    references: [...(msg.references ?? meta.references)],
  };
  if (key !== undefined) f.key = key;
  return f;
}
