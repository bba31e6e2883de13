/**
 * ENVT-HOST-004: the login shells configured for users (`/etc/passwd`, checked against `/etc/shells`)
 * and the startup files each one reads as a login interactive shell — the files that can put variables
 * into every session of that user. Startup plans come from the shell attribution
 * (src/attribution/shell/startup.ts); fish's list is fish's documented config locations.
 * Startup files writable by others are findings: anyone who can write them sets that user's environment.
 */

import * as path from "node:path";
import { parsePasswd } from "../attribution/lib/passwd.js";
import { startupPlan } from "../attribution/shell/startup.js";
import type { ShellId } from "../attribution/shell/types.js";
import type { CollectionIssue, Finding } from "../model/index.js";
import { type HostFs, isErrno, issueFromError } from "../snapshot/host-fs.js";
import { hostFinding } from "./finding.js";
import { defineHostCheck, type HostMessage } from "./types.js";

const MESSAGES = {
  "shells.not-in-etc-shells": {
    severity: "low",
    remediation:
      "add the shell to /etc/shells or give the user a listed shell: programs that check /etc/shells (chsh, ftpd, some PAM setups) refuse unlisted shells",
  },
  "shells.missing": {
    severity: "medium",
    remediation: "install the shell or change the user's shell (`usermod -s`); the user cannot log in",
  },
  "shells.startup-writable": {
    severity: "high",
    remediation:
      "remove group/other write permission (`chmod go-w FILE`): whoever can write it sets this user's environment",
  },
  "shells.startup-foreign-owner": {
    severity: "medium",
    remediation:
      "give the file to its user or to root (`chown`): another account controls this user's environment",
  },
} satisfies Record<string, HostMessage>;

/** shells(5): one absolute path per line, `#` comments. */
export function parseEtcShells(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("/")) out.add(line);
  }
  return out;
}

const NO_LOGIN = /(^|\/)(nologin|false|sync|shutdown|halt|true)$/;

export function isLoginShell(shell: string): boolean {
  return !NO_LOGIN.test(shell);
}

const SHELL_IDS: Record<string, ShellId> = {
  bash: "bash",
  rbash: "bash",
  zsh: "zsh",
  dash: "dash",
  sh: "sh",
  ash: "ash",
  fish: "fish",
};

/** fish: conf.d snippets, then the system and user config.fish (fish-shell docs, "Configuration files"). */
const FISH_FILES = [
  "/etc/fish/conf.d/*.fish",
  "~/.config/fish/conf.d/*.fish",
  "/usr/share/fish/config.fish",
  "/etc/fish/config.fish",
  "~/.config/fish/config.fish",
];

function expand(template: string, home: string): string {
  return template.replace(/^~(?=\/|$)/, home).replace(/\$\{?(HOME|ZDOTDIR)\}?/g, home);
}

/**
 * The startup files of `shell` for a login interactive session of a user with `home`, in reading order.
 * Each entry is a list of alternatives of which the shell reads the first present one (bash's
 * `~/.bash_profile | ~/.bash_login | ~/.profile`); `$ENV`-style entries name a variable.
 */
export function loginStartupFiles(shell: ShellId, home: string): string[][] {
  if (shell === "fish") return FISH_FILES.map((f) => [expand(f, home)]);
  const env = new Map([["HOME", home]]);
  const out: string[][] = [];
  for (const step of startupPlan(shell, { login: true, interactive: true }, env)) {
    if (step.kind === "file") out.push([expand(step.path, home)]);
    else if (step.kind === "first-readable" || step.kind === "first-existing") {
      out.push(step.paths.map((p) => expand(p, home)));
    } else if (step.kind === "env-file") out.push([`$${step.variable}`]);
    // A login shell has no `-c` string or script: other step kinds do not occur here.
  }
  return out;
}

/** Which shell a login-shell path is; `/bin/sh` is resolved through its symlink (dash or bash). */
async function shellIdOf(fs: HostFs, shellPath: string): Promise<ShellId | undefined> {
  let name = path.posix.basename(shellPath);
  if (name === "sh") {
    try {
      const target = path.posix.basename(await fs.readlink(shellPath));
      if (SHELL_IDS[target]) name = target;
    } catch {
      // not a symlink: plain sh
    }
  }
  if (name === "busybox") return "ash";
  return SHELL_IDS[name.replace(/[\d.]+$/, "")];
}

