/**
 * busybox ash (`sh`/`ash` run from the busybox binary): login shells read /etc/profile, then
 * $HOME/.profile only when HOME is set; interactive shells read $ENV when set and non-empty.
 * See docs/resolvers/ash.md.
 */
import { defineResolver } from "../resolver.js";
import { actorShell, resolveShellKeys, shellCandidates } from "./common.js";

export default defineResolver({
  meta: {
    id: "ash",
    kind: "shell",
    description: "busybox ash startup files (/etc/profile, $HOME/.profile, $ENV), analysed statically",
  },
  matches(req) {
    return actorShell(req, ["ash"]) !== null;
  },
  async resolve(req, ctx) {
    const a = actorShell(req, ["ash"]);
    if (!a) return new Map();
    return resolveShellKeys("ash", "ash", a.mode, req, ctx);
  },
  candidates(req, ctx) {
    return shellCandidates("ash", "ash", req, ctx);
  },
});
