/**
 * Collects the Go toolchain environment of a subject: probes `go`, reads the GOENV file and
 * `$GOROOT/go.env`, resolves each setting's source, and (for settings from the process environment)
 * asks the host attribution engine who put the variable there. Partial failures are issues.
 */
import type { Stats } from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { defaultSubject, ExplainSession } from "../explain.js";
import type { CollectionIssue, DisplayValue } from "../model/index.js";
import { displayString } from "../report/reporter.js";
import { isErrno, issueFromError } from "../snapshot/host-fs.js";
import { parseEnvFile } from "./envfile.js";
import { COSTLY } from "./known.js";
import { type ProbeResult, probeGo } from "./probe.js";
import { type EnvFileRead, resolveSettings } from "./provenance.js";
import { maskGoValue } from "./redact.js";
import type { GoInfo, GoSetting } from "./types.js";

export interface CollectGoOptions {
  /** The go binary (default: `go` in the audited environment's PATH). */
  goPath?: string;
  /** The audited environment (default: this process's). Ignored when `pid` is given. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Audit the environment of this process (read from /proc/<pid>/environ) instead. */
  pid?: number;
  /** Also ask for the costly names (`go env` then runs `$CC`). */
  full?: boolean;
  /**
   * Attribute settings that come from the process environment with the host engine: `true` uses the
   * invoking shell (or `pid`); `false` skips it. Default true.
   */
  origins?: boolean;
  /** The pid whose invoker is the default subject (the CLI passes its own). */
  selfPid?: number;
  /** Show secrets in clear (the user's explicit opt-out). */
  reveal?: boolean;
}

/** Raw collection, for the checks. Internal: values are NOT masked. */
export interface RawGoCollection {
  go: GoInfo;
  probe: ProbeResult;
  env: Readonly<Record<string, string | undefined>>;
  settings: GoSetting<string>[];
  userFile?: EnvFileRead & { stat?: Stats };
  /** uid of the audited process (directories owned by other non-root users are flagged). */
  uid?: number;
  issues: CollectionIssue[];
}

/** The masked result: what `snapshot --go` and other library users get. */
export interface GoCollection {
  go: GoInfo;
  settings: GoSetting[];
  issues: CollectionIssue[];
}

const MAX_ENV_FILE = 1 << 20;

async function readEnvFile(
  file: string,
  issues: CollectionIssue[],
): Promise<(EnvFileRead & { stat: Stats }) | undefined> {
  try {
    const stat = await fsp.stat(file);
    if (!stat.isFile()) return undefined;
    if (stat.size > MAX_ENV_FILE) {
      issues.push({ subject: file, code: "TOO_LARGE", detail: `skipped: above ${MAX_ENV_FILE} bytes` });
      return undefined;
    }
    return { path: file, entries: parseEnvFile(await fsp.readFile(file, "utf8")), stat };
  } catch (err) {
    if (!isErrno(err, "ENOENT") && !isErrno(err, "ENOTDIR")) issues.push(issueFromError(file, err));
    return undefined;
  }
}

/** `os.UserConfigDir()/go/env` on Linux: $XDG_CONFIG_HOME (absolute) or $HOME/.config. */
export function defaultGoEnvPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg) return path.isAbsolute(xdg) ? path.join(xdg, "go", "env") : undefined;
  return env.HOME ? path.join(env.HOME, ".config", "go", "env") : undefined;
}

async function environOf(
  pid: number,
  issues: CollectionIssue[],
): Promise<{ env: Record<string, string>; uid?: number }> {
  const session = new ExplainSession();
  const read = await session.reader.read(pid);
  issues.push(...read.issues);
  const env: Record<string, string> = {};
  for (const [k, e] of read.snapshot?.env ?? []) env[k] = e.value;
  if (!read.snapshot) throw Object.assign(new Error(`no process ${pid}`), { code: "ESRCH" });
  const out: { env: Record<string, string>; uid?: number } = { env };
  if (read.snapshot.info.uid !== undefined) out.uid = read.snapshot.info.uid;
  return out;
}

