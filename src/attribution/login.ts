/**
 * login(1): the variables `login` sets for the session it starts (util-linux `login-utils/login.c`
 * `init_environ`; shadow's `setup_env` sets the same ones): HOME, USER, LOGNAME, SHELL from the user's
 * passwd entry, PATH from `ENV_PATH` (users) or `ENV_ROOTPATH`/`ENV_SUPATH` (root) in /etc/login.defs,
 * MAIL as the user's spool, TERM kept from getty (`dumb` when unset). PAM's environment is applied
 * afterwards; the pam-env resolver speaks for it.
 */
import { answer, isProgram, loginDefsPath, passwdAnswers, processUser } from "./lib/common.js";
import { defineResolver, type ResolverAnswer } from "./resolver.js";

export default defineResolver({
  meta: {
    id: "login",
    kind: "login",
    description:
      "login(1) built-ins: HOME/USER/LOGNAME/SHELL from /etc/passwd, PATH from /etc/login.defs ENV_PATH/ENV_SUPATH, MAIL, TERM.",
  },
  matches(req) {
    return isProgram(req.actor, ["login"]);
  },
  async resolve(req, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const user = await processUser(ctx, req.receiver);
    if (!user) return out;
    for (const [k, a] of passwdAnswers(
      "login",
      req.keys,
      user,
      ["HOME", "USER", "LOGNAME", "SHELL", "MAIL"],
      "login",
    )) {
      out.set(k, a);
    }
    const path = req.keys.get("PATH");
    if (path) {
      const want = await loginDefsPath(ctx, user.uid);
      const setting = want.setting ?? "the compiled-in default";
      out.set(
        "PATH",
        path.value === want.value
          ? answer(
              "login",
              "PATH",
              "certain",
              [
                `login sets PATH from ${setting} in /etc/login.defs for ${user.uid === 0 ? "root" : "non-root users"}`,
              ],
              want.location,
            )
          : answer("login", "PATH", "likely", [
              `login sets PATH from ${setting}, but the value differs: a PAM module or a later step changed it`,
            ]),
      );
    }
    const hush = req.keys.get("HUSHLOGIN");
    if (hush && (hush.value === "TRUE" || hush.value === "FALSE")) {
      // shadow's login (Debian ≤ 12) exports whether ~/.hushlogin or HUSHLOGIN_FILE silenced the login.
      out.set(
        "HUSHLOGIN",
        answer("login", "HUSHLOGIN", "certain", ["shadow's login records whether the login was hushed"]),
      );
    }
    const term = req.keys.get("TERM");
    if (term) {
      out.set(
        "TERM",
        answer("login", "TERM", term.value === "dumb" ? "certain" : "likely", [
          term.value === "dumb"
            ? "login sets TERM=dumb when its caller gave no TERM"
            : "login keeps TERM from its caller (getty or the terminal)",
        ]),
      );
    }
    return out;
  },
});
