/**
 * The exec-time environment of this process: `/proc/self/environ`, as the kernel kept it at `execve`.
 * Decoded the way Node decodes `process.env` (UTF-8, invalid bytes replaced), so the two compare equal
 * when nothing changed in-process. Later `setenv` calls never show here.
 */
/** Builtins through process.getBuiltinModule: an ESM `import` of node:fs/node:path costs start-up (~2 ms). */
const fs = () => process.getBuiltinModule("node:fs");

/** Returns null when procfs cannot be read (not Linux, hidepid, a sandbox): callers fall back to `process.env`. */
export function readExecEnviron(procRoot = "/proc"): Map<string, string> | null {
  // procfs reports size 0: readFileSync would read it in small chunks and join them (~0.2 ms at start-up);
  // one read into a 64 KiB buffer usually takes all of it.
  const f = fs();
  let fd: number;
  try {
    fd = f.openSync(`${procRoot}/self/environ`, "r");
  } catch {
    return null;
  }
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const buf = Buffer.allocUnsafe(65536);
      const n = f.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      chunks.push(buf.subarray(0, n));
    }
    return parseEnvironBuffer(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
  } catch {
    return null;
  } finally {
    f.closeSync(fd);
  }
}

/** `KEY=value\0…`: entries without `=` are skipped; for a duplicated key the first wins, as getenv(3) does. */
export function parseEnvironBuffer(buf: Buffer): Map<string, string> {
  // One decode for the whole block (NUL is ASCII, so no entry's bytes run into the next one's).
  const out = new Map<string, string>();
  for (const entry of buf.toString("utf8").split("\0")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    if (!out.has(key)) out.set(key, entry.slice(eq + 1));
  }
  return out;
}
