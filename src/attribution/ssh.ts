/**
 * sshd(8) sessions (openssh `session.c` `do_setup_env`, in its order; later wins): client variables
 * accepted by `AcceptEnv`; USER, LOGNAME, HOME, PATH, MAIL, SHELL, TZ, TERM, DISPLAY, SSH_AUTH_SOCK;
 * with `PermitUserEnvironment`, `~/.ssh/environment` (file:line); PAM's environment (pam-env resolver);
 * `SetEnv` (first active line only, file:line); SSH_CLIENT, SSH_CONNECTION, SSH_TUNNEL, SSH_USER_AUTH,
 * SSH_TTY, SSH_ORIGINAL_COMMAND. The config is the `-f` file of the listening sshd when its title shows
 * one, else /etc/ssh/sshd_config, with its Includes.
 */
import type { ProcessSnapshot } from "../model/index.js";
import { answer, loc, passwdAnswers, processUser } from "./lib/common.js";
import { parseSshEnvironmentFile } from "./lib/envfile.js";
import { cmdlineText, globMatch, readText, splitLines, where } from "./lib/host.js";
import { firstGlobal, loadSshdConfig, SSHD_CONFIG, type SshdDirective } from "./lib/sshd-config.js";
import {
  defineResolver,
  programName,
  type ResolveRequest,
  type ResolverAnswer,
  type ResolverContext,
  type StaticCandidate,
} from "./resolver.js";

export function isSshd(p: ProcessSnapshot | null): boolean {
  if (!p) return false;
  return programName(p) === "sshd" || p.info.comm === "sshd" || /^sshd[:\s]/.test(p.info.cmdline[0] ?? "");
}

/** The sshd_config the listener was started with (`-f FILE`; kept in its process title), else the default. */
export function sshdConfigPath(chain: readonly ProcessSnapshot[]): string {
  for (const p of chain) {
    if (!isSshd(p)) continue;
    const m = /(?:^|\s)-f\s*(\S+)/.exec(cmdlineText(p));
    if (m) return m[1]!;
  }
  return SSHD_CONFIG;
}

