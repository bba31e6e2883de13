/**
 * The host adaptation report (`envtrace host`): one check per dimension a Go deployment depends on
 * (kernel, cgroup CPU limits, SELinux, login shells, glibc, process hardening).
 *
 * Contract: checks read the inspected host only through {@link HostContext} (`ctx.fs` under an injectable
 * root; `ctx.exec` only on the live root, never a privileged command). A check never throws for bad or
 * missing input: it returns `CollectionIssue`s and the facts it could establish. Findings carry ids and
 * message ids; `facts` never contain environment variable values.
 */
import type { CollectionIssue, Finding, Severity } from "../model/index.js";
import type { HostFs } from "../snapshot/host-fs.js";
import type { CommandResult } from "./exec.js";
import type { GoRelease } from "./go-release.js";

export interface HostCheckMeta {
  /** `ENVT-HOST-NNN`; also the name of `docs/host/<id>.md`. */
  id: string;
  /** Short dimension name used in text output and JSON (`kernel`, `cgroup`, …). */
  dimension: string;
  title: string;
  description: string;
  /** Default references for findings of this check (documentation, benchmarks). */
  references: readonly string[];
}

/** What a check may touch. */
export interface HostContext {
  readonly fs: HostFs;
  /** True when `fs.root` is `/`: only then may a check run a (never privileged) command. */
  readonly live: boolean;
  /** The process whose cgroup, hardening and environment are inspected. */
  readonly pid: number;
  /** The Go release the report is for (from `--go-version` or `go version`); undefined when unknown. */
  readonly go?: GoRelease | undefined;
  /** `--binary`: the (cgo) program to check against the host's glibc; default the target's executable. */
  readonly binary?: string | undefined;
  /** Go directories (GOROOT, GOPATH, GOCACHE) that exist, for SELinux contexts; computed on first call. */
  goPaths(): Promise<Readonly<Record<string, string>>>;
  /** Runs a program with a timeout; never through a shell. Only called when `live`. */
  exec(file: string, args: readonly string[], timeoutMs?: number): Promise<CommandResult>;
  /**
   * Reads the SELinux context (xattr `security.selinux`) of a host path; undefined when it has none or
   * cannot be read (an issue is recorded by the reader).
   */
  selinuxContext(hostPath: string): Promise<string | undefined>;
}

export type HostStatus = "ok" | "warn" | "fail" | "unknown";

/** What one check found: facts (JSON-safe, no variable values), findings and collection issues. */
export interface HostCheckOutcome {
  /** One line for the text report, e.g. `6.18.44 (Go 1.19 needs ≥ 2.6.32)`. */
  summary: string;
  facts: Record<string, unknown>;
  findings: Finding[];
  issues: CollectionIssue[];
  /** `unknown` when the dimension could not be established; otherwise derived from the findings. */
  status?: "unknown";
}

export interface HostCheckResult extends Omit<HostCheckOutcome, "status"> {
  id: string;
  dimension: string;
  title: string;
  status: HostStatus;
}

export interface HostCheck {
  readonly meta: HostCheckMeta;
  run(ctx: HostContext): Promise<HostCheckOutcome>;
}

/** Identity helper so that each check file is typed without a base class. */
export function defineHostCheck<T extends HostCheck>(check: T): T {
  return check;
}

export interface HostReport {
  schemaVersion: 1;
  root: string;
  pid: number;
  go: { version: string; source: string } | null;
  checks: HostCheckResult[];
  issues: CollectionIssue[];
}

/** One message of a check: its severity and remediation live with the check, not at the call site. */
export interface HostMessage {
  severity: Severity;
  remediation: string;
  references?: readonly string[];
}
