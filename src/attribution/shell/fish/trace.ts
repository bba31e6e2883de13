/**
 * Opt-in `--trace` for fish: runs the real fish with the actor's exec-time environment and `fish_trace=1`,
 * then `env -0`, to confirm or refine the static answer. This EXECUTES the user's startup files, so it only
 * runs when the user asked for it (`ctx.trace`).
 *
 * fish 3.6's trace (`fish_trace`) prints each command with its arguments expanded, prefixed by one `-` per
 * nesting level and `>`; it has no line numbers, but `source FILE` lines say which file the following,
 * deeper lines come from. So the trace gives, per variable, the file of the last `set` that assigned it;
 * the line comes from the static analysis of that file.
 */
import { spawn } from "node:child_process";
import type { CollectionIssue } from "../../../model/index.js";
import { parseEnviron } from "../../../snapshot/environ.js";
import type { ShellMode } from "../types.js";

export interface FishTraceResult {
  /** The environment fish gave its command; null when the run failed. */
  env: Map<string, string> | null;
  /** Per key, the file in which the last `set`/`export` to it ran (innermost `source`d file). */
  lastSetFile: Map<string, string>;
  /** Files fish sourced, in order. */
  sourced: string[];
  issues: CollectionIssue[];
}

const TRACE_LINE = /^(-*)> (.*)$/;
const SET_FLAGS_WITH_LOCAL = /^-[a-zA-Z]*[lf][a-zA-Z]*$|^--(local|function)$/;

/** Parses fish_trace output (stderr). Values are never kept: only keys and files. */
export function parseFishTrace(text: string): { lastSetFile: Map<string, string>; sourced: string[] } {
  const stack: Array<{ depth: number; file: string }> = [];
  const lastSetFile = new Map<string, string>();
  const sourced: string[] = [];
  for (const line of text.split("\n")) {
    const m = TRACE_LINE.exec(line);
    if (!m) continue;
    const depth = m[1]!.length;
    const cmd = m[2]!;
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const words = cmd.split(" ");
    if ((words[0] === "source" || words[0] === ".") && words[1]) {
      const file = unescapeFishWord(words.slice(1).join(" "));
      sourced.push(file);
      stack.push({ depth, file });
      continue;
    }
    const file = stack[stack.length - 1]?.file;
    if (!file) continue;
    if (words[0] === "set") {
      let i = 1;
      let local = false;
      for (; i < words.length && words[i]!.startsWith("-"); i++) {
        if (words[i] === "--") {
          i++;
          break;
        }
        if (SET_FLAGS_WITH_LOCAL.test(words[i]!) || /^-[a-zA-Z]*[qneSL]/.test(words[i]!)) local = true;
        if (/^--(query|names|erase|show|long)$/.test(words[i]!)) local = true;
      }
      const name = words[i]?.replace(/\[.*$/, "");
      if (!local && name && /^[A-Za-z0-9_]+$/.test(name)) lastSetFile.set(name, file);
    }
  }
  return { lastSetFile, sourced };
}

/** fish_trace prints arguments with fish escaping (`\ ` for spaces, quotes); enough for file paths. */
function unescapeFishWord(s: string): string {
  if (s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1).replace(/\\(['\\])/g, "$1");
  return s.replace(/\\(.)/g, "$1");
}

export interface FishTraceOptions {
  fishPath?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/** Runs fish in `mode` with `env` (and nothing else) and traces its startup. Never throws. */
export function traceFishStartup(
  mode: ShellMode,
  env: ReadonlyMap<string, string>,
  opts: FishTraceOptions = {},
): Promise<FishTraceResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const cap = opts.maxOutputBytes ?? 8 * 1024 * 1024;
  const args: string[] = [];
  if (mode.login) args.push("--login");
  if (mode.interactive) args.push("--interactive");
  if (mode.noRc) args.push("--no-config");
  args.push("--command", "env -0");
  const childEnv: Record<string, string> = {};
  for (const [k, v] of env) childEnv[k] = v;
  childEnv.fish_trace = "1";
  return new Promise((resolve) => {
    const issues: CollectionIssue[] = [];
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let truncated = false;
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const { lastSetFile, sourced } = parseFishTrace(Buffer.concat(err).toString("utf8"));
      let envOut: Map<string, string> | null = null;
      if (ok) {
        envOut = new Map();
        for (const [k, e] of parseEnviron(Buffer.concat(out)).env)
          if (k !== "fish_trace") envOut.set(k, e.value);
      }
      if (truncated)
        issues.push({ subject: "fish --trace", code: "TOO_LARGE", detail: "trace output capped" });
      resolve({ env: envOut, lastSetFile, sourced, issues });
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(opts.fishPath ?? "fish", args, {
        env: childEnv,
        cwd: env.get("HOME") || "/",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      issues.push({
        subject: "fish --trace",
        code: "UNAVAILABLE",
        detail: `could not start fish: ${String(e)}`,
      });
      resolve({ env: null, lastSetFile: new Map(), sourced: [], issues });
      return;
    }
    const timer = setTimeout(() => {
      issues.push({
        subject: "fish --trace",
        code: "TIMEOUT",
        detail: `fish did not finish in ${timeoutMs} ms`,
      });
      child.kill("SIGKILL");
      finish(false);
    }, timeoutMs);
    child.stdout?.on("data", (b: Buffer) => {
      outLen += b.length;
      if (outLen <= cap) out.push(b);
      else truncated = true;
    });
    child.stderr?.on("data", (b: Buffer) => {
      errLen += b.length;
      if (errLen <= cap) err.push(b);
      else truncated = true;
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      issues.push({
        subject: "fish --trace",
        code: e.code === "ENOENT" ? "UNAVAILABLE" : "EIO",
        detail: e.code === "ENOENT" ? "fish is not installed on this machine" : "could not run fish",
      });
      finish(false);
    });
    child.on("close", (code) => {
      if (code !== 0 && !done) {
        issues.push({ subject: "fish --trace", code: "EIO", detail: `fish exited with status ${code}` });
      }
      finish(code === 0);
    });
  });
}