/** Compiled-in default PATHs of common builds (upstream `_PATH_STDPATH`, Debian's user and root paths). */
const DEFAULT_PATHS: ReadonlyMap<string, string> = new Map([
  ["/usr/bin:/bin:/usr/sbin:/sbin", "upstream _PATH_STDPATH"],
  ["/usr/local/bin:/usr/bin:/bin:/usr/games", "Debian's compiled-in user PATH"],
  ["/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "the compiled-in superuser PATH"],
  ["/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "a distribution's compiled-in PATH"],
]);

function permitUserEnv(ds: readonly SshdDirective[]): {
  on: boolean;
  patterns?: string[];
  d?: SshdDirective;
} {
  const d = firstGlobal(ds, "permituserenvironment");
  if (!d || d.args.length === 0) return { on: false };
  const v = d.args[0]!.toLowerCase();
  if (v === "no") return { on: false, d };
  if (v === "yes") return { on: true, d };
  return { on: true, patterns: d.args.join(",").split(","), d };
}

function envAllowed(patterns: string[] | undefined, key: string): boolean {
  if (!patterns) return true;
  let ok = false;
  for (const p of patterns) {
    if (p.startsWith("!") && globMatch(p.slice(1), key)) return false;
    if (globMatch(p, key)) ok = true;
  }
  return ok;
}

async function resolveSsh(req: ResolveRequest, ctx: ResolverContext): Promise<Map<string, ResolverAnswer>> {
  const out = new Map<string, ResolverAnswer>();
  const configFile = sshdConfigPath(req.chain);
  const ds = await loadSshdConfig(ctx, configFile);
  const user = await processUser(ctx, req.receiver);
  const set = (key: string, a: ResolverAnswer) => {
    if (req.keys.has(key)) out.set(key, a);
  };
  // 1. AcceptEnv: the client sent it (weakest: everything below overrides it).
  for (const [key] of req.keys) {
    const acc = ds.find((d) => d.keyword === "acceptenv" && d.args.some((p) => globMatch(p, key)));
    if (acc) {
      set(
        key,
        answer(
          "ssh",
          "AcceptEnv",
          acc.match ? "possible" : "likely",
          [
            `sent by the ssh client and accepted by AcceptEnv at ${where(acc.file, acc.line)}${acc.match ? ` (inside Match ${acc.match})` : ""}`,
          ],
          loc(acc.file, acc.line),
        ),
      );
    }
  }
  // 2. Built-ins.
  if (user) {
    for (const [k, a] of passwdAnswers("ssh", req.keys, user, ["USER", "LOGNAME", "HOME", "SHELL"], "sshd")) {
      set(k, a);
    }
    const mail = req.keys.get("MAIL");
    if (mail && mail.value === `/var/mail/${user.name}`) {
      set(
        "MAIL",
        answer("ssh", "MAIL", "likely", ["the user's mail spool, set by sshd (without PAM) or pam_mail"]),
      );
    }
  }
  const path = req.keys.get("PATH");
  if (path && DEFAULT_PATHS.has(path.value)) {
    set(
      "PATH",
      answer("ssh", "PATH", "likely", [
        `sshd sets PATH to its compiled-in default (${DEFAULT_PATHS.get(path.value)})`,
      ]),
    );
  }
  const term = req.keys.get("TERM");
  if (term) set("TERM", answer("ssh", "TERM", "certain", ["sshd sets TERM from the client's pty request"]));
  if (req.keys.has("DISPLAY")) {
    set("DISPLAY", answer("ssh", "DISPLAY", "certain", ["sshd sets DISPLAY for X11 forwarding"]));
  }
  const sock = req.keys.get("SSH_AUTH_SOCK");
  if (sock) {
    set(
      "SSH_AUTH_SOCK",
      answer("ssh", "SSH_AUTH_SOCK", /\/ssh-[^/]+\/agent\.\d+$/.test(sock.value) ? "certain" : "likely", [
        "sshd sets SSH_AUTH_SOCK for agent forwarding",
      ]),
    );
  }
  if (req.keys.has("TZ")) set("TZ", answer("ssh", "TZ", "likely", ["sshd passes its own TZ to the session"]));
  // 4. `environment="NAME=value"` options in authorized_keys, then ~/.ssh/environment (which wins), when
  // PermitUserEnvironment allows them.
  const pue = permitUserEnv(ds);
  if (user && pue.on) {
    const akf = firstGlobal(ds, "authorizedkeysfile")?.args ?? [
      ".ssh/authorized_keys",
      ".ssh/authorized_keys2",
    ];
    for (const pattern of akf) {
      if (pattern.toLowerCase() === "none") continue;
      const expanded = pattern
        .replace(/%h/g, user.home)
        .replace(/%u/g, user.name)
        .replace(/%U/g, String(user.uid))
        .replace(/%%/g, "%");
      const file = expanded.startsWith("/") ? expanded : `${user.home.replace(/\/$/, "")}/${expanded}`;
      const text = await readText(ctx, file);
      if (text === undefined) continue;
      splitLines(text).forEach((raw, i) => {
        for (const m of raw.matchAll(/(?:^|,)\s*environment="((?:[^"\\]|\\.)*)"/gi)) {
          const assignment = m[1]!.replace(/\\(.)/g, "$1");
          const eq = assignment.indexOf("=");
          if (eq <= 0) continue;
          const key = assignment.slice(0, eq);
          const got = req.keys.get(key);
          if (!got || got.value !== assignment.slice(eq + 1) || !envAllowed(pue.patterns, key)) continue;
          set(
            key,
            answer(
              "ssh",
              "authorized_keys environment=",
              "likely",
              [
                `environment= option of a key in ${file} (applies when that key authenticated the session; PermitUserEnvironment at ${where(pue.d!.file, pue.d!.line)})`,
              ],
              loc(file, i + 1),
            ),
          );
        }
      });
    }
  }
  if (user) {
    const file = `${user.home.replace(/\/$/, "")}/.ssh/environment`;
    const text = await readText(ctx, file);
    if (text !== undefined) {
      const last = new Map<string, { value: string; line: number }>();
      for (const a of parseSshEnvironmentFile(text)) last.set(a.key, { value: a.value ?? "", line: a.line });
      for (const [key, a] of last) {
        const got = req.keys.get(key);
        if (!got || got.value !== a.value) continue;
        if (pue.on && envAllowed(pue.patterns, key)) {
          set(
            key,
            answer(
              "ssh",
              "~/.ssh/environment",
              "certain",
              [`read by sshd because PermitUserEnvironment is enabled at ${where(pue.d!.file, pue.d!.line)}`],
              loc(file, a.line),
            ),
          );
        } else {
          set(
            key,
            answer(
              "ssh",
              "~/.ssh/environment",
              "possible",
              ["the file assigns this value, but PermitUserEnvironment does not allow it in the config read"],
              loc(file, a.line),
            ),
          );
        }
      }
    }
  }
  // 6. SetEnv: only the first active SetEnv line counts; within it, the first of a name.
  const setenvLines = ds.filter((d) => d.keyword === "setenv");
  const firstActive = setenvLines.find((d) => d.match === undefined);
  for (const d of setenvLines) {
    const counted = d === firstActive;
    const seen = new Set<string>();
    for (const arg of d.args) {
      const eq = arg.indexOf("=");
      if (eq <= 0) continue;
      const key = arg.slice(0, eq);
      if (seen.has(key)) continue;
      seen.add(key);
      const got = req.keys.get(key);
      if (!got || got.value !== arg.slice(eq + 1)) continue;
      const conf = counted ? "certain" : d.match !== undefined ? "likely" : "possible";
      set(
        key,
        answer(
          "ssh",
          "SetEnv",
          conf,
          [
            counted
              ? `SetEnv at ${where(d.file, d.line)} overrides the default and client environment`
              : d.match !== undefined
                ? `SetEnv inside Match ${d.match} at ${where(d.file, d.line)}`
                : `SetEnv at ${where(d.file, d.line)} (sshd uses only the first SetEnv line)`,
          ],
          loc(d.file, d.line),
        ),
      );
    }
  }
  // 7. Connection variables.
  const conn = req.keys.get("SSH_CONNECTION");
  if (conn) {
    const ok = conn.value.split(" ").length === 4;
    set(
      "SSH_CONNECTION",
      answer("ssh", "SSH_CONNECTION", ok ? "certain" : "likely", [
        "sshd sets SSH_CONNECTION (client address and port, server address and port)",
      ]),
    );
  }
  const client = req.keys.get("SSH_CLIENT");
  if (client) {
    const ok = client.value.split(" ").length === 3;
    set(
      "SSH_CLIENT",
      answer("ssh", "SSH_CLIENT", ok ? "certain" : "likely", [
        "sshd sets SSH_CLIENT (deprecated form of SSH_CONNECTION)",
      ]),
    );
  }
  const tty = req.keys.get("SSH_TTY");
  if (tty)
    set(
      "SSH_TTY",
      answer("ssh", "SSH_TTY", /^\/dev\//.test(tty.value) ? "certain" : "likely", [
        "sshd sets SSH_TTY to the session's pty",
      ]),
    );
  for (const k of ["SSH_ORIGINAL_COMMAND", "SSH_TUNNEL", "SSH_USER_AUTH"]) {
    if (req.keys.has(k)) set(k, answer("ssh", k, "certain", [`sshd sets ${k} for this session`]));
  }
  if (configFile !== SSHD_CONFIG) {
    for (const a of out.values())
      a.attribution.evidence.push(`sshd configuration read from ${configFile} (the listener's -f)`);
  }
  return out;
}

