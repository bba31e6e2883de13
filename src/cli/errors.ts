/**
 * Typed errors with a code; the one-line text a user sees (naming the input and the fix) lives in one
 * table. Nothing here includes a variable value.
 */
export type ErrorCode = "USAGE" | "NO_SUCH_PROCESS" | "UNREADABLE" | "BAD_INPUT" | "UNSUPPORTED";

export class EnvtraceError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly data: Record<string, string | number> = {},
  ) {
    super(formatError(code, data));
  }
}

const MESSAGES: Record<ErrorCode, (d: Record<string, string | number>) => string> = {
  USAGE: (d) => `${d.detail}`,
  NO_SUCH_PROCESS: (d) => `no process with pid ${d.pid}: check the pid with \`ps -p ${d.pid}\``,
  UNREADABLE: (d) => `cannot read ${d.what}: ${d.why}`,
  BAD_INPUT: (d) => `${d.input}: ${d.why}`,
  UNSUPPORTED: (d) => `${d.what} is not supported here: ${d.why}`,
};

export function formatError(code: ErrorCode, data: Record<string, string | number>): string {
  return MESSAGES[code](data);
}

export const EXIT = { OK: 0, FINDINGS: 1, ERROR: 2 } as const;

/**
 * What stderr gets for a failed run: one line (plus the stack with ENVTRACE_DEBUG, for internal errors).
 * An internal error's message may quote its input (a JSON parser, a file line), so the text goes through
 * the secret redactor first: secrets never escape, not even through a crash.
 */
export async function errorText(err: unknown, debug: boolean): Promise<string> {
  const known = err instanceof EnvtraceError;
  const msg = known ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
  let out = `envtrace: ${msg.split("\n")[0]}\n`;
  if (debug && !known && err instanceof Error && err.stack) out += `${err.stack}\n`;
  // Loaded only on failure: the rule tables are not needed to print a version.
  const { redactText } = await import("../detect/redact.js");
  return redactText(out);
}
