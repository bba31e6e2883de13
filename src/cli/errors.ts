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