const ssh = defineResolver({
  meta: {
    id: "ssh",
    kind: "ssh",
    description:
      "sshd sessions: built-ins (USER, HOME, PATH, SSH_CONNECTION, SSH_TTY, …), AcceptEnv, SetEnv and ~/.ssh/environment from sshd_config with file:line.",
  },
  matches(req) {
    return isSshd(req.actor);
  },
  resolve: resolveSsh,
  /** SetEnv values of the default config and the subject user's ~/.ssh/environment, for the exec-chain search. */
  async candidates(req, ctx): Promise<StaticCandidate[]> {
    const out: StaticCandidate[] = [];
    const ds = await loadSshdConfig(ctx, sshdConfigPath(req.chain));
    for (const d of ds.filter((x) => x.keyword === "setenv")) {
      for (const arg of d.args) {
        const eq = arg.indexOf("=");
        if (eq > 0) {
          out.push({
            key: arg.slice(0, eq),
            value: arg.slice(eq + 1),
            location: loc(d.file, d.line),
            kind: "ssh",
            mechanism: "SetEnv",
          });
        }
      }
    }
    const user = await processUser(ctx, req.subject);
    if (user && permitUserEnv(ds).on) {
      const file = `${user.home.replace(/\/$/, "")}/.ssh/environment`;
      const text = await readText(ctx, file);
      for (const a of text === undefined ? [] : parseSshEnvironmentFile(text)) {
        out.push({
          key: a.key,
          value: a.value,
          location: loc(file, a.line),
          kind: "ssh",
          mechanism: "~/.ssh/environment",
        });
      }
    }
    return out;
  },
});

export default ssh;
