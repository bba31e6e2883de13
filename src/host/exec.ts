/**
 * Runs a program without a shell, with a timeout and an output cap. Used by host checks only on the live
 * root, and only for unprivileged read-only commands (`go version`, `getfattr`, `getconf`).
 */
import { execFile } from "node:child_process";

export interface CommandResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** `ENOENT` (not on PATH), `TIMEOUT`, `EXIT` (non-zero exit), or another spawn error code. */
  error?: string;
}

export function runCommand(
  file: string,
  args: readonly string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        timeout: opts.timeoutMs ?? 5000,
        maxBuffer: 1024 * 1024,
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        const out = String(stdout ?? "");
        const errText = String(stderr ?? "");
        if (!err) return resolve({ ok: true, stdout: out, stderr: errText });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        const code =
          e.killed || e.signal === "SIGTERM" ? "TIMEOUT" : typeof e.code === "string" ? e.code : "EXIT";
        resolve({ ok: false, stdout: out, stderr: errText, error: code });
      },
    );
  });
}
