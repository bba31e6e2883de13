/**
 * Opt-in `--trace`: runs the real shell's startup for real, to confirm or refine the static analysis.
 * THIS EXECUTES THE USER'S STARTUP FILES; it is used only when `ctx.trace` is set (`explain --trace`).
 *
 * The shell starts as `env -i HOME=… TERM=dumb` (plus the actor's ZDOTDIR/ENV/BASH_ENV) in the actor's mode
 * with xtrace and a file:line PS4 (bash: `+${BASH_SOURCE}:${LINENO}: `; zsh: `+%x:%I> `), and ends with
 * `env -0` so the resulting environment is captured. dash and busybox ash have no file information in
 * their trace, and bash ignores an inherited PS4 when run as root: then only the order of assignments is
 * known. Bounded by a timeout and an output cap.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { CollectionIssue } from "../../model/index.js";
import type { ResolverContext } from "../resolver.js";
import type { ShellId, ShellMode } from "./types.js";

export interface TracedAssignment {
  key: string;
  /** Present when the shell's trace carries file:line (bash as non-root, zsh). */
  file?: string;
  line?: number;
  /** Position in the trace. */
  order: number;
}

export interface TraceResult {
  /** The environment the traced shell exported at the end; null when the run failed. */
  env: Map<string, string> | null;
  assignments: TracedAssignment[];
  /** True when at least one trace line carried file:line. */
  hasLocations: boolean;
  issues: CollectionIssue[];
}

export const TRACE_TIMEOUT_MS = 5000;
export const TRACE_OUTPUT_CAP = 4 * 1024 * 1024;
const MARKER = "__ENVTRACE_TRACE_ENV__";

/** The argv (program first) that starts `shell` in `mode` with xtrace, ending in `env -0`. */
export function traceCommand(shell: ShellId, mode: ShellMode): { argv: string[]; argv0?: string } | null {
  const envBin = existsSync("/usr/bin/env") ? "/usr/bin/env" : "env";
  const script = `printf '\\n${MARKER}\\n'; exec ${envBin} -0`;
  const common = [...(mode.login ? ["-l"] : []), ...(mode.interactive ? ["-i"] : [])];
  switch (shell) {
    case "bash": {
      const a = ["bash"];
      if (mode.login) a.push("--login");
      if (mode.noProfile) a.push("--noprofile");
      if (mode.noRc) a.push("--norc");
      if (mode.rcFile) a.push("--rcfile", mode.rcFile);
      if (mode.posix) a.push("--posix");
      if (mode.interactive) a.push("-i");
      a.push("-x", "-c", script);
      return mode.invokedAsSh ? { argv: a, argv0: "sh" } : { argv: a };
    }
    case "zsh":
      return { argv: ["zsh", ...common, ...(mode.noRc ? ["-f"] : []), "-x", "-c", script] };
    case "dash":
    case "sh":
      return { argv: [shell, ...common, "-x", "-c", script] };
    case "ash":
      return { argv: ["busybox", "sh", ...common, "-x", "-c", script] };
    default:
      return null;
  }
}

const TRACE_PS4: Partial<Record<ShellId, string>> = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: PS4 is shell syntax, expanded by bash
  bash: "+${BASH_SOURCE}:${LINENO}: ",
  zsh: "+%x:%I> ",
};

