/**
 * Express (4 and 5) middleware: `app.use(envtrace())`. The state goes on `res.locals.envtrace` and
 * `req.envtrace`, on the active span, and on `req.log` when a pino-http logger is there.
 */
import { type MiddlewareOptions, type RequestEnv, requestStep } from "./middleware.js";

interface Req {
  envtrace?: RequestEnv;
  log?: unknown;
}
interface Res {
  locals?: Record<string, unknown>;
}

/** Typed loosely (`object`) so that it is assignable to Express's `RequestHandler` without its types. */
export function envtrace(
  opts: MiddlewareOptions = {},
): (req: object, res: object, next: (err?: unknown) => void) => void {
  const step = requestStep(opts);
  return (rq, rs, next) => {
    const req = rq as Req;
    const res = rs as Res;
    const env = step(req, req.log);
    req.envtrace = env;
    if (res.locals) res.locals.envtrace = env;
    next();
  };
}

export default envtrace;
export type { MiddlewareOptions, RequestEnv } from "./middleware.js";
export { ATTR_DRIFT, ATTR_SNAPSHOT } from "./middleware.js";
