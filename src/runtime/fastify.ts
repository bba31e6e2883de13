/**
 * Fastify plugin: `app.register(envtrace)`. An `onRequest` hook for the whole instance (the plugin skips
 * encapsulation, as fastify-plugin does); the state goes on `request.envtrace`, the span, and
 * `request.log`'s bindings.
 */
import { type MiddlewareOptions, type RequestEnv, requestStep } from "./middleware.js";

interface FastifyLike {
  decorateRequest(name: string, value: unknown): unknown;
  addHook(
    name: "onRequest",
    fn: (req: { envtrace?: RequestEnv | null; log?: unknown }, reply: unknown, done: () => void) => void,
  ): unknown;
}

export function envtrace(fastify: FastifyLike, opts: MiddlewareOptions, done: (err?: Error) => void): void {
  const step = requestStep(opts ?? {});
  fastify.decorateRequest("envtrace", null);
  fastify.addHook("onRequest", (req, _reply, next) => {
    req.envtrace = step(req, req.log);
    next();
  });
  done();
}
// Not encapsulated: the hook applies to every route of the instance that registered it.
(envtrace as unknown as Record<symbol, unknown>)[Symbol.for("skip-override")] = true;
(envtrace as unknown as Record<symbol, unknown>)[Symbol.for("fastify.display-name")] = "envtrace";

export default envtrace;
export type { MiddlewareOptions, RequestEnv } from "./middleware.js";
export { ATTR_DRIFT, ATTR_SNAPSHOT } from "./middleware.js";
