/**
 * The resolver registry: every resolver, listed explicitly, in the order the engine consults them
 * (earlier wins ties of equal confidence). Fallback resolvers run only for keys nobody else explained.
 * `registry.test.ts` checks ids are unique and that every resolver has docs.
 */
import { createExecChainResolver } from "./exec-chain.js";
import type { Resolver } from "./resolver.js";

/** Resolvers that speak for a live actor (a shell, sshd, systemd, a container runtime, …). */
const primary: readonly Resolver[] = [];

export const resolvers: readonly Resolver[] = [...primary, createExecChainResolver(() => primary)];

export type {
  ResolveRequest,
  Resolver,
  ResolverAnswer,
  ResolverContext,
  StaticCandidate,
} from "./resolver.js";
