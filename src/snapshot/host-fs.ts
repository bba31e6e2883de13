/**
 * Read-only view of a host's files under an injectable root, so that collectors and resolvers can run
 * against a fixture tree (`test/fixtures/...`) exactly as against `/`.
 *
 * Every path given to these methods is a path on the inspected host (`/etc/profile`, `/proc/1/environ`);
 * it is resolved under `root`. Methods throw Node errors (`ENOENT`, `EACCES`, …); callers turn them into
 * `CollectionIssue`s with {@link issueFromError}.
 */
import {
  closeSync,
  constants as fsConstants,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  statSync,
} from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { CollectionIssue, IssueCode } from "../model/index.js";

/** Files larger than this are not read by static analysis (a `TOO_LARGE` issue instead). */
export const MAX_TEXT_FILE_BYTES = 8 * 1024 * 1024;

export interface HostFs {
  readonly root: string;
  /** Maps a host path to the real path on this machine. */
  resolve(hostPath: string): string;
  readFile(hostPath: string): Promise<Buffer>;
  /** Reads a text file; undefined when it does not exist. Other errors throw. */
  readTextIfExists(hostPath: string, maxBytes?: number): Promise<string | undefined>;
  stat(hostPath: string): Promise<import("node:fs").Stats>;
  readdir(hostPath: string): Promise<string[]>;
  readlink(hostPath: string): Promise<string>;
  isReadable(hostPath: string): Promise<boolean>;
  /**
   * Synchronous reads, for procfs: its files are generated in memory by the kernel, and a synchronous
   * read avoids a thread-pool round trip per tiny file (a scan reads thousands).
   */
  readFileSync(hostPath: string): Buffer;
  readlinkSync(hostPath: string): string;
  statSync(hostPath: string): import("node:fs").Stats;
}

export class TooLargeError extends Error {
  readonly code = "TOO_LARGE";
  constructor(
    readonly file: string,
    readonly size: number,
  ) {
    super(`${file} is ${size} bytes, above the ${MAX_TEXT_FILE_BYTES}-byte limit for static analysis`);
  }
}

