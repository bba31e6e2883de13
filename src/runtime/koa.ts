/** Koa middleware: `app.use(envtrace())`. The state goes on `ctx.state.envtrace`, the span and `ctx.log`. */
import { type MiddlewareOptions, type RequestEnv, requestStep } from "./middleware.js";

interface Ctx {
  state: Record<string, unknown>;
  log?: unknown;
}

export function envtrace(
  opts: MiddlewareOptions = {},
): (ctx: Ctx, next: () => Promise<unknown>) => Promise<unknown> {
  const step = requestStep(opts);
  return (ctx, next) => {
    ctx.state.envtrace = step(ctx, ctx.log) satisfies RequestEnv;
    return next();
  };
}

export default envtrace;
export type { MiddlewareOptions, RequestEnv } from "./middleware.js";
export { ATTR_DRIFT, ATTR_SNAPSHOT } from "./middleware.js";
