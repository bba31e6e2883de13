/**
 * Runs a command (or attaches to a process) under Debian's `strace` and feeds its trace, as it is written,
 * to the parser and the exec tree.
 *
 * The trace goes through a FIFO (mode 0600, in a 0700 directory made by mkdtemp, removed at exit): strace
 * writes, envtrace reads, nothing of it is ever stored on disk. strace opens its output close-on-exec, so
 * the command never inherits it. The command gets envtrace's stdin, stdout, stderr and terminal untouched
 * (strace passes them on); envtrace writes nothing to stdout.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import {
  accessSync,
  closeSync,
  constants,
  createReadStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { EnvMap } from "../model/index.js";
import { parseEnviron } from "../snapshot/environ.js";
import { TraceParser } from "./parse.js";
import { ExecTree } from "./tree.js";

/** Longest string strace prints whole (`-s`): larger than any argument or variable Linux accepts (128 KiB). */
export const STRACE_STRSIZE = 1 << 20;

/** Why a recording could not start; `exitCode` is what a shell would return (127 not found, 126 not executable). */
export class RecordError extends Error {
  constructor(
    message: string,
    readonly kind: "strace-missing" | "ptrace-denied" | "not-found" | "not-executable" | "attach" | "io",
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface RecordOptions {
  /** The command and its arguments (run mode). */
  argv?: readonly string[];
  /** Attach to this running process instead (its future execs only). */
  attach?: number;
  /** The environment the command gets (default: envtrace's own). */
  env?: NodeJS.ProcessEnv;
  /** Keep keys and a keyed digest of each value only; no value is kept in memory after its line is parsed. */
  noValues?: boolean;
  /** Stop following after this many seconds (the processes go on, untraced). */
  timeoutSec?: number;
  /** The strace binary (default: `strace` on PATH). */
  strace?: string;
  /** Is stdin a terminal (SIGINT/SIGQUIT then reach the command from the terminal and are not forwarded). */
  stdinIsTTY?: boolean;
  /** Forward SIGTERM/SIGHUP/SIGINT/… received by envtrace to the command (default true). */
  forwardSignals?: boolean;
}

export interface RecordRun {
  tree: ExecTree;
  /** Like a shell: the command's exit code, or 128+N when it died of signal N; 124 after --timeout. */
  exitCode: number;
  /** --timeout stopped the recording (processes of the tree may still be running, untraced). */
  timedOut: boolean;
  /** Trace bytes and lines parsed, wall time of the recording (seconds). */
  bytes: number;
  lines: number;
  seconds: number;
  /** The strace command line (no values in it). */
  straceArgv: string[];
}

/** `name` on PATH (like a shell's lookup), or null. */
export function which(name: string, path: string | undefined): string | null {
  if (name.includes("/")) return name;
  for (const dir of (path ?? "/usr/local/bin:/usr/bin:/bin").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) {
        accessSync(p, constants.X_OK);
        return p;
      }
    } catch {}
  }
  return null;
}

/** The strace options of a recording (see docs/record.md for each). */
export function straceArgs(o: { fifo: string; seccomp: boolean; attach?: number }): string[] {
  return [
    "-f",
    // -q, not -qq: attach/detach chatter off, but `+++ exited with N +++` kept (each process's end).
    "-q",
    ...(o.seccomp ? ["--seccomp-bpf"] : []),
    "-e",
    "trace=execve,execveat,clone,clone3,fork,vfork",
    "-v",
    "-s",
    String(STRACE_STRSIZE),
    "-xx",
    "-ttt",
    "-o",
    o.fifo,
    ...(o.attach !== undefined ? ["-p", String(o.attach)] : []),
  ];
}

/** Says why ptrace is refused here: Yama scope, seccomp, a missing CAP_SYS_PTRACE (for attaching). */
export function diagnosePtrace(o: { attach?: number; straceStderr?: string } = {}): string {
  const reasons: string[] = [];
  let yama: number | undefined;
  try {
    yama = Number(readFileSync("/proc/sys/kernel/yama/ptrace_scope", "utf8").trim());
  } catch {}
  const status = (() => {
    try {
      return readFileSync("/proc/self/status", "utf8");
    } catch {
      return "";
    }
  })();
  const capEff = /^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1];
  const hasPtraceCap = capEff ? (BigInt(`0x${capEff}`) >> 19n) & 1n : undefined;
  const seccomp = Number(/^Seccomp:\s*(\d)/m.exec(status)?.[1] ?? 0);
  if (yama === 3) reasons.push("kernel.yama.ptrace_scope is 3: ptrace is disabled on this host until reboot");
  if (o.attach !== undefined) {
    if (yama === 2 && hasPtraceCap !== 1n)
      reasons.push(
        "kernel.yama.ptrace_scope is 2: only a process with CAP_SYS_PTRACE may attach (run as root)",
      );
    if (yama === 1 && hasPtraceCap !== 1n)
      reasons.push(
        `kernel.yama.ptrace_scope is 1: only an ancestor of pid ${o.attach} (or CAP_SYS_PTRACE) may attach; run \`envtrace record -- CMD\` instead, or as root`,
      );
  }
  if (hasPtraceCap === 0n && (o.attach !== undefined || yama === 2))
    reasons.push(
      "CAP_SYS_PTRACE is missing (a container: add --cap-add SYS_PTRACE, or securityContext capabilities)",
    );
  if (seccomp === 2)
    reasons.push(
      "envtrace runs under a seccomp filter that may refuse ptrace (a container's profile: run with a profile that allows ptrace)",
    );
  const said = o.straceStderr?.split("\n").find((l) => /ptrace|Operation not permitted|EPERM/i.test(l));
  if (said) reasons.push(`strace said: ${said.trim().slice(0, 200)}`);
  return reasons.length > 0 ? reasons.join("; ") : "strace could not trace (no reason found on this host)";
}

