/**
 * `systemctl show-environment`: the service manager's own environment block — what `systemctl
 * set-environment`, `import-environment` and `dbus-update-activation-environment --systemd` put there. It
 * lives only in the manager's memory (not in /proc/1/environ), so it is asked of the running manager.
 *
 * Output: one `KEY=VALUE` per line; a value with characters that need quoting is printed as
 * `KEY=$'…'` with C escapes (systemd's `shell_maybe_quote(…, SHELL_ESCAPE_POSIX)`).
 */
import { execFile } from "node:child_process";

export function parseShowEnvironment(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    const raw = line.slice(eq + 1);
    out.set(key, raw.startsWith("$'") && raw.endsWith("'") ? unescapeC(raw.slice(2, -1)) : raw);
  }
  return out;
}

const SIMPLE: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  e: "\x1b",
};

function unescapeC(s: string): string {
  const bytes: number[] = [];
  const push = (str: string) => bytes.push(...Buffer.from(str, "utf8"));
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\" || i + 1 >= s.length) {
      push(c);
      continue;
    }
    const n = s[++i]!;
    if (SIMPLE[n] !== undefined) push(SIMPLE[n]);
    else if (n === "x" && /^[0-9a-fA-F]{2}/.test(s.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(s.slice(i))![0];
      bytes.push(Number.parseInt(m, 8) & 0xff);
      i += m.length - 1;
    } else push(n);
  }
  return Buffer.from(bytes).toString("utf8");
}

/**
 * Asks the running system manager (read-only; never a user's file). Undefined when systemd is not PID 1
 * (no /run/systemd/system) or systemctl is missing or slow.
 */
export function showEnvironment(timeoutMs = 2000): Promise<Map<string, string> | undefined> {
  return new Promise((resolve) => {
    execFile("systemctl", ["show-environment"], { timeout: timeoutMs, encoding: "utf8" }, (err, stdout) => {
      resolve(err ? undefined : parseShowEnvironment(stdout));
    });
  });
}
