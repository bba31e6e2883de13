/**
 * `node --import envtrace/register app.js` (or `NODE_OPTIONS=--import=envtrace/register`): `init()` before
 * the program's first line, with options from the environment:
 * - `ENVTRACE_GUARD` = `proxy` (default) | `observe` | `off`
 * - `ENVTRACE_AUDIT` = `stderr` | a file path (JSON lines) — where runtime events go
 * - `ENVTRACE_DOTENV_FILES` = extra dotenv files, comma-separated
 * - `ENVTRACE_REPORT` = a report to read exec-time attributions from (instead of the host engine)
 * - `ENVTRACE_RECHECK_MS` = how often the environment is re-read past the guard, by middleware and by a
 *   timer that keeps the guard's read mirror in step (default 1000; 0: middleware on every request, no timer)
 * - `ENVTRACE_DISABLE=1` = do nothing
 */
// Only what init needs is loaded (runtime.ts, guard.ts, dotenv.ts): each module costs ~0.4 ms under --import.
import { init } from "./runtime.js";
import type { GuardMode, InitOptions } from "./types.js";

const env = process.env;
if (env.ENVTRACE_DISABLE !== "1" && env.ENVTRACE_DISABLE !== "true") {
  const opts: InitOptions = {};
  const g = env.ENVTRACE_GUARD;
  if (g === "proxy" || g === "observe" || g === "off") opts.guard = g as GuardMode;
  const a = env.ENVTRACE_AUDIT;
  if (a) {
    const { jsonlFileSink, stderrSink } = await import("./sink.js");
    opts.sink = a === "stderr" ? stderrSink() : jsonlFileSink(a);
  }
  if (env.ENVTRACE_DOTENV_FILES) opts.dotenvFiles = env.ENVTRACE_DOTENV_FILES.split(",").filter(Boolean);
  if (env.ENVTRACE_REPORT) opts.report = env.ENVTRACE_REPORT;
  const r = Number(env.ENVTRACE_RECHECK_MS);
  if (Number.isFinite(r) && r >= 0 && env.ENVTRACE_RECHECK_MS) opts.recheckMs = r;
  init(opts);
}
