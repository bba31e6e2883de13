/**
 * bash: variables exported by bash's startup files (login: /etc/profile then the first readable of
 * ~/.bash_profile, ~/.bash_login, ~/.profile; interactive: /etc/bash.bashrc and ~/.bashrc; non-interactive:
 * $BASH_ENV; invoked as `sh`: /etc/profile, ~/.profile, $ENV). See docs/resolvers/bash.md.
 */
import { defineResolver } from "../resolver.js";
import { actorShell, resolveShellKeys, shellCandidates } from "./common.js";

export default defineResolver({
  meta: {
    id: "bash",
    kind: "shell",
    description: "bash startup files (profile, bash_profile, bashrc, BASH_ENV, sh mode), analysed statically",
  },
  matches(req) {
    return actorShell(req, ["bash"]) !== null;
  },
  async resolve(req, ctx) {
    const a = actorShell(req, ["bash"]);
    if (!a) return new Map();
    return resolveShellKeys("bash", "bash", a.mode, req, ctx);
  },
  candidates(req, ctx) {
    return shellCandidates("bash", "bash", req, ctx);
  },
});
