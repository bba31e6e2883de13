/**
 * The resolver registry: every resolver, listed explicitly, in the order the engine consults them
 * (earlier wins ties of equal confidence). Fallback resolvers run only for keys nobody else explained.
 * `registry.test.ts` checks ids are unique and that every resolver has docs.
 */
import { containerResolvers } from "./container/index.js";
import { createExecChainResolver } from "./exec-chain.js";
import type { Resolver } from "./resolver.js";
import ash from "./shell/ash.js";
import bash from "./shell/bash.js";
import dash from "./shell/dash.js";
import fish from "./shell/fish.js";
import zsh from "./shell/zsh.js";

/** Resolvers that speak for a live actor (a shell, sshd, systemd, a container runtime, …). */
const primary: readonly Resolver[] = [bash, zsh, dash, ash, fish, ...containerResolvers];

export const resolvers: readonly Resolver[] = [...primary, createExecChainResolver(() => primary)];

export type {
  ResolveRequest,
  Resolver,
  ResolverAnswer,
  ResolverContext,
  StaticCandidate,
} from "./resolver.js";
