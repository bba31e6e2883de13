/** Runs the real CLI in-process with captured output. */
import { Readable } from "node:stream";
import type { CliIo } from "../../src/cli/io.js";
import { run } from "../../src/cli/run.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; pid?: number } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(opts.stdin !== undefined ? [opts.stdin] : []),
    env: opts.env ?? { NO_COLOR: "1" },
    pid: opts.pid ?? process.pid,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
