/**
 * Which startup files a POSIX-family shell reads, per shell and mode, exactly as documented
 * (facts/provenance.md §3: the GNU bash manual and bash's `run_startup_files`, the zsh manual "Startup/Shutdown
 * Files", dash(1), busybox `ash_main`), and how to tell the shell and its mode from a live process.
 *
 * A plan is a list of steps evaluated in order *while* the analyser simulates the files: paths may depend on
 * variables an earlier file set (`ENV` set in `~/.profile`, `ZDOTDIR` set in `.zshenv`).
 */
import type { ProcessSnapshot } from "../../model/index.js";
import type { ShellId, ShellMode } from "./types.js";

/** One step of a startup plan. Paths are templates: `~` and `$VAR` are expanded with the live variables. */
export type PlanStep =
  /** What the shell runs after its startup files: the `-c` string or the script (not a template). */
  | { kind: "command-string"; code: string }
  | { kind: "script"; path: string }
  /** Read the file if it exists and is readable. */
  | { kind: "file"; path: string }
  /** bash login: the first readable of these, and only that one. */
  | { kind: "first-readable"; paths: string[] }
  /** The file named by a variable (`ENV`, `BASH_ENV`), expanded; skipped when unset or empty. */
  | { kind: "env-file"; variable: "ENV" | "BASH_ENV" }
  /** The first existing of these (Debian keeps zsh's global files under /etc/zsh/, upstream under /etc/). */
  | { kind: "first-existing"; paths: string[] };

/**
 * The startup plan of `shell` in `mode`. `env` is the environment the shell started with. When the mode
 * names a `-c` command or a script, it follows the startup files: it runs in the same shell, so its exports
 * reach the shell's children too.
 */
export function startupPlan(shell: ShellId, mode: ShellMode, env: ReadonlyMap<string, string>): PlanStep[] {
  const steps = startupFiles(shell, mode, env);
  if (mode.commandString !== undefined) steps.push({ kind: "command-string", code: mode.commandString });
  else if (mode.script !== undefined) steps.push({ kind: "script", path: mode.script });
  return steps;
}

function startupFiles(shell: ShellId, mode: ShellMode, env: ReadonlyMap<string, string>): PlanStep[] {
  switch (shell) {
    case "bash":
      return bashPlan(mode, env);
    case "zsh":
      return zshPlan(mode);
    case "sh":
    case "dash":
      // dash(1): "A login shell first reads commands from the files /etc/profile and .profile if they
      // exist. If the environment variable ENV is set on entry to an interactive shell, or is set in the
      // .profile of a login shell, the shell next reads commands from the file named in ENV."
      return [
        ...(mode.login && !mode.noProfile
          ? [
              { kind: "file", path: "/etc/profile" } as const,
              { kind: "file", path: "$HOME/.profile" } as const,
            ]
          : []),
        ...(mode.interactive ? [{ kind: "env-file", variable: "ENV" } as const] : []),
      ];
    case "ash": {
      // busybox ash_main: /etc/profile, then $HOME/.profile only if HOME is set; ENV when interactive.
      const steps: PlanStep[] = [];
      if (mode.login && !mode.noProfile) {
        steps.push({ kind: "file", path: "/etc/profile" });
        if (env.has("HOME")) steps.push({ kind: "file", path: "$HOME/.profile" });
      }
      if (mode.interactive) steps.push({ kind: "env-file", variable: "ENV" });
      return steps;
    }
    case "fish":
      return [];
  }
}

