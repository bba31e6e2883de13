/**
 * The audit MAC key: `--audit-key-file F` (the file's bytes, one trailing newline dropped), else
 * `ENVTRACE_AUDIT_KEY` (the key itself). At least 16 bytes. The key is never printed; records carry only
 * its id (`kid`).
 */
import { readFileSync, statSync } from "node:fs";
import { type AuditKey, auditKey } from "./record.js";

export const MIN_KEY_BYTES = 16;

export class AuditKeyError extends Error {}

export function loadAuditKey(file: string | undefined, env: NodeJS.ProcessEnv): AuditKey | undefined {
  let key: Buffer;
  let where: string;
  if (file) {
    where = file;
    try {
      if (!statSync(file).isFile()) throw Object.assign(new Error(), { code: "EISDIR" });
      key = readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      throw new AuditKeyError(`${file}: cannot read the audit key (${code})`);
    }
    if (key.at(-1) === 0x0a) key = key.subarray(0, key.at(-2) === 0x0d ? -2 : -1);
  } else if (env.ENVTRACE_AUDIT_KEY) {
    where = "ENVTRACE_AUDIT_KEY";
    key = Buffer.from(env.ENVTRACE_AUDIT_KEY, "utf8");
  } else return undefined;
  if (key.length < MIN_KEY_BYTES)
    throw new AuditKeyError(
      `${where}: the audit key has ${key.length} bytes, fewer than ${MIN_KEY_BYTES}: make one with \`head -c 32 /dev/urandom | base64 > KEYFILE\``,
    );
  return auditKey(key);
}
