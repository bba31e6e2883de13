/**
 * zsh: variables exported by zsh's startup files (/etc/zsh/zshenv, $ZDOTDIR/.zshenv; login: zprofile;
 * interactive: zshrc; login: zlogin; Debian keeps the global ones under /etc/zsh/). See docs/resolvers/zsh.md.
 */
import { defineResolver } from "../resolver.js";
import { actorShell, resolveShellKeys, shellCandidates } from "./common.js";

export default defineResolver({
  meta: {
    id: "zsh",
    kind: "shell",
    description: "zsh startup files (zshenv, zprofile, zshrc, zlogin under $ZDOTDIR), analysed statically",
  },
  matches(req) {
    return actorShell(req, ["zsh"]) !== null;
  },
  async resolve(req, ctx) {
    const a = actorShell(req, ["zsh"]);
    if (!a) return new Map();
    return resolveShellKeys("zsh", "zsh", a.mode, req, ctx);
  },
  candidates(req, ctx) {
    return shellCandidates("zsh", "zsh", req, ctx);
  },
});
