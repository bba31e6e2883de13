/**
 * The key for value fingerprints (`hmac-sha256:` + 12 hex). Equal secrets give equal fingerprints on
 * every host that shares the key, so they can be correlated across hosts and logs without being revealed;
 * without the key a fingerprint cannot be brute-forced from a list of candidate passwords.
 *
 * Source, first found: `ENVTRACE_FINGERPRINT_KEY` (the key itself), the file named by
 * `ENVTRACE_FINGERPRINT_KEY_FILE`, else `$XDG_STATE_HOME/envtrace/fingerprint.key` (default
 * `~/.local/state/envtrace/fingerprint.key`), generated on first use with 32 random bytes, mode 0600.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export function fingerprintKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ENVTRACE_FINGERPRINT_KEY_FILE) return env.ENVTRACE_FINGERPRINT_KEY_FILE;
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  return join(state, "envtrace", "fingerprint.key");
}

/** Reads (or creates, mode 0600) the fingerprint key. Throws only when the file can neither be read nor made. */
export function loadFingerprintKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.ENVTRACE_FINGERPRINT_KEY) return Buffer.from(env.ENVTRACE_FINGERPRINT_KEY, "utf8");
  const path = fingerprintKeyPath(env);
  try {
    const k = readFileSync(path, "utf8").trim();
    if (k.length >= 32) return Buffer.from(k, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString("hex");
  try {
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === "EEXIST")
      return Buffer.from(readFileSync(path, "utf8").trim());
    throw err;
  }
  chmodSync(path, 0o600);
  return Buffer.from(key, "utf8");
}