export function createHostFs(root = "/"): HostFs {
  const absRoot = path.resolve(root);
  const resolve = (hostPath: string): string =>
    absRoot === "/" ? hostPath : path.join(absRoot, path.resolve("/", hostPath));
  return {
    root: absRoot,
    resolve,
    readFile: (p) => fsp.readFile(resolve(p)),
    readFileSync: (p) => readWholeSync(resolve(p)),
    readlinkSync: (p) => readlinkSync(resolve(p)),
    statSync: (p) => statSync(resolve(p)),
    async readTextIfExists(p, maxBytes = MAX_TEXT_FILE_BYTES) {
      let handle: fsp.FileHandle;
      try {
        // O_NONBLOCK: opening a FIFO (a `.bashrc` that is a named pipe) must not wait for a writer; the
        // isFile() check below then skips it. Regular files ignore the flag.
        handle = await fsp.open(resolve(p), fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
      } catch (err) {
        if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return undefined;
        throw err;
      }
      try {
        const st = await handle.stat();
        if (!st.isFile()) return undefined;
        if (st.size > maxBytes) throw new TooLargeError(p, st.size);
        return (await handle.readFile()).toString("utf8");
      } finally {
        await handle.close();
      }
    },
    stat: (p) => fsp.stat(resolve(p)),
    readdir: (p) => fsp.readdir(resolve(p)),
    readlink: (p) => fsp.readlink(resolve(p)),
    async isReadable(p) {
      try {
        await fsp.access(resolve(p), fsConstants.R_OK);
        return (await fsp.stat(resolve(p))).isFile();
      } catch {
        return false;
      }
    },
  };
}

let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads a whole file through one reused buffer. procfs files report size 0, so `fs.readFileSync` would
 * allocate a fresh 64 KiB buffer per file; a scan reads thousands, and the garbage dominated its profile.
 */
function readWholeSync(realPath: string): Buffer {
  const fd = openSync(realPath, "r");
  try {
    let used = 0;
    for (;;) {
      if (used === scratch.length) {
        const bigger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(bigger, 0, 0, used);
        scratch = bigger;
      }
      const n = readSync(fd, scratch, used, scratch.length - used, null);
      if (n === 0) break;
      used += n;
    }
    return Buffer.from(scratch.subarray(0, used));
  } finally {
    closeSync(fd);
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(["EACCES", "EPERM", "ESRCH", "ENOENT", "EIO", "TOO_LARGE"]);

/** Turns a thrown error into a CollectionIssue; the detail is one line and never a stack trace. */
export function issueFromError(subject: string, err: unknown, what = "read"): CollectionIssue {
  const raw = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  const code = (typeof raw === "string" && KNOWN_CODES.has(raw) ? raw : "EIO") as IssueCode;
  const isProc = /^(\/proc\/\d+|pid \d+)/.test(subject);
  const hint: Record<string, () => string> = {
    EACCES: () => `permission denied; ${permissionHint()}`,
    EPERM: () => `operation not permitted; ${permissionHint()}`,
    ESRCH: () => "the process exited while it was being read",
    ENOENT: () => (isProc ? "the process exited while it was being read" : "it does not exist"),
    TOO_LARGE: () => "skipped: too large for static analysis",
  };
  const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
  return { subject, code, detail: `could not ${what}: ${hint[code]?.() ?? message}` };
}

let permissionHintMemo: string | undefined;

/**
 * Why a read of another process's files was refused, as far as this process can tell: not root; root
 * without CAP_SYS_PTRACE (a container that dropped it); root of a user namespace (not root of the host's
 * processes); Yama's ptrace_scope 3; /proc mounted with hidepid. Read once per run.
 */
export function permissionHint(): string {
  permissionHintMemo ??= (() => {
    const read = (f: string) => {
      try {
        return readFileSync(f, "utf8");
      } catch {
        return "";
      }
    };
    const euid = typeof process.geteuid === "function" ? process.geteuid() : -1;
    if (euid !== 0) return "run as root or as the process owner to see it";
    const why: string[] = [];
    // Another user's environ needs both: DAC_READ_SEARCH (or DAC_OVERRIDE) past its 0400 mode, and SYS_PTRACE
    // for the kernel's ptrace-read check (measured: neither alone is enough; docs/fleet.md).
    const capEff = /CapEff:\s*([0-9a-f]+)/.exec(read("/proc/self/status"))?.[1];
    const has = (bit: bigint) => !!capEff && (BigInt(`0x${capEff}`) & (1n << bit)) !== 0n;
    const missing = [
      ...(has(19n) ? [] : ["CAP_SYS_PTRACE"]),
      ...(has(2n) || has(1n) ? [] : ["CAP_DAC_READ_SEARCH"]),
    ];
    if (capEff && missing.length > 0)
      why.push(
        `this root lacks ${missing.join(" and ")} (both are needed to read another user's environ; e.g. --cap-add ${missing.map((c) => c.replace("CAP_", "")).join(" --cap-add ")})`,
      );
    const uidMap = read("/proc/self/uid_map").trim().split(/\s+/);
    if (uidMap.length >= 3 && !(uidMap[0] === "0" && uidMap[1] === "0" && uidMap[2] === "4294967295"))
      why.push("this root is root of a user namespace only (run in the host's user namespace)");
    if (read("/proc/sys/kernel/yama/ptrace_scope").trim() === "3")
      why.push("Yama ptrace_scope is 3 (no process may read another's; it cannot be lowered until reboot)");
    const procMount = read("/proc/self/mountinfo")
      .split("\n")
      .find((l) => l.split(" ")[4] === "/proc");
    if (procMount && /hidepid=(?:[12]|invisible|noaccess)/.test(procMount))
      why.push("/proc is mounted with hidepid (remount without it, or join its gid= group)");
    return why.length > 0
      ? why.join("; ")
      : "refused although running as root (a security module such as AppArmor?)";
  })();
  return permissionHintMemo;
}
