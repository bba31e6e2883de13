/**
 * `node:http` (and https/http2 compatibility API) wrapper: `http.createServer(withEnvtrace(handler))`.
 * The state is put on `req.envtrace`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type MiddlewareOptions, type RequestEnv, requestStep } from "./middleware.js";

export type RequestWithEnv = IncomingMessage & { envtrace?: RequestEnv };

export function withEnvtrace<Req extends IncomingMessage, Res extends ServerResponse>(
  handler: (req: Req & { envtrace?: RequestEnv }, res: Res) => unknown,
  opts: MiddlewareOptions = {},
): (req: Req, res: Res) => unknown {
  const step = requestStep(opts);
  return (req, res) => {
    const r = req as Req & { envtrace?: RequestEnv; log?: unknown };
    r.envtrace = step(req, r.log);
    return handler(r, res);
  };
}

export type { MiddlewareOptions, RequestEnv } from "./middleware.js";
export { ATTR_DRIFT, ATTR_SNAPSHOT } from "./middleware.js";
