/**
 * The pipeline for host processes: collect (procfs) → attribute (engine + resolvers) → detect (mask).
 * Every entry point returns masked results; nothing here prints.
 */

import { type CiOptions, withCiOptions, withholdCiValues } from "./attribution/ci/index.js";
import { attributeChain, createResolverContext } from "./attribution/engine.js";
import { resolvers as defaultResolvers } from "./attribution/index.js";
import { isShellProgram } from "./attribution/programs.js";
import type { Resolver, ResolverContext, TracedRun } from "./attribution/resolver.js";
import { maskResult } from "./detect/mask.js";
import type { CollectionIssue, DisplayValue, ExplainResult, ProcessSnapshot } from "./model/index.js";
import { createHostFs, type HostFs } from "./snapshot/host-fs.js";
import { ProcReader } from "./snapshot/procfs.js";

export interface ExplainOptions {
  /** Root of the inspected host's filesystem (a fixture tree in tests). Default `/`. */
  root?: string;
  /** Opt-in: run startup files for real to confirm static answers. */
  trace?: boolean;
  /** Show secret values in clear. */
  reveal?: boolean;
  /** Only these keys (all when empty). */
  keys?: readonly string[];
  resolvers?: readonly Resolver[];
  /** `--ci gitlab|github --ci-file F`: the CI job envtrace runs in, when the environment does not say. */
  ci?: CiOptions;
}

/** Shared state for explaining many processes in one run (scan): one procfs reader, one memo table. */
export class ExplainSession {
  readonly fs: HostFs;
  readonly reader: ProcReader;
  readonly ctx: ResolverContext;
  readonly issues: CollectionIssue[] = [];
  private readonly resolvers: readonly Resolver[];

  constructor(readonly opts: ExplainOptions = {}) {
    this.fs = createHostFs(opts.root ?? "/");
    this.reader = new ProcReader(this.fs);
    const base = opts.resolvers ?? defaultResolvers;
    this.resolvers = opts.ci ? withCiOptions(base, opts.ci) : base;
    this.ctx = createResolverContext({ fs: this.fs, trace: opts.trace ?? false, issues: this.issues });
  }

  /** The shells `--trace` ran so far in this session (each executed the user's startup files). */
  traced(): TracedRun[] {
    return [...this.ctx.traced];
  }

  /**
   * Explains the exec-time environment of `envPid`. `subjectPid` names the process shown as the subject
   * (for the default subject, the user's shell, whose exports its first child received).
   */
  async explain(envPid: number, subjectPid = envPid): Promise<ExplainResult<DisplayValue>> {
    const before = this.issues.length;
    const { chain, issues } = await this.reader.ancestry(envPid);
    const envProc = chain[chain.length - 1];
    const subjectProc: ProcessSnapshot | undefined = chain.find((p) => p.info.pid === subjectPid) ?? envProc;
    const result: ExplainResult<string> = {
      subject: {},
      variables: [],
      findings: [],
      issues: [...issues],
    };
    if (subjectProc) {
      const i = subjectProc.info;
      result.subject = { pid: i.pid, comm: i.comm };
      if (i.exe) result.subject.exe = i.exe;
      if (i.startTime) result.subject.startTime = i.startTime;
    } else {
      result.subject = { pid: subjectPid };
    }
    if (envProc && envProc.info.pid !== subjectPid) result.envPid = envProc.info.pid;
    if (envProc?.info.pid === envPid && envProc.env) {
      let lineages = await attributeChain(chain, { resolvers: this.resolvers, ctx: this.ctx });
      if (this.opts.keys && this.opts.keys.length > 0) {
        const wanted = new Set(this.opts.keys);
        lineages = lineages.filter((l) => wanted.has(l.key));
      }
      result.variables = lineages;
    }
    result.issues.push(...this.issues.slice(before));
    // CI settings variables, secrets and job tokens are withheld whatever their shape (no rule sees them).
    const reveal = this.opts.reveal ?? false;
    return withholdCiValues(maskResult(result, { reveal }), { reveal });
  }
}

export async function explainProcess(
  pid: number,
  opts: ExplainOptions = {},
): Promise<ExplainResult<DisplayValue>> {
  return new ExplainSession(opts).explain(pid);
}

/** The programs that run envtrace itself (npx → npm → sh -c → node). */
const NODE_WRAPPERS = new Set(["node", "nodejs", "npm", "npx", "npm exec", "pnpm", "yarn", "tsx"]);

/**
 * Programs between the user's shell and the command they run that only pass the environment on (or
 * adjust it): the default subject walks past them.
 */
const COMMAND_WRAPPERS = new Set([
  "time",
  "timeout",
  "env",
  "nice",
  "ionice",
  "nohup",
  "stdbuf",
  "setsid",
  "chrt",
  "taskset",
  "sudo",
  "doas",
  "su",
  "runuser",
  "setpriv",
  "script",
  "strace",
  "ltrace",
  "flock",
  "watch",
  "xargs",
  "screen",
  "SCREEN",
  "tmux: server",
]);

function names(p: ProcessSnapshot): string[] {
  const exe = (p.info.exe?.split("/").pop() ?? "").replace(/^-/, "");
  const a0 = (p.info.cmdline[0] ?? "").split("/").pop()?.replace(/^-/, "") ?? "";
  return [exe, a0, p.info.comm].filter(Boolean);
}

function isWrapper(p: ProcessSnapshot, parent: ProcessSnapshot | undefined): boolean {
  const n = names(p);
  if (n.some((x) => NODE_WRAPPERS.has(x) || COMMAND_WRAPPERS.has(x))) return true;
  // A shell that only runs a command string is part of the wrapper that started it: `sh -c` from npm, the
  // user's shell under `su -c`, `sudo sh -c`, `script -c`. A `bash -c` started by any other program is a
  // user's shell.
  const runsString = p.info.cmdline.slice(1).some((a) => a === "-c" || /^-[a-z]*c[a-z]*$/.test(a));
  if (!parent || !runsString || !n.some((x) => isShellProgram(x))) return false;
  const pn = names(parent);
  if (pn.some((x) => COMMAND_WRAPPERS.has(x))) return true;
  return n.includes("sh") && pn.some((x) => NODE_WRAPPERS.has(x));
}

/**
 * The default subject: the process that invoked envtrace, walking past wrappers (npx/npm/node, `time`,
 * `timeout`, `env`, `nice`, `nohup`, `sudo`, `su -c`, `script`, `strace`, …). Returns the subject (usually
 * the user's shell) and the process whose exec-time environment is what it exported.
 */
export async function defaultSubject(
  reader: ProcReader,
  selfPid = process.pid,
): Promise<{ subjectPid: number; envPid: number }> {
  const { chain } = await reader.ancestry(selfPid);
  // chain: outermost first, self last.
  let i = chain.length - 1;
  while (i - 1 >= 1 && isWrapper(chain[i - 1]!, chain[i - 2])) i--;
  const envProc = chain[i];
  const subject = chain[i - 1];
  if (!envProc || !subject) return { subjectPid: selfPid, envPid: selfPid };
  return { subjectPid: subject.info.pid, envPid: envProc.info.pid };
}
