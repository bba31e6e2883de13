/**
 * `envtrace shell`: what a shell's startup files would export, with file:line and the assignments each one
 * shadows, without a live process (static analysis only; nothing is executed). Values are masked unless
 * `--reveal`.
 */
import { statSync } from "node:fs";
import { Option } from "commander";
import { createResolverContext } from "../../attribution/engine.js";
import { analyzeStartup } from "../../attribution/shell/analyze.js";
import type { ShellAnalysis, ShellAssignment, ShellId, ShellMode } from "../../attribution/shell/types.js";
import { maskResult } from "../../detect/mask.js";
import type { Attribution, CollectionIssue, ExplainResult, Lineage, Subject } from "../../model/index.js";
import { explainSubject } from "../../report/build.js";
import { createHostFs } from "../../snapshot/host-fs.js";
import { EnvtraceError } from "../errors.js";
import { addOutputOptions, report } from "../output.js";
import type { CliCommand } from "./command.js";

const SHELLS = ["bash", "zsh", "sh", "dash", "ash", "fish"] as const;

/** Keys of the caller's environment that a freshly started shell would also have. */
const SEED_KEYS = [
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "PATH",
  "LANG",
  "ZDOTDIR",
  "ENV",
  "BASH_ENV",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_DATA_DIRS",
];

/** The default shell: the basename of $SHELL when it is one we know, else bash. */
export function defaultShell(env: NodeJS.ProcessEnv): ShellId {
  const name = (env.SHELL ?? "").split("/").pop() ?? "";
  return (SHELLS as readonly string[]).includes(name) ? (name as ShellId) : "bash";
}

/** The analysis as an explain result: each exported variable with its file:line and what it shadowed. */
export function shellResult(analysis: ShellAnalysis, home: string): ExplainResult<string> {
  const attribution = (a: ShellAssignment): Attribution => ({
    kind: "shell",
    mechanism: analysis.shell,
    location: a.location,
    // A computed value is known only at run time; one under a condition may not have run.
    confidence: a.value === null ? "possible" : a.conditional ? "likely" : "certain",
    evidence: [a.via, ...(a.conditional ? ["conditional"] : []), ...(a.value === null ? ["computed"] : [])],
  });
  const at = (a: ShellAssignment) =>
    `${a.location.file}${a.location.line !== undefined ? `:${a.location.line}` : ""}`;
  const variables: Lineage<string>[] = [];
  for (const key of [...analysis.final.keys()].sort()) {
    const winner = analysis.final.get(key)!;
    const all = analysis.assignments.filter((a) => a.key === key && !a.unset);
    const idx = all.indexOf(winner);
    const earlier: ShellAssignment[] = idx > 0 ? all.slice(0, idx) : [];
    const l: Lineage<string> = {
      key,
      value: winner.value ?? COMPUTED,
      winner: attribution(winner),
      // Nearest first, as the engine orders shadowed values.
      shadowed: earlier.reverse().map((a) => ({ value: a.value ?? COMPUTED, attribution: attribution(a) })),
      notes:
        winner.value === null ? [`computed at ${at(winner)} when the shell runs: not known statically`] : [],
    };
    if (winner.segments && winner.segments.length > 0) l.segments = winner.segments;
    variables.push(l);
  }
  return {
    subject: { kind: "shell-startup", name: `${analysis.shell} startup files of ${home}` },
    variables,
    findings: [],
    issues: analysis.issues,
  };
}

/** What a computed value shows (the shell would compute it; envtrace does not run it). */
export const COMPUTED = "(computed)";

/** The subject of `envtrace shell`, masked unless `reveal`. */
export function shellSubject(
  analysis: ShellAnalysis,
  home: string,
  reveal: boolean,
  extraIssues: CollectionIssue[] = [],
): Subject {
  const result = shellResult(analysis, home);
  result.issues = [...result.issues, ...extraIssues];
  const masked = maskResult(result, { reveal });
  const subject = explainSubject(masked);
  subject.kind = "shell-startup";
  subject.id = `shell/${analysis.shell}/${home}`;
  subject.details = { shell: analysis.shell, mode: analysis.mode, home, files: analysis.files };
  return subject;
}

export const shellCommand: CliCommand = {
  name: "shell",
  register(program, ctx) {
    const { io } = ctx;
    const cmd = program
      .command("shell")
      .description(
        "what a shell's startup files would export, with file:line and shadowed assignments (static: nothing is executed)",
      )
      .addOption(
        new Option("-s, --shell <shell>", "the shell (default: from $SHELL, else bash)").choices([...SHELLS]),
      )
      .option("--login", "a login shell (with neither --login nor --interactive: login and interactive)")
      .option("--interactive", "an interactive shell")
      .option("--home <dir>", "the HOME whose startup files to read (default: $HOME)")
      .option("--reveal", "show secret values in clear (the output says so)")
      .addOption(new Option("--root <dir>", "read files under DIR instead of / (default /)").hideHelp());
    return addOutputOptions(cmd).action(async (o) => {
      const shell: ShellId = o.shell ?? defaultShell(io.env);
      const neither = !o.login && !o.interactive;
      const mode: ShellMode = { login: neither || !!o.login, interactive: neither || !!o.interactive };
      const env = new Map<string, string>();
      for (const k of SEED_KEYS) {
        const v = io.env[k];
        if (v !== undefined) env.set(k, v);
      }
      if (o.home !== undefined) env.set("HOME", o.home);
      const home = env.get("HOME");
      if (!home) {
        throw new EnvtraceError("USAGE", { detail: "HOME is not set: pass --home DIR" });
      }
      const fs = createHostFs(o.root ?? "/");
      if (o.home !== undefined) {
        let isDir = false;
        try {
          isDir = statSync(fs.resolve(home)).isDirectory();
        } catch {
          isDir = false;
        }
        if (!isDir)
          throw new EnvtraceError("BAD_INPUT", { input: home, why: "not a directory: check --home" });
      }
      const issues: CollectionIssue[] = [];
      const resolverCtx = createResolverContext({ fs, issues });
      const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
      const analysis = await analyzeStartup(
        { shell, mode, env, ...(uid !== undefined ? { uid } : {}) },
        resolverCtx,
      );
      await report(ctx, "shell", o, [shellSubject(analysis, home, !!o.reveal, issues)]);
    });
  },
};
