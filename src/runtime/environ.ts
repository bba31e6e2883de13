/**
 * The exec-time environment of this process: `/proc/self/environ`, as the kernel kept it at `execve`.
 * Decoded the way Node decodes `process.env` (UTF-8, invalid bytes replaced), so the two compare equal
 * when nothing changed in-process. Later `setenv` calls never show here.
 */
import { readFileSync } from "node:fs";

/** Returns null when procfs cannot be read (not Linux, hidepid, a sandbox): callers fall back to `process.env`. */
export function readExecEnviron(procRoot = "/proc"): Map<string, string> | null {
  let buf: Buffer;
  try {
    buf = readFileSync(`${procRoot}/self/environ`);
  } catch {
    return null;
  }
  return parseEnvironBuffer(buf);
}

/** `KEY=value\0…`: entries without `=` are skipped; for a duplicated key the first wins, as getenv(3) does. */
export function parseEnvironBuffer(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0, start);
    if (end < 0) end = buf.length;
    if (end > start) {
      const eq = buf.indexOf(0x3d, start);
      if (eq > start && eq < end) {
        const key = buf.toString("utf8", start, eq);
        if (!out.has(key)) out.set(key, buf.toString("utf8", eq + 1, end));
      }
    }
    start = end + 1;
  }
  return out;
}