export async function collectRaw(opts: CollectGoOptions = {}): Promise<RawGoCollection> {
  const issues: CollectionIssue[] = [];
  let env = opts.env ?? process.env;
  let uid = process.getuid?.();
  if (opts.pid !== undefined) {
    const e = await environOf(opts.pid, issues);
    env = e.env;
    uid = e.uid;
  }
  const probe = await probeGo({ goPath: opts.goPath, env, full: opts.full ?? false });
  const goenv = probe.values.GOENV;
  const userPath = goenv ? goenv : env.GOENV === "off" ? undefined : defaultGoEnvPath(env);
  const userFile = userPath && env.GOENV !== "off" ? await readEnvFile(userPath, issues) : undefined;
  const goroot = probe.values.GOROOT;
  const gorootFile = goroot ? await readEnvFile(path.join(goroot, "go.env"), issues) : undefined;
  const extraKeys = new Set<string>();
  if (probe.asked !== "all") {
    for (const k of COSTLY) if (k !== "GOGCCFLAGS") extraKeys.add(k);
  }
  for (const k of [...Object.keys(env), ...(userFile?.entries.map((e) => e.key) ?? [])]) {
    if (/^CGO_[A-Z]+FLAGS_(DIS)?ALLOW$/.test(k)) extraKeys.add(k);
  }
  const settings = resolveSettings({
    version: probe.version,
    env,
    probed: probe.values,
    ...(userFile ? { userFile } : {}),
    ...(gorootFile ? { gorootFile } : {}),
    extraKeys: [...extraKeys],
  });
  if (opts.origins ?? true) await attachOrigins(settings, env, opts, issues);
  const out: RawGoCollection = {
    go: { version: probe.version.raw, path: probe.goPath },
    probe,
    env,
    settings,
    issues,
  };
  if (userFile) out.userFile = userFile;
  if (uid !== undefined) out.uid = uid;
  return out;
}

/** For settings taken from the process environment, the host engine's answer for that variable. */
async function attachOrigins(
  settings: GoSetting<string>[],
  env: Readonly<Record<string, string | undefined>>,
  opts: CollectGoOptions,
  issues: CollectionIssue[],
): Promise<void> {
  const keys = settings.filter((s) => s.source.kind === "environment").map((s) => s.key);
  if (keys.length === 0) return;
  try {
    const session = new ExplainSession({ keys, reveal: false });
    let envPid: number;
    let subjectPid: number;
    if (opts.pid !== undefined) envPid = subjectPid = opts.pid;
    else ({ envPid, subjectPid } = await defaultSubject(session.reader, opts.selfPid ?? process.pid));
    const result = await session.explain(envPid, subjectPid);
    issues.push(...result.issues);
    const byKey = new Map(result.variables.map((v) => [v.key, v]));
    for (const s of settings) {
      if (s.source.kind !== "environment") continue;
      const l = byKey.get(s.key);
      // Only when the engine saw the same value: otherwise the variable was set after that process started.
      if (l?.winner && displayString(l.value, true) === env[s.key]) s.source.origin = l.winner;
    }
  } catch (err) {
    issues.push(issueFromError("environment origins", err, "attribute"));
  }
}

/** Masks a raw collection (values and shadowed values), unless `reveal`. */
export function maskSettings(settings: readonly GoSetting<string>[], reveal = false): GoSetting[] {
  const m = (key: string, v: string): DisplayValue => (reveal ? v : maskGoValue(key, v));
  return settings.map((s) => {
    const out: GoSetting = { ...s, value: m(s.key, s.value) };
    if (s.shadowed) out.shadowed = s.shadowed.map((x) => ({ ...x, value: m(s.key, x.value) }));
    return out;
  });
}

/**
 * The Go toolchain settings of a subject with their sources, values masked. This is the library entry
 * point for `envtrace snapshot --go`. Throws EnvtraceError only when no go binary can be run.
 */
export async function collectGoSettings(opts: CollectGoOptions = {}): Promise<GoCollection> {
  const raw = await collectRaw(opts);
  return { go: raw.go, settings: maskSettings(raw.settings, opts.reveal), issues: raw.issues };
}
