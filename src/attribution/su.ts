/**
 * su(1) and runuser(1) from util-linux (`login-utils/su-common.c` `modify_environment`):
 * - default: HOME and SHELL of the target user, plus USER and LOGNAME unless the target is root; PATH
 *   only when login.defs has `ALWAYS_SET_PATH yes`;
 * - `--login`/`-l`/`-`: the environment is cleared except TERM/COLORTERM/NO_COLOR and whitelisted names,
 *   then HOME, SHELL, USER, LOGNAME and PATH (`ENV_PATH`, or `ENV_ROOTPATH`/`ENV_SUPATH` for root) are set;
 * - `-m`/`-p` (without `--login`): nothing is set.
 * PAM makes the final modification (pam-env resolver).
 */
import type { ProcessSnapshot } from "../model/index.js";
import {
  answer,
  isProgram,
  loginDefsPath,
  loginDefsValue,
  passwdAnswers,
  processUser,
} from "./lib/common.js";
import { defineResolver, type ResolverAnswer } from "./resolver.js";

/** The su mode from its argv (util-linux option letters). */
export function suMode(actor: ProcessSnapshot | null): { login: boolean; preserve: boolean } {
  let login = false;
  let preserve = false;
  const args = actor?.info.cmdline.slice(1) ?? [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    if (a === "-" || a === "-l" || a === "--login") login = true;
    else if (a === "-m" || a === "-p" || a === "--preserve-environment") preserve = true;
    else if (/^-[a-zA-Z]+$/.test(a)) {
      if (a.includes("l")) login = true;
      if (a.includes("m") || a.includes("p")) preserve = true;
      // options that take a value consume the next word
      if (/[cgGsuwW]$/.test(a) && !a.includes("=")) i++;
    } else if (/^--(command|group|supp-group|shell|whitelist-environment|session-command)$/.test(a)) i++;
  }
  return { login, preserve: preserve && !login };
}

export default defineResolver({
  meta: {
    id: "su",
    kind: "su",
    description:
      "su/runuser built-ins: HOME, SHELL, USER, LOGNAME of the target user; with --login also PATH from /etc/login.defs.",
  },
  matches(req) {
    return isProgram(req.actor, ["su", "runuser"]);
  },
  async resolve(req, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const mode = suMode(req.actor);
    if (mode.preserve) return out;
    const user = await processUser(ctx, req.receiver);
    if (!user) return out;
    const who = mode.login ? "su --login" : "su";
    const names = mode.login || user.uid !== 0 ? ["HOME", "SHELL", "USER", "LOGNAME"] : ["HOME", "SHELL"];
    for (const [k, a] of passwdAnswers("su", req.keys, user, names, who)) {
      a.attribution.mechanism = mode.login ? `login:${k}` : k;
      out.set(k, a);
    }
    const path = req.keys.get("PATH");
    const always = (await loginDefsValue(ctx, "ALWAYS_SET_PATH"))?.value.toLowerCase() === "yes";
    if (path && (mode.login || always)) {
      const want = await loginDefsPath(ctx, user.uid);
      const setting = want.setting ?? "the compiled-in default";
      out.set(
        "PATH",
        path.value === want.value
          ? answer(
              "su",
              mode.login ? "login:PATH" : "PATH",
              "certain",
              [
                `${who} sets PATH from ${setting} in /etc/login.defs for ${user.uid === 0 ? "root" : "non-root users"}`,
              ],
              want.location,
            )
          : answer("su", "PATH", "likely", [
              `${who} sets PATH from ${setting}, but the value differs: a PAM module changed it`,
            ]),
      );
    }
    return out;
  },
});
