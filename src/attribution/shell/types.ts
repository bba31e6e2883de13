/**
 * Types shared by the static startup-file analysers (POSIX family via tree-sitter-bash; fish via its own
 * reader) and the per-shell resolvers. Static analysis never executes the files it reads.
 */
import type { CollectionIssue, FileLocation, PathSegment } from "../../model/index.js";

export type ShellId = "bash" | "zsh" | "sh" | "dash" | "ash" | "fish";

export interface ShellMode {
  login: boolean;
  interactive: boolean;
  /** bash invoked as `sh` or with `--posix`. */
  posix?: boolean;
  /** bash `--norc` / `--noprofile`, zsh `-f`/`--no-rcs`, fish `--no-config`. */
  noRc?: boolean;
  noProfile?: boolean;
  /** bash `--rcfile FILE`. */
  rcFile?: string;
  /** bash invoked under the name `sh` (reads the POSIX files; `posix` is then false unless `--posix`). */
  invokedAsSh?: boolean;
  /** Started with `-c COMMAND` (bash reads ~/.bashrc for such shells started by sshd). */
  command?: boolean;
  /** The `-c` command string: analysed after the startup files (it runs in the shell itself). */
  commandString?: string;
  /** The script the shell runs (`bash deploy.sh`), absolute when known: analysed after the startup files. */
  script?: string;
}

export interface ShellAnalysisRequest {
  shell: ShellId;
  mode: ShellMode;
  /** The environment the shell started with (HOME, ZDOTDIR, ENV, BASH_ENV, XDG_CONFIG_HOME, …). */
  env: ReadonlyMap<string, string>;
  /** The shell's uid, when known: decides the `$(id -u)` tests of /etc/profile. Optional. */
  uid?: number;
}

/** One assignment to an environment variable found in a startup file. */
export interface ShellAssignment {
  key: string;
  /** The value after evaluation; null when computed at run time (`$(cmd)`, `eval`, unknown expansions). */
  value: string | null;
  /** A printable form of the right-hand side as written in the file (never used for secrets in output). */
  expression: string;
  location: FileLocation;
  /** `export`, `assign+export`, `declare -x`, `typeset -x`, `set -gx`, `set -Ux`, `unset`, … */
  via: string;
  exported: boolean;
  /** Inside `if`/`case`/`&&`/a loop or a function body: may not have run. */
  conditional: boolean;
  /** True for `unset K` / `set -e K`. */
  unset?: boolean;
  /** For PATH-like values: each segment and the assignment that added it. */
  segments?: PathSegment[];
}

export interface ShellAnalysis {
  shell: ShellId;
  mode: ShellMode;
  /** Files read, in order (after following `.`/`source`). */
  files: string[];
  /** Every assignment in execution order (static approximation). */
  assignments: ShellAssignment[];
  /** The simulated final exported environment: key → last effective assignment. */
  final: Map<string, ShellAssignment>;
  issues: CollectionIssue[];
  /**
   * Places that may set variables the analyser cannot see (`eval`, sourcing a computed path): a key with no
   * assignment may still come from one of these. Optional; absent means none were found.
   */
  opaque?: Array<{ location: FileLocation; what: string }>;
}