export const shellsCheck = defineHostCheck({
  meta: {
    id: "ENVT-HOST-004",
    dimension: "shells",
    title: "Login shells and the startup files they read",
    description:
      "Lists users with a login shell (/etc/passwd), checks the shell against /etc/shells, and names the startup files each login shell reads, flagging files others can write.",
    references: [
      "https://man7.org/linux/man-pages/man5/passwd.5.html",
      "https://man7.org/linux/man-pages/man5/shells.5.html",
      "https://www.gnu.org/software/bash/manual/html_node/Bash-Startup-Files.html",
      "https://zsh.sourceforge.io/Doc/Release/Files.html#Startup_002fShutdown-Files",
    ],
  },
  async run(ctx) {
    const issues: CollectionIssue[] = [];
    const findings: Finding[] = [];
    let passwd: string | undefined;
    let shellsText: string | undefined;
    try {
      passwd = await ctx.fs.readTextIfExists("/etc/passwd");
    } catch (err) {
      issues.push(issueFromError("/etc/passwd", err));
    }
    try {
      shellsText = await ctx.fs.readTextIfExists("/etc/shells");
    } catch (err) {
      issues.push(issueFromError("/etc/shells", err));
    }
    if (passwd === undefined) {
      if (issues.length === 0)
        issues.push({ subject: "/etc/passwd", code: "ENOENT", detail: "no user database to read" });
      return { summary: "unknown", facts: {}, findings, issues, status: "unknown" };
    }
    const listed = shellsText !== undefined ? parseEtcShells(shellsText) : undefined;
    const users = parsePasswd(passwd).filter((u) => isLoginShell(u.shell));
    const statCache = new Map<string, Promise<import("node:fs").Stats | undefined>>();
    const statOf = (p: string) => {
      let s = statCache.get(p);
      if (!s) {
        s = ctx.fs.stat(p).then(
          (st) => st,
          (err: unknown) => {
            if (!isErrno(err, "ENOENT") && !isErrno(err, "ENOTDIR"))
              issues.push(issueFromError(p, err, "stat"));
            return undefined;
          },
        );
        statCache.set(p, s);
      }
      return s;
    };
    const reported = new Set<string>();
    const out: Array<Record<string, unknown>> = [];
    for (const u of users) {
      const subject = `user ${u.name}`;
      const shellId = await shellIdOf(ctx.fs, u.shell);
      const exists = (await statOf(u.shell)) !== undefined;
      const inEtcShells = listed ? listed.has(u.shell) : null;
      if (listed && !inEtcShells) {
        findings.push(
          hostFinding(
            this.meta,
            "shells.not-in-etc-shells",
            MESSAGES["shells.not-in-etc-shells"],
            `${u.name}'s login shell ${u.shell} is not listed in /etc/shells (/etc/passwd:${u.line})`,
            subject,
            u.shell,
          ),
        );
      }
      if (!exists) {
        findings.push(
          hostFinding(
            this.meta,
            "shells.missing",
            MESSAGES["shells.missing"],
            `${u.name}'s login shell ${u.shell} does not exist (/etc/passwd:${u.line})`,
            subject,
            u.shell,
          ),
        );
      }
      const startup = shellId ? loginStartupFiles(shellId, u.home) : [];
      const present: string[] = [];
      for (const alternatives of startup) {
        for (const f of alternatives) {
          if (f.startsWith("$") || f.includes("*")) continue;
          const st = await statOf(f);
          if (!st?.isFile()) continue;
          present.push(f);
          // The shell reads only the first present alternative.
          if (reported.has(`${u.name}\0${f}`)) break;
          reported.add(`${u.name}\0${f}`);
          if ((st.mode & 0o022) !== 0) {
            findings.push(
              hostFinding(
                this.meta,
                "shells.startup-writable",
                MESSAGES["shells.startup-writable"],
                `${f}, read by ${u.name}'s ${shellId} login shell, is writable by ${st.mode & 0o002 ? "others" : "its group"} (mode ${(st.mode & 0o7777).toString(8)})`,
                subject,
                f,
              ),
            );
          }
          if (st.uid !== 0 && st.uid !== u.uid) {
            findings.push(
              hostFinding(
                this.meta,
                "shells.startup-foreign-owner",
                MESSAGES["shells.startup-foreign-owner"],
                `${f}, read by ${u.name}'s login shell, is owned by uid ${st.uid}`,
                subject,
                f,
              ),
            );
          }
          break;
        }
      }
      out.push({
        user: u.name,
        uid: u.uid,
        home: u.home,
        shell: u.shell,
        shellId: shellId ?? null,
        inEtcShells,
        exists,
        passwdLine: u.line,
        startupFiles: startup.map((alts) => alts.join(" | ")),
        presentStartupFiles: present,
      });
    }
    const summary =
      out.length === 0
        ? "no users with a login shell"
        : `${out.length} login user(s): ${out.map((o) => `${o.user} ${path.posix.basename(String(o.shell))}`).join(", ")}`;
    return { summary, facts: { etcShells: listed ? [...listed] : null, users: out }, findings, issues };
  },
});
