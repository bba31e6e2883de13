/**
 * The resolver registry: every resolver, listed explicitly, in the order the engine consults them
 * (earlier wins ties of equal confidence). Fallback resolvers run only for keys nobody else explained.
 * `registry.test.ts` checks ids are unique and that every resolver has docs.
 */
import { ciResolvers } from "./ci/index.js";
import { containerResolvers } from "./container/index.js";
import direnv from "./direnv.js";
import { createExecChainResolver } from "./exec-chain.js";
import kernel from "./kernel.js";
import login from "./login.js";
import pamEnv from "./pam-env.js";
import type { Resolver } from "./resolver.js";
import ash from "./shell/ash.js";
import bash from "./shell/bash.js";
import dash from "./shell/dash.js";
import fish from "./shell/fish.js";
import zsh from "./shell/zsh.js";
import ssh from "./ssh.js";
import su from "./su.js";
import sudo from "./sudo.js";
import systemd from "./systemd.js";

/** Resolvers that speak for a live actor (a shell, sshd, systemd, a container runtime, …). */
// direnv first: its DIRENV_DIFF pins values the shell hook only evaluated. pam-env before login/su/sudo/ssh:
// PAM applies its environment after their built-ins, so it wins a tie on equal values. kernel last: a
// container runtime that explains init's environment is more specific.
const primary: readonly Resolver[] = [
  direnv,
  bash,
  zsh,
  dash,
  ash,
  fish,
  pamEnv,
  login,
  su,
  sudo,
  ssh,
  systemd,
  ...containerResolvers.filter((r) => !r.fallback),
  // CI before kernel: inside a docker-executor job, PID 1 received the job's variables from the runner.
  ...ciResolvers,
  kernel,
];

export const resolvers: readonly Resolver[] = [
  ...primary,
  createExecChainResolver(() => primary),
  // oci-config: the bundle's config.json, only for keys no higher-level container source explained.
  ...containerResolvers.filter((r) => r.fallback),
];

export type {
  ResolveRequest,
  Resolver,
  ResolverAnswer,
  ResolverContext,
  StaticCandidate,
} from "./resolver.js";
