/**
 * dash and POSIX `sh` (when `sh` is dash, or cannot be told apart): login shells read /etc/profile and
 * ~/.profile; interactive shells then read the file named by $ENV (also when .profile set it).
 * See docs/resolvers/dash.md.
 */
import { defineResolver } from "../resolver.js";
import { actorShell, resolveShellKeys, shellCandidates } from "./common.js";

export default defineResolver({
  meta: {
    id: "dash",
    kind: "shell",
    description: "dash / POSIX sh startup files (/etc/profile, ~/.profile, $ENV), analysed statically",
  },
  matches(req) {
    return actorShell(req, ["dash", "sh"]) !== null;
  },
  async resolve(req, ctx) {
    const a = actorShell(req, ["dash", "sh"]);
    if (!a) return new Map();
    // mechanism says which one it was: `dash`, or `sh` when the binary could not be identified.
    return resolveShellKeys(a.shell, a.shell, a.mode, req, ctx);
  },
  candidates(req, ctx) {
    return shellCandidates("dash", "dash", req, ctx);
  },
});