function bashPlan(mode: ShellMode, env: ReadonlyMap<string, string>): PlanStep[] {
  const steps: PlanStep[] = [];
  const loginFiles = (): PlanStep[] =>
    mode.noProfile
      ? []
      : mode.invokedAsSh
        ? [
            { kind: "file", path: "/etc/profile" },
            { kind: "file", path: "~/.profile" },
          ]
        : [
            { kind: "file", path: "/etc/profile" },
            { kind: "first-readable", paths: ["~/.bash_profile", "~/.bash_login", "~/.profile"] },
          ];
  const rcFiles = (): PlanStep[] => [
    // Debian's build reads SYS_BASHRC before the user's rc file, also with --rcfile.
    { kind: "file", path: "/etc/bash.bashrc" },
    { kind: "file", path: mode.rcFile ?? "~/.bashrc" },
  ];
  // `--posix` (not the `sh` name): startup follows POSIX, interactive shells read $ENV only.
  if (mode.posix && !mode.invokedAsSh) {
    if (mode.interactive) steps.push({ kind: "env-file", variable: "ENV" });
    return steps;
  }
  // sshd/rshd: a non-interactive `bash -c` at shell level < 2 with SSH_CLIENT set reads the rc files.
  if (!mode.interactive && !mode.login && !mode.invokedAsSh && !mode.noRc && mode.command) {
    const viaSsh = env.has("SSH_CLIENT") || env.has("SSH2_CLIENT");
    if (viaSsh && Number(env.get("SHLVL") ?? "0") + 1 < 2) return rcFiles();
  }
  // `--login`/`-l` shells read the login files even when non-interactive.
  if (mode.login) steps.push(...loginFiles());
  if (!mode.interactive) {
    if (!mode.invokedAsSh) steps.push({ kind: "env-file", variable: "BASH_ENV" });
    return steps;
  }
  if (!mode.login && !mode.noRc && !mode.invokedAsSh) steps.push(...rcFiles());
  if (mode.invokedAsSh) steps.push({ kind: "env-file", variable: "ENV" });
  return steps;
}

function zshPlan(mode: ShellMode): PlanStep[] {
  const global = (name: string): PlanStep => ({
    kind: "first-existing",
    paths: [`/etc/zsh/${name}`, `/etc/${name}`],
  });
  const user = (name: string): PlanStep => ({ kind: "file", path: `$ZDOTDIR/.${name}` });
  // /etc/zshenv is always read; `-f` (NO_RCS) skips every later file.
  const steps: PlanStep[] = [global("zshenv")];
  if (mode.noRc) return steps;
  steps.push(user("zshenv"));
  if (mode.login) steps.push(global("zprofile"), user("zprofile"));
  if (mode.interactive) steps.push(global("zshrc"), user("zshrc"));
  if (mode.login) steps.push(global("zlogin"), user("zlogin"));
  return steps;
}

const SHELL_NAMES: Record<string, ShellId> = {
  bash: "bash",
  zsh: "zsh",
  dash: "dash",
  ash: "ash",
  fish: "fish",
  sh: "sh",
};

function base(p: string | undefined): string {
  return (p ?? "").replace(/^-/, "").split("/").pop() ?? "";
}

/**
 * Which shell a process is, from its exe (the kernel's resolved path, so `/bin/sh` → `/usr/bin/dash` tells
 * dash from bash), else argv[0], else comm. busybox is `ash` when run as `sh`/`ash`. Null when not a shell
 * this family knows. Does no I/O.
 */
export function shellOf(p: ProcessSnapshot | null): ShellId | null {
  if (!p) return null;
  const exe = base(p.info.exe);
  const a0 = base(p.info.cmdline[0]);
  if (exe === "busybox") {
    const applet = a0 === "busybox" ? base(p.info.cmdline[1]) : a0;
    return applet === "sh" || applet === "ash" || applet === "-sh" ? "ash" : null;
  }
  // Debian names the binaries zsh5, bash5.x on some systems: strip trailing version digits.
  const exeName = exe.replace(/[\d.]+$/, "");
  if (exeName && SHELL_NAMES[exeName]) return SHELL_NAMES[exeName]!;
  if (exe && exe !== "") {
    // An exe we know is not a shell (python, node): do not trust argv[0].
    return null;
  }
  const name = a0 || base(p.info.comm);
  return SHELL_NAMES[name] ?? null;
}

