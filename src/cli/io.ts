/** What a command may touch of the outside world; tests pass their own to capture output. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** The pid whose invoker is the default subject (this process). */
  pid: number;
}

export function defaultIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    pid: process.pid,
  };
}

/** Colour only on a TTY, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIo): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR) return true;
  return !!io.stdout.isTTY;
}

/**
 * Commander's output: help to stdout; its errors as ONE line, `envtrace: …` like every other error, with the
 * hint a user needs (`-f` is `--filename` for kubectl users; the format is `-o`).
 */
export function cliOutput(io: CliIo) {
  return {
    writeOut: (s: string) => io.stdout.write(s),
    writeErr: (s: string) => io.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => {
      const msg =
        s
          .replace(/^error: /, "")
          .trim()
          .split("\n")[0] ?? "";
      const hint = /too many arguments/.test(msg)
        ? " (the output format is -o/--format; -f is --filename for k8s explain)"
        : "; run `envtrace --help` for usage";
      write(`envtrace: ${msg}${hint}\n`);
    },
  };
}
