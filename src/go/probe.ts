/**
 * The safe probe: runs `go version` and `go env -json <names>` in an empty temporary directory (no go.mod
 * or go.work, so no toolchain switch), with `GOTOOLCHAIN=local` so that no toolchain is ever downloaded,
 * and asks only for names that do not make `go env` execute `$CC` unless `full` is set.
 */
import { execFile } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { EnvtraceError } from "../cli/errors.js";
import { probeNames } from "./known.js";
import { type GoVersion, parseGoVersion } from "./version.js";

export interface ProbeResult {
  goPath: string;
  version: GoVersion;
  /** `go env -json` output: name → value. */
  values: Record<string, string>;
  /** The names asked for (all when `full`). */
  asked: string[] | "all";
}

export interface ProbeOptions {
  /** The go binary; default: `go` looked up in `env.PATH`. */
  goPath?: string;
  /** The environment the go command runs with (the audited one). */
  env: Readonly<Record<string, string | undefined>>;
  /** Ask for every name (runs `$CC`: opt-in). */
  full?: boolean;
  timeoutMs?: number;
}

/** `go` in PATH, as a shell would find it; undefined when absent. */
export async function findGo(envPath: string | undefined): Promise<string | undefined> {
  for (const dir of (envPath ?? "").split(":")) {
    if (!dir) continue;
    const p = path.join(dir, "go");
    try {
      await fsp.access(p, fsConstants.X_OK);
      if ((await fsp.stat(p)).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout: number) {
  return new Promise<string>((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env, timeout, maxBuffer: 8 << 20, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err) {
          const first = (stderr || err.message).trim().split("\n")[0] ?? "";
          reject(new EnvtraceError("UNREADABLE", { what: `${file} ${args[0]}`, why: first }));
        } else resolve(stdout);
      },
    );
  });
}

export async function probeGo(opts: ProbeOptions): Promise<ProbeResult> {
  const goPath = opts.goPath ?? (await findGo(opts.env.PATH));
  if (!goPath) {
    throw new EnvtraceError("BAD_INPUT", {
      input: "go",
      why: "no go binary in PATH; install Go or pass --go /path/to/go",
    });
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "envtrace-go-probe-"));
  try {
    const env: NodeJS.ProcessEnv = { ...opts.env, GOTOOLCHAIN: "local" };
    const timeout = opts.timeoutMs ?? 30_000;
    const out = await run(goPath, ["version"], dir, env, timeout);
    const version = parseGoVersion(out);
    if (!version) {
      throw new EnvtraceError("BAD_INPUT", { input: goPath, why: "`go version` printed no Go release" });
    }
    const asked = opts.full ? "all" : probeNames(version.minor, version.goarch, false);
    const json = await run(goPath, ["env", "-json", ...(asked === "all" ? [] : asked)], dir, env, timeout);
    let values: Record<string, string>;
    try {
      values = JSON.parse(json) as Record<string, string>;
    } catch {
      throw new EnvtraceError("BAD_INPUT", { input: `${goPath} env -json`, why: "output is not JSON" });
    }
    return { goPath, version, values, asked };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