/**
 * A script read from a file descriptor (`bash /dev/fd/3`, `bash <(…)`): only that process can read it, and
 * reading its pipe from outside would steal the script from the shell. It is not analysed, and not an issue.
 */
const FD_SCRIPT = /^\/(?:dev\/fd|proc\/(?:self|\d+)\/fd)\/\d+$/;

/**
 * The startup mode of a shell process, from its argv and its controlling terminal: login from `-` in
 * argv[0], `-l`, `--login` (zsh also `-o login`); interactive from `-i`, or no `-c` and no script argument
 * with a tty (`ttyNr != 0`). Also `--norc`/`--noprofile`/`--rcfile`/`--posix` for bash and `-f` for zsh.
 */
export function detectShellMode(p: ProcessSnapshot, shell: ShellId | null = shellOf(p)): ShellMode {
  const argv = p.info.cmdline;
  const a0raw = argv[0] ?? p.info.comm;
  const mode: ShellMode = { login: a0raw.startsWith("-"), interactive: false };
  const id = shell ?? "sh";
  if (id === "bash" && base(a0raw) === "sh") mode.invokedAsSh = true;
  let explicitInteractive = false;
  let command = false;
  let stdinFlag = false;
  let script = false;
  // busybox: `busybox sh ARGS` — skip the applet name.
  let i = base(p.info.exe) === "busybox" && base(argv[0]) === "busybox" ? 2 : 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--" || a === "-") {
      i++;
      break;
    }
    if (a.startsWith("--")) {
      const long = a.slice(2);
      if (long === "login") mode.login = true;
      else if (long === "interactive") explicitInteractive = true;
      else if (long === "norc") mode.noRc = true;
      else if (long === "noprofile") mode.noProfile = true;
      else if (long === "posix") mode.posix = true;
      else if (long === "no-rcs" || long === "no-config") mode.noRc = true;
      else if ((long === "rcfile" || long === "init-file") && argv[i + 1] !== undefined) {
        mode.rcFile = argv[++i]!;
      } else if (long.startsWith("rcfile=")) mode.rcFile = long.slice(7);
      else if (long === "command") command = true;
      continue;
    }
    if ((a.startsWith("-") || a.startsWith("+")) && a.length > 1) {
      const on = a.startsWith("-");
      const flags = a.slice(1);
      for (let j = 0; j < flags.length; j++) {
        const f = flags[j]!;
        if (f === "o" || (f === "O" && id === "bash")) {
          const opt = argv[i + 1];
          if (opt !== undefined) {
            i++;
            if (on && opt === "posix") mode.posix = true;
            if (on && opt === "login") mode.login = true;
            if (on && opt === "interactive") explicitInteractive = true;
          }
          continue;
        }
        if (!on) continue;
        if (f === "l") mode.login = true;
        else if (f === "i") explicitInteractive = true;
        else if (f === "c") command = true;
        else if (f === "s") stdinFlag = true;
        else if (f === "f" && id === "zsh") mode.noRc = true;
      }
      continue;
    }
    break;
  }
  if (!command && i < argv.length && !stdinFlag) script = true;
  mode.interactive = explicitInteractive || (!command && !script && p.info.ttyNr !== 0);
  if (command) {
    mode.command = true;
    if (argv[i] !== undefined) mode.commandString = argv[i]!;
  } else if (script && !FD_SCRIPT.test(argv[i]!)) {
    mode.script = argv[i]!;
  }
  return mode;
}

/** A short human label of a mode for evidence strings ("login interactive"). */
export function modeLabel(mode: ShellMode): string {
  const parts = [mode.login ? "login" : "non-login", mode.interactive ? "interactive" : "non-interactive"];
  if (mode.invokedAsSh) parts.push("invoked as sh");
  if (mode.posix) parts.push("posix");
  return parts.join(" ");
}
