/**
 * What every web adapter does per request: read the runtime's request state (snapshot id, drift), put it on
 * the active OpenTelemetry span and the request's logger, and let the runtime emit `runtime-drift-served`
 * the first time a request is served after the environment changed. When nothing was written since the
 * last request this is a counter comparison, a clock read and a span lookup.
 */
import { createRequire } from "node:module";
import { init } from "./index.js";
import type { Runtime } from "./runtime.js";
import type { InitOptions } from "./types.js";

export interface RequestEnv {
  /** The sealed snapshot the request was served under (`sha256:…`). */
  snapshotId: string;
  /** The environment differs from that snapshot now. */
  drift: boolean;
  /** This is the first request served since the environment last changed (and it drifted). */
  firstAfterChange: boolean;
}

export interface MiddlewareOptions {
  /** Options for `init()` when the runtime was not initialized yet (ignored otherwise). */
  init?: InitOptions;
  /** Put the state on the active OpenTelemetry span (default true; a no-op without an SDK). */
  span?: boolean;
  /** Called per request with the state (a request logger, metrics). */
  log?: (env: RequestEnv, req: unknown) => void;
}

/** Span attribute names. */
export const ATTR_SNAPSHOT = "envtrace.snapshot.id";
export const ATTR_DRIFT = "envtrace.env.drift";

interface SpanLike {
  setAttribute(k: string, v: string | boolean): unknown;
}
interface OtelApi {
  trace: { getActiveSpan(): SpanLike | undefined };
}

let otel: OtelApi | null | undefined;

/**
 * `@opentelemetry/api` if the program has it (an optional peer), else null. Loaded with require: its
 * registry is a global (`Symbol.for("opentelemetry.js.api.1")`), so the CommonJS copy sees the provider the
 * program registered through ESM.
 */
export function otelApi(): OtelApi | null {
  if (otel !== undefined) return otel;
  try {
    const req = createRequire(`${process.cwd()}/`);
    otel = req("@opentelemetry/api") as OtelApi;
  } catch {
    try {
      otel = createRequire(import.meta.url)("@opentelemetry/api") as OtelApi;
    } catch {
      otel = null;
    }
  }
  return otel;
}

interface LoggerLike {
  setBindings?: (b: Record<string, unknown>) => void;
}

/** The per-request step shared by every adapter. */
export function requestStep(opts: MiddlewareOptions = {}): (req: unknown, logger?: unknown) => RequestEnv {
  const rt: Runtime = init(opts.init ?? {});
  const api = opts.span === false ? null : otelApi();
  const log = opts.log;
  return (req, logger) => {
    const s = rt.requestState();
    const env: RequestEnv = {
      snapshotId: s.snapshotId,
      drift: s.drift,
      firstAfterChange: s.firstAfterChange,
    };
    if (api) {
      const span = api.trace.getActiveSpan();
      if (span) {
        span.setAttribute(ATTR_SNAPSHOT, env.snapshotId);
        span.setAttribute(ATTR_DRIFT, env.drift);
      }
    }
    const l = logger as LoggerLike | undefined;
    if (l && typeof l.setBindings === "function")
      l.setBindings({ envSnapshot: env.snapshotId, envDrift: env.drift });
    if (log) log(env, req);
    return env;
  };
}
