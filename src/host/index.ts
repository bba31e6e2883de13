/**
 * Host check registry (sorted by id; no discovery) and the runner behind `envtrace host`.
 * `runHostChecks` never throws for host problems: unreadable files become CollectionIssues.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { CollectionIssue, Finding } from "../model/index.js";
import { SEVERITY_RANK } from "../model/index.js";
import { parseEnviron } from "../snapshot/environ.js";
import { createHostFs, type HostFs } from "../snapshot/host-fs.js";
import { cgroupCheck } from "./cgroup.js";
import { type CommandResult, runCommand } from "./exec.js";
import { glibcCheck } from "./glibc.js";
import { type GoRelease, parseGoVersion } from "./go-release.js";
import { hardeningCheck } from "./hardening.js";
import { kernelCheck } from "./kernel.js";
import { selinuxCheck } from "./selinux.js";
import { shellsCheck } from "./shells.js";
import type { HostCheck, HostCheckResult, HostContext, HostReport, HostStatus } from "./types.js";
import { createXattrReader, type XattrReader } from "./xattr.js";

export const hostChecks: readonly HostCheck[] = [
  kernelCheck,
  cgroupCheck,
  selinuxCheck,
  shellsCheck,
  glibcCheck,
  hardeningCheck,
];

export interface HostOptions {
  /** Root of the inspected host (a fixture tree in tests). Default `/`. */
  root?: string;
  /** Target process for cgroup, hardening and SELinux process context. */
  pid: number;
  /** `--go-version`: skips running `go version`. */
  goVersion?: GoRelease;
  /** `--binary`: a (cgo) program to check against the host's glibc (a host path under `root`). */
  binary?: string;
  /** The go binary to ask (default `go` on PATH); only used on the live root. */
  goBinary?: string;
  /** Environment whose PATH finds `go`/`getfattr`/`getconf` (the CLI's environment). */
  env?: NodeJS.ProcessEnv;
  checks?: readonly HostCheck[];
}

/** Runs `go <args>` in an empty temporary directory (no go.mod: no toolchain switch, no download). */
async function goCommand(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const dir = await mkdtemp(path.join(tmpdir(), "envtrace-go-"));
  try {
    return await runCommand(bin, args, {
      timeoutMs: 5000,
      cwd: dir,
      env: { ...env, GOTOOLCHAIN: "local", GOFLAGS: "" },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function statusOf(findings: readonly Finding[], unknown: boolean): HostStatus {
  const worst = Math.max(-1, ...findings.map((f) => SEVERITY_RANK[f.severity]));
  if (worst >= SEVERITY_RANK.medium) return "fail";
  if (worst >= 0) return "warn";
  return unknown ? "unknown" : "ok";
}

async function existing(
  fs: HostFs,
  paths: Record<string, string | undefined>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, p] of Object.entries(paths)) {
    if (!p?.startsWith("/")) continue;
    try {
      await fs.stat(p);
      out[k] = p;
    } catch {
      // absent: nothing to label
    }
  }
  return out;
}

export async function runHostChecks(opts: HostOptions): Promise<HostReport> {
  const fs = createHostFs(opts.root ?? "/");
  const live = fs.root === "/";
  const env = opts.env ?? process.env;
  const issues: CollectionIssue[] = [];
  const exec = (file: string, args: readonly string[], timeoutMs?: number): Promise<CommandResult> =>
    live
      ? runCommand(file, args, { timeoutMs: timeoutMs ?? 5000, env })
      : Promise.resolve({ ok: false, stdout: "", stderr: "", error: "UNAVAILABLE" });
  const goBin = opts.goBinary ?? "go";
  let go = opts.goVersion;
  if (!go && live) {
    const r = await goCommand(goBin, ["version"], env);
    if (r.ok) go = parseGoVersion(r.stdout, "go version");
    else if (r.error === "TIMEOUT")
      issues.push({ subject: `${goBin} version`, code: "TIMEOUT", detail: "go did not answer within 5 s" });
  }
  let goPathsMemo: Promise<Record<string, string>> | undefined;
  const goPaths = () => {
    goPathsMemo ??= (async () => {
      if (live && go?.source === "go version") {
        const r = await goCommand(goBin, ["env", "-json", "GOROOT", "GOPATH", "GOCACHE"], env);
        if (r.ok) {
          try {
            const j = JSON.parse(r.stdout) as Record<string, string>;
            return existing(fs, { GOROOT: j.GOROOT, GOPATH: j.GOPATH?.split(":")[0], GOCACHE: j.GOCACHE });
          } catch {
            issues.push({
              subject: `${goBin} env`,
              code: "PARSE",
              detail: "go env -json output was not JSON",
            });
          }
        }
      }
      // Without a go to ask: the target's environment, else Go's documented defaults.
      let tenv = new Map<string, string>();
      try {
        const parsed = parseEnviron(await fs.readFile(`/proc/${opts.pid}/environ`)).env;
        tenv = new Map([...parsed].map(([k, e]) => [k, e.value]));
      } catch {
        // unreadable: defaults only
      }
      const home = tenv.get("HOME");
      const cacheHome = tenv.get("XDG_CACHE_HOME") || (home ? `${home}/.cache` : undefined);
      return existing(fs, {
        GOROOT: tenv.get("GOROOT") || "/usr/local/go",
        GOPATH: tenv.get("GOPATH")?.split(":")[0] || (home ? `${home}/go` : undefined),
        GOCACHE: tenv.get("GOCACHE") || (cacheHome ? `${cacheHome}/go-build` : undefined),
      });
    })();
    return goPathsMemo;
  };
  let xattr: Promise<XattrReader> | undefined;
  const ctx: HostContext = {
    fs,
    live,
    pid: opts.pid,
    go,
    binary: opts.binary,
    goPaths,
    exec,
    async selinuxContext(p) {
      xattr ??= createXattrReader(fs, exec, issues);
      return (await xattr)(p, "security.selinux");
    },
  };
  const checks: HostCheckResult[] = [];
  for (const check of opts.checks ?? hostChecks) {
    let outcome: Awaited<ReturnType<HostCheck["run"]>>;
    try {
      outcome = await check.run(ctx);
    } catch (err) {
      // A check bug must not abort the report: record it and go on.
      outcome = {
        summary: "error",
        status: "unknown",
        facts: {},
        findings: [],
        issues: [
          {
            subject: check.meta.id,
            code: "EIO",
            detail: `check failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
          },
        ],
      };
    }
    const { status, ...rest } = outcome;
    checks.push({
      id: check.meta.id,
      dimension: check.meta.dimension,
      title: check.meta.title,
      status: statusOf(outcome.findings, status === "unknown"),
      ...rest,
    });
  }
  return {
    schemaVersion: 1,
    root: fs.root,
    pid: opts.pid,
    go: go ? { version: go.raw, source: go.source } : null,
    checks,
    issues,
  };
}

export type { HostCheck, HostCheckResult, HostReport } from "./types.js";