function signalNumber(name: string | null | undefined): number {
  if (!name) return 0;
  return (osConstants.signals as Record<string, number>)[name] ?? 0;
}

/** Reads the exec-time environment, argv and program of a live process (the baseline of --attach). */
function readProcess(pid: number): { env: EnvMap; argv: string[]; path: string } {
  const environ = readFileSync(`/proc/${pid}/environ`);
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0");
  if (cmdline.at(-1) === "") cmdline.pop();
  let path = "";
  try {
    path = execFileSync("readlink", [`/proc/${pid}/exe`], { encoding: "utf8" }).trim();
  } catch {}
  return { env: parseEnviron(environ).env, argv: cmdline, path };
}

/** Runs the recording to its end. Throws {@link RecordError} when it cannot start. */
export async function record(o: RecordOptions): Promise<RecordRun> {
  const env = o.env ?? process.env;
  const strace = o.strace ?? which("strace", env.PATH ?? process.env.PATH);
  if (!strace)
    throw new RecordError(
      "strace is not installed: install the Debian package `strace` (apt-get install strace)",
      "strace-missing",
      2,
    );
  const attach = o.attach;
  let baselineEnv: EnvMap;
  let baseline: ReturnType<typeof ExecTree.baselineImage>;
  if (attach !== undefined) {
    let p: { env: EnvMap; argv: string[]; path: string };
    try {
      p = readProcess(attach);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new RecordError(
        code === "ENOENT"
          ? `no process with pid ${attach}`
          : `cannot read /proc/${attach}/environ (${code}): ${diagnosePtrace({ attach })}`,
        "attach",
        2,
      );
    }
    baselineEnv = p.env;
    baseline = ExecTree.baselineImage(attach, baselineEnv, { path: p.path, argv: p.argv });
  } else {
    const argv = o.argv ?? [];
    if (argv.length === 0)
      throw new RecordError("no command given: envtrace record -- CMD ARGS…", "not-found", 2);
    const found = which(argv[0]!, env.PATH);
    if (!found) throw new RecordError(`${argv[0]}: command not found`, "not-found", 127);
    try {
      accessSync(found, constants.X_OK);
      if (statSync(found).isDirectory()) throw new Error("directory");
    } catch {
      throw new RecordError(
        `${argv[0]}: ${statSync(found, { throwIfNoEntry: false }) ? "permission denied (not executable)" : "no such file"}`,
        statSync(found, { throwIfNoEntry: false }) ? "not-executable" : "not-found",
        statSync(found, { throwIfNoEntry: false }) ? 126 : 127,
      );
    }
    const entries = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined);
    baselineEnv = new Map(
      entries.map(([k, v]) => [k, { key: k, value: v, raw: Buffer.from(v), escaped: false }] as const),
    );
    baseline = ExecTree.baselineImage(0, baselineEnv, { path: "", argv: [] });
  }

  const digestKey = o.noValues ? randomBytes(32) : undefined;
  const tree = new ExecTree(baseline);
  const parser = new TraceParser(
    (e) => tree.add(e),
    digestKey ? { valueDigest: (raw) => createHmac("sha256", digestKey).update(raw).digest() } : {},
  );
  if (o.noValues) {
    // The baseline is compared by digest too.
    for (const [k, e] of baselineEnv) {
      baselineEnv.set(k, { ...e, value: "", raw: createHmac("sha256", digestKey!).update(e.raw).digest() });
    }
  }

  const dir = mkdtempSync(join(tmpdir(), "envtrace-record-"));
  const fifo = join(dir, "trace");
  const started = Date.now();
  try {
    try {
      execFileSync("mkfifo", ["-m", "0600", fifo], { stdio: "ignore" });
    } catch (err) {
      throw new RecordError(`cannot make the trace pipe in ${dir}: ${(err as Error).message}`, "io", 2);
    }
    // seccomp-bpf stops the tracee only at the traced calls (≈4× less overhead), but a process detached
    // while running keeps the filter and gets ENOSYS from execve/clone: not when we may detach early.
    const seccomp = attach === undefined && o.timeoutSec === undefined;
    const args = straceArgs({ fifo, seccomp, ...(attach !== undefined ? { attach } : {}) });
    const straceArgv = [strace, ...args, ...(attach === undefined ? ["--", ...(o.argv ?? [])] : [])];
    const child: ChildProcess = spawn(strace, straceArgv.slice(1), {
      env,
      stdio: attach === undefined ? "inherit" : ["ignore", "ignore", "pipe"],
    });
    if (attach === undefined && child.pid !== undefined) {
      // The command's parent as procfs would show it: strace, holding the environment envtrace passed.
      baseline.pid = child.pid;
      baseline.proc.pid = child.pid;
      baseline.path = strace;
      baseline.argv = ["strace"];
    }
    let straceStderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      if (straceStderr.length < 8192) straceStderr += d.toString("utf8");
    });
    const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );

    // Read the FIFO as strace writes it.
    let opened = false;
    const stream = createReadStream(fifo, { highWaterMark: 1 << 20 });
    stream.once("open", () => {
      opened = true;
    });
    const drained = new Promise<void>((resolve) => {
      stream.on("data", (d) => parser.push(d as Buffer));
      stream.once("end", resolve);
      stream.once("error", () => resolve());
    });

    // Signals: forwarded to the command (the root of the tree).
    const forwarded: Array<[NodeJS.Signals, () => void]> = [];
    if (o.forwardSignals !== false) {
      const sigs: NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGINT", "SIGQUIT"];
      for (const sig of sigs) {
        const h = () => {
          if (attach !== undefined) {
            // Attached: the user stops the recording; strace detaches and the process goes on.
            child.kill("SIGINT");
            return;
          }
          // The terminal already sent SIGINT/SIGQUIT to the whole foreground group (the command too).
          if ((sig === "SIGINT" || sig === "SIGQUIT") && o.stdinIsTTY) return;
          const root = tree.root?.pid;
          if (root !== undefined) {
            try {
              process.kill(root, sig);
            } catch {}
          }
        };
        process.on(sig, h);
        forwarded.push([sig, h]);
      }
    }

    let timedOut = false;
    const timer =
      o.timeoutSec !== undefined
        ? setTimeout(() => {
            timedOut = true;
            // Killing strace detaches every tracee (they go on untraced).
            child.kill("SIGKILL");
          }, o.timeoutSec * 1000)
        : undefined;

    const first = await Promise.race([exited, spawnError.then((e) => ({ error: e }) as const)]);
    if ("error" in first) {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {}
      stream.destroy();
      throw new RecordError(`cannot run ${strace}: ${first.error.message}`, "strace-missing", 2);
    }
    if (timer) clearTimeout(timer);
    for (const [sig, h] of forwarded) process.off(sig, h);
    // strace never opened its output (it failed first): unblock our reader. Its open() runs on the thread
    // pool and may not have begun yet — then a non-blocking open for writing fails (ENXIO, no reader) and
    // the reader would wait forever: try again until the stream is open (or the stream gave up).
    for (let i = 0; !opened && !stream.destroyed && i < 500; i++) {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    await drained;
    parser.end();

    const rootProc = tree.root;
    if (attach === undefined && (!rootProc || rootProc.images.length === 0) && !timedOut) {
      // Nothing ran: strace itself failed (its message went to the terminal's stderr).
      const probe = spawnSync(strace, ["-qq", "-e", "trace=none", "--", "true"], { encoding: "utf8" });
      if (probe.error || probe.status !== 0) {
        throw new RecordError(
          `strace cannot trace here: ${diagnosePtrace({ straceStderr: probe.stderr ?? "" })}`,
          "ptrace-denied",
          2,
        );
      }
      const code = first.code ?? 128 + signalNumber(first.signal);
      return {
        tree,
        exitCode: code,
        timedOut,
        bytes: parser.bytes,
        lines: parser.lines,
        seconds: (Date.now() - started) / 1000,
        straceArgv,
      };
    }
    if (
      attach !== undefined &&
      tree.events === 0 &&
      first.code !== 0 &&
      /ptrace|attach/i.test(straceStderr)
    ) {
      throw new RecordError(
        `cannot attach to pid ${attach}: ${diagnosePtrace({ attach, straceStderr })}`,
        "attach",
        2,
      );
    }
    let exitCode: number;
    const rootExit = rootProc?.exit;
    if (attach !== undefined) exitCode = 0;
    else if (timedOut) {
      exitCode = rootExit ? (rootExit.code ?? 128 + signalNumber(rootExit.signal)) : 124;
    } else if (first.signal) exitCode = 128 + signalNumber(first.signal);
    else exitCode = first.code ?? 0;
    return {
      tree,
      exitCode,
      timedOut,
      bytes: parser.bytes,
      lines: parser.lines,
      seconds: (Date.now() - started) / 1000,
      straceArgv,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
