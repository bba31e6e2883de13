/**
 * Helpers shared by the host resolvers (login, su, sudo, ssh, pam-env, systemd, direnv, kernel): who the
 * actor is, the target user, login.defs PATH rules, and a compact way to build answers.
 * Evidence strings name files, lines, users and mechanisms — never a variable's value.
 */
import type {
  Attribution,
  Confidence,
  FileLocation,
  ProcessSnapshot,
  SourceKind,
} from "../../model/index.js";
import { argv0Base, programName, type ResolverAnswer, type ResolverContext } from "../resolver.js";
import { loginDefsEnvValue, parseLoginDefs } from "./envfile.js";
import { readTextMemo } from "./host.js";
import { type PasswdEntry, userByName, userByUid } from "./passwd.js";

/** True when the process is one of `names` by exe basename, argv[0] basename or comm. */
export function isProgram(p: ProcessSnapshot | null, names: readonly string[]): boolean {
  if (!p) return false;
  const candidates = [programName(p), argv0Base(p), p.info.comm];
  return candidates.some((c) => names.includes(c));
}

export function answer(
  kind: SourceKind,
  mechanism: string,
  confidence: Confidence,
  evidence: string[],
  location?: FileLocation,
): ResolverAnswer {
  const attribution: Attribution = { kind, mechanism, confidence, evidence };
  if (location) attribution.location = location;
  return { attribution };
}

export function loc(file: string, line?: number): FileLocation {
  return line !== undefined ? { file, line } : { file };
}

/**
 * The user a process runs as: its real uid from `/proc/<pid>/status`, else the USER/LOGNAME it received.
 */
export async function processUser(
  ctx: ResolverContext,
  p: ProcessSnapshot,
): Promise<PasswdEntry | undefined> {
  return (
    (await userByUid(ctx, p.info.uid)) ??
    (await userByName(ctx, p.env?.get("USER")?.value ?? p.env?.get("LOGNAME")?.value))
  );
}

export const LOGIN_DEFS = "/etc/login.defs";
/** util-linux defaults (pathnames.h `_PATH_DEFPATH`, `_PATH_DEFPATH_ROOT`) when login.defs says nothing. */
export const UTIL_LINUX_DEFAULT_PATH = "/usr/local/bin:/bin:/usr/bin";
export const UTIL_LINUX_DEFAULT_ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin";
/** The mail spool (`_PATH_MAILDIR`) on Linux. */
export const MAIL_DIR = "/var/mail";

/**
 * PATH as login and su compute it: root gets `ENV_ROOTPATH`, else `ENV_SUPATH`; others `ENV_PATH`; each
 * may be written `PATH=…`; the compiled-in default otherwise.
 */
export async function loginDefsPath(
  ctx: ResolverContext,
  uid: number,
): Promise<{ value: string; location?: FileLocation; setting?: string }> {
  const text = await readTextMemo(ctx, LOGIN_DEFS);
  const defs = parseLoginDefs(text ?? "");
  const names = uid === 0 ? ["ENV_ROOTPATH", "ENV_SUPATH"] : ["ENV_PATH"];
  for (const n of names) {
    const d = defs.get(n);
    if (d && d.value !== "") {
      return { value: loginDefsEnvValue("PATH", d.value), location: loc(LOGIN_DEFS, d.line), setting: n };
    }
  }
  return { value: uid === 0 ? UTIL_LINUX_DEFAULT_ROOT_PATH : UTIL_LINUX_DEFAULT_PATH };
}

export async function loginDefsValue(ctx: ResolverContext, name: string) {
  const text = await readTextMemo(ctx, LOGIN_DEFS);
  return parseLoginDefs(text ?? "").get(name);
}

/** Builds the answers for the passwd-derived keys a login-type program sets for `user`. */
export function passwdAnswers(
  kind: SourceKind,
  keys: ReadonlyMap<string, { value: string }>,
  user: PasswdEntry,
  wanted: readonly string[],
  who: string,
): Map<string, ResolverAnswer> {
  const out = new Map<string, ResolverAnswer>();
  const expected: Record<string, string> = {
    HOME: user.home,
    SHELL: user.shell === "" ? "/bin/sh" : user.shell,
    USER: user.name,
    LOGNAME: user.name,
    MAIL: `${MAIL_DIR}/${user.name}`,
  };
  const at = loc("/etc/passwd", user.line);
  for (const key of wanted) {
    const got = keys.get(key);
    if (!got || expected[key] === undefined) continue;
    const field = key === "HOME" ? "home directory" : key === "SHELL" ? "login shell" : "user name";
    if (got.value === expected[key]) {
      out.set(
        key,
        answer(
          kind,
          key,
          "certain",
          [
            key === "MAIL"
              ? `${who} sets MAIL to the mail spool of user ${user.name} (${MAIL_DIR}/<user>)`
              : `${who} sets ${key} from the ${field} of user ${user.name} (uid ${user.uid}) in /etc/passwd`,
          ],
          key === "MAIL" ? undefined : at,
        ),
      );
    } else {
      out.set(
        key,
        answer(kind, key, "likely", [
          `${who} sets ${key} for user ${user.name}, but the value differs from what it computes: a later step (PAM module, startup file) changed it`,
        ]),
      );
    }
  }
  return out;
}
