/**
 * The resolver registry: every resolver, listed explicitly, in the order the engine consults them
 * (earlier wins ties of equal confidence). Fallback resolvers run only for keys nobody else explained.
 * `registry.test.ts` checks ids are unique and that every resolver has docs and fixtures.
 */
import type { Resolver } from "./resolver.js";

export const resolvers: readonly Resolver[] = [];

export type {
  ResolveRequest,
  Resolver,
  ResolverAnswer,
  ResolverContext,
  StaticCandidate,
} from "./resolver.js";
