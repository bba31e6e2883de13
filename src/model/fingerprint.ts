import { createHash } from "node:crypto";

/**
 * Identity fingerprint for baselines: hashes source kind, object, key and rule — never the value. Kept
 * apart from the masking code so that building a report does not load the secret rules.
 */
export function fingerprint(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}