/** Parses xtrace output: assignment lines, with file:line when the PS4 provided it. */
export function parseTrace(stderr: string): { assignments: TracedAssignment[]; hasLocations: boolean } {
  const assignments: TracedAssignment[] = [];
  let hasLocations = false;
  let order = 0;
  for (const raw of stderr.split("\n")) {
    const m = /^\++(?:(\/[^:\n]*):(\d+)(?::|>) ?| )(.*)$/.exec(raw);
    if (!m) continue;
    const [, file, line, rest = ""] = m;
    const a =
      /^(?:(?:export|declare -[a-zA-Z]*x[a-zA-Z]*|typeset -[a-zA-Z]*x[a-zA-Z]*|readonly|local) )?([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(
        rest,
      );
    if (!a) continue;
    const t: TracedAssignment = { key: a[1]!, order: order++ };
    if (file && line) {
      t.file = file;
      t.line = Number(line);
      hasLocations = true;
    }
    assignments.push(t);
  }
  return { assignments, hasLocations };
}

/** Runs the traced shell once per (shell, mode, HOME, ZDOTDIR, ENV, BASH_ENV) per run. */
export function traceStartup(
  shell: ShellId,
  mode: ShellMode,
  env: ReadonlyMap<string, string>,
  ctx: ResolverContext,
): Promise<TraceResult> {
  const keep = ["HOME", "ZDOTDIR", "ENV", "BASH_ENV"];
  const key = ["shell-trace", shell, JSON.stringify(mode), ...keep.map((k) => env.get(k) ?? "\u0000")].join(
    "\u0001",
  );
  return ctx.memo(key, () => runTrace(shell, mode, env, ctx));
}

async function runTrace(
  shell: ShellId,
  mode: ShellMode,
  env: ReadonlyMap<string, string>,
  ctx: ResolverContext,
): Promise<TraceResult> {
  const subject = `${shell} --trace`;
  const fail = (code: CollectionIssue["code"], detail: string): TraceResult => ({
    env: null,
    assignments: [],
    hasLocations: false,
    issues: [{ subject, code, detail }],
  });
  if (ctx.fs.root !== "/")
    return fail("UNSUPPORTED", "--trace runs the shell of this machine; not with --root");
  const cmd = traceCommand(shell, mode);
  if (!cmd) return fail("UNSUPPORTED", "no trace mode for this shell");
  const childEnv: Record<string, string> = { HOME: env.get("HOME") ?? "/", TERM: "dumb" };
  for (const k of ["ZDOTDIR", "ENV", "BASH_ENV"]) {
    const v = env.get(k);
    if (v !== undefined) childEnv[k] = v;
  }
  const ps4 = TRACE_PS4[shell];
  if (ps4) childEnv.PS4 = ps4;
  ctx.traced.push({ shell, argv: [...cmd.argv], home: childEnv.HOME ?? "/" });
  const result = await new Promise<{ stdout: Buffer; stderr: string; timedOut: boolean; error?: string }>(
    (resolve) => {
      const [prog, ...args] = cmd.argv;
      const child = spawn(prog!, args, {
        env: childEnv,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
        cwd: childEnv.HOME && existsSync(childEnv.HOME) ? childEnv.HOME : "/",
        ...(cmd.argv0 ? { argv0: cmd.argv0 } : {}),
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outLen = 0;
      let errLen = 0;
      let timedOut = false;
      const kill = () => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, TRACE_TIMEOUT_MS);
      child.stdout.on("data", (b: Buffer) => {
        if (outLen < TRACE_OUTPUT_CAP) out.push(b);
        outLen += b.length;
        if (outLen > TRACE_OUTPUT_CAP * 2) kill();
      });
      child.stderr.on("data", (b: Buffer) => {
        if (errLen < TRACE_OUTPUT_CAP) err.push(b);
        errLen += b.length;
        if (errLen > TRACE_OUTPUT_CAP * 2) kill();
      });
      child.on("error", (e) => {
        clearTimeout(timer);
        resolve({ stdout: Buffer.alloc(0), stderr: "", timedOut: false, error: e.message });
      });
      child.on("close", () => {
        clearTimeout(timer);
        resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), timedOut });
      });
    },
  );
  if (result.error)
    return fail("UNAVAILABLE", `could not run ${cmd.argv[0]}: ${result.error.split("\n")[0]}`);
  if (result.timedOut) {
    return fail("TIMEOUT", `the traced shell did not finish within ${TRACE_TIMEOUT_MS} ms; it was killed`);
  }
  const text = result.stdout.toString("utf8");
  const at = text.lastIndexOf(`${MARKER}\n`);
  const issues: CollectionIssue[] = [];
  let traced: Map<string, string> | null = null;
  if (at < 0) {
    issues.push({ subject, code: "EIO", detail: "the traced shell exited before printing its environment" });
  } else {
    traced = new Map();
    for (const rec of text.slice(at + MARKER.length + 1).split("\0")) {
      const eq = rec.indexOf("=");
      if (eq > 0) traced.set(rec.slice(0, eq), rec.slice(eq + 1));
    }
    // PS4 is ours, not the user's.
    if (ps4 && traced.get("PS4") === ps4) traced.delete("PS4");
  }
  const parsed = parseTrace(result.stderr);
  return { env: traced, assignments: parsed.assignments, hasLocations: parsed.hasLocations, issues };
}
