/**
 * The call site of a `process.env` write: the first stack frame that is neither envtrace's runtime nor
 * Node's internals. Read from `Error().stack` (so `--enable-source-maps` maps it back to the source).
 */
import type { CallSite } from "./types.js";

const fileURLToPath = (u: string | URL) => process.getBuiltinModule("node:url").fileURLToPath(u);

/** This directory (dist/runtime or src/runtime): frames in it are envtrace's own. */
let ownDir: string | undefined;
const OWN_DIR = () => {
  ownDir ??= fileURLToPath(new URL(".", import.meta.url));
  return ownDir;
};

/** `    at fn (file:line:col)` or `    at file:line:col`. */
const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

/** Loader packages whose frames mark a write as a dotenv load. */
const LOADERS: ReadonlyArray<[RegExp, string]> = [
  [/[\\/]node_modules[\\/]@dotenvx[\\/]dotenvx[\\/]/, "dotenvx"],
  [/[\\/]node_modules[\\/]dotenv-flow[\\/]/, "dotenv-flow"],
  [/[\\/]node_modules[\\/]dotenv[\\/]/, "dotenv"],
];

export interface StackInfo {
  site?: CallSite;
  loader?: string;
}

/** Parses a V8 stack string. `ownDir` frames (envtrace's runtime) are skipped. */
export function parseStack(stack: string, ownDir = OWN_DIR()): StackInfo {
  const out: StackInfo = {};
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[2] ?? "";
    if (file.startsWith("async ")) file = file.slice(6);
    if (file.startsWith("file://")) {
      try {
        file = fileURLToPath(file);
      } catch {}
    }
    if (
      file.startsWith(ownDir) ||
      file.startsWith("node:") ||
      file === "native" ||
      file.startsWith("internal/")
    )
      continue;
    let loader: string | undefined;
    for (const [re, name] of LOADERS) {
      if (re.test(file)) {
        loader = name;
        break;
      }
    }
    // A loader's own frames are not the call site: the program's call into the loader is.
    if (loader) {
      out.loader ??= loader;
      continue;
    }
    out.site = { file, line: Number(m[3]), column: Number(m[4]) };
    if (m[1] && m[1] !== "<anonymous>") out.site.fn = m[1];
    break;
  }
  return out;
}

/** The caller of a `process.env` write, skipping envtrace's own frames. */
export function callerInfo(): StackInfo {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, callerInfo);
  Error.stackTraceLimit = limit;
  return parseStack(holder.stack ?? "");
}
