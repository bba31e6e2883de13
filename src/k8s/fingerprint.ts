/**
 * Value fingerprints for Secret data: a keyed hash, so that equal values can be correlated (a Secret key
 * and a runtime variable, two Secrets) without the value ever being stored or printed. The key is random
 * per process unless `ENVTRACE_FINGERPRINT_KEY` is set (then fingerprints compare across runs).
 */
import { createHmac, randomBytes } from "node:crypto";

let key: Buffer | undefined;

function hmacKey(): Buffer {
  if (!key) {
    const fromEnv = process.env.ENVTRACE_FINGERPRINT_KEY;
    key = fromEnv ? Buffer.from(fromEnv, "utf8") : randomBytes(32);
  }
  return key;
}

/** `hmac-sha256:<16 hex>` of a value; the value itself is not kept. */
export function valueFingerprint(value: string | Uint8Array): string {
  return `hmac-sha256:${createHmac("sha256", hmacKey()).update(value).digest("hex").slice(0, 16)}`;
}
