/** Program-name tables shared by resolvers (what a process *is*, from its exe/argv0/comm). */

export const SHELL_PROGRAMS: ReadonlySet<string> = new Set([
  "bash",
  "zsh",
  "sh",
  "dash",
  "ash",
  "busybox",
  "fish",
  "ksh",
  "mksh",
]);

export function isShellProgram(name: string): boolean {
  return SHELL_PROGRAMS.has(name.replace(/^-/, ""));
}
