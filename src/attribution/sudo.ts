/**
 * sudo(8) with the sudoers policy ("Command environment" in sudoers(5)): SUDO_USER/SUDO_UID/SUDO_GID/
 * SUDO_HOME describe the invoking user, SUDO_COMMAND the command; with `env_reset` (the default) HOME,
 * MAIL, SHELL, LOGNAME and USER are those of the target user; `secure_path` replaces PATH; `env_file`
 * adds variables that are not already set. Settings come from /etc/sudoers and its includes, file:line.
 */
import type { ProcessSnapshot } from "../model/index.js";
import { answer, isProgram, loc, passwdAnswers, processUser } from "./lib/common.js";
import { parseSudoEnvFile } from "./lib/envfile.js";
import { readTextMemo, where } from "./lib/host.js";
import { userByUid } from "./lib/passwd.js";
import { lastDefault, loadSudoers, type SudoDefault } from "./lib/sudoers.js";
import { defineResolver, programName, type ResolverAnswer, type StaticCandidate } from "./resolver.js";

function describe(d: SudoDefault): string {
  return `Defaults${d.qualifier ?? ""} ${d.name} at ${where(d.file, d.line)}`;
}

/** The command sudo ran, as SUDO_COMMAND spells it: the full path, then the arguments. */
function commandMatches(value: string, receiver: ProcessSnapshot): boolean {
  const words = value.split(" ");
  const first = words[0]?.split("/").pop();
  const names = [programName(receiver), receiver.info.cmdline[0]?.split("/").pop(), receiver.info.comm];
  if (!first || !names.includes(first)) return false;
  const args = receiver.info.cmdline.slice(1).join(" ");
  return words.slice(1).join(" ") === args || words.length === 1;
}

function withShadowed(a: ResolverAnswer, shadowed: NonNullable<ResolverAnswer["shadowed"]>): ResolverAnswer {
  if (shadowed.length > 0) a.shadowed = shadowed;
  return a;
}

export default defineResolver({
  meta: {
    id: "sudo",
    kind: "sudo",
    description:
      "sudo built-ins: SUDO_USER/UID/GID/HOME/COMMAND, target-user HOME/MAIL/SHELL/LOGNAME/USER under env_reset, secure_path and env_file from /etc/sudoers (file:line).",
  },
  matches(req) {
    return isProgram(req.actor, ["sudo", "sudoedit"]);
  },
  async resolve(req, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const actor = req.actor!;
    const defaults = await loadSudoers(ctx);
    const envReset = lastDefault(defaults, "env_reset");
    const resetOn = envReset?.op !== "!";
    // The invoking user is the real uid of the sudo process (sudo is setuid root: real uid stays).
    const invoker = await userByUid(ctx, actor.info.uid);
    const target = await processUser(ctx, req.receiver);
    const inv = (key: string, expected: string | undefined, what: string) => {
      const got = req.keys.get(key);
      if (!got) return;
      const ok = expected !== undefined && got.value === expected;
      out.set(
        key,
        answer(
          "sudo",
          key,
          ok ? "certain" : "likely",
          [
            ok
              ? `sudo sets ${key} to ${what} of the invoking user${invoker ? ` ${invoker.name}` : ""}`
              : `sudo sets ${key} to ${what} of the invoking user; the value could not be checked against the invoker`,
          ],
          ok && invoker && key !== "SUDO_UID" ? loc("/etc/passwd", invoker.line) : undefined,
        ),
      );
    };
    inv("SUDO_USER", invoker?.name, "the name");
    inv("SUDO_UID", actor.info.uid !== undefined ? String(actor.info.uid) : undefined, "the uid");
    inv("SUDO_GID", invoker ? String(invoker.gid) : undefined, "the primary gid");
    inv("SUDO_HOME", invoker?.home, "the home directory");
    const cmd = req.keys.get("SUDO_COMMAND");
    if (cmd) {
      const ok = commandMatches(cmd.value, req.receiver);
      out.set(
        "SUDO_COMMAND",
        answer("sudo", "SUDO_COMMAND", ok ? "certain" : "likely", [
          ok
            ? "sudo sets SUDO_COMMAND to the command it runs (this process)"
            : "sudo sets SUDO_COMMAND to the command it runs (a later exec replaced it)",
        ]),
      );
    }
    if (req.keys.has("SUDO_PS1") || req.keys.has("PS1")) {
      if (req.keys.has("PS1") && actor.env?.has("SUDO_PS1")) {
        out.set("PS1", answer("sudo", "SUDO_PS1", "certain", ["sudo sets PS1 from the caller's SUDO_PS1"]));
      }
    }
    if (target) {
      const names = ["HOME", "MAIL", "SHELL", "LOGNAME", "USER"];
      for (const [k, a] of passwdAnswers(
        "sudo",
        req.keys,
        target,
        names,
        resetOn ? "sudo (env_reset)" : "sudo",
      )) {
        out.set(k, a);
      }
    }
    const path = req.keys.get("PATH");
    const secure = lastDefault(defaults, "secure_path");
    if (path && secure?.op === "=" && secure.value !== undefined) {
      out.set(
        "PATH",
        path.value === secure.value
          ? withShadowed(
              answer(
                "sudo",
                "secure_path",
                "certain",
                [`sudo replaces PATH with ${describe(secure)}`],
                loc(secure.file, secure.line),
              ),
              defaults
                .filter(
                  (d) =>
                    d.name === "secure_path" &&
                    !d.qualifier &&
                    d.op === "=" &&
                    d !== secure &&
                    d.value !== path.value,
                )
                .map((d) => ({
                  value: d.value ?? "",
                  attribution: {
                    kind: "sudo" as const,
                    mechanism: "secure_path",
                    confidence: "certain" as const,
                    location: loc(d.file, d.line),
                    evidence: [`${describe(d)}, overridden by a later Defaults entry`],
                  },
                })),
            )
          : answer("sudo", "secure_path", "possible", [
              `${describe(secure)} would replace PATH, but the value differs (the invoker may be in exempt_group, or a later step changed it)`,
            ]),
      );
    } else if (path) {
      const qualified = defaults.filter(
        (d) => d.name === "secure_path" && d.qualifier && d.value === path.value,
      );
      const q = qualified[qualified.length - 1];
      if (q) {
        out.set(
          "PATH",
          answer(
            "sudo",
            "secure_path",
            "likely",
            [`${describe(q)} applies when its qualifier matches`],
            loc(q.file, q.line),
          ),
        );
      }
    }
    for (const name of ["env_file", "restricted_env_file"]) {
      const d = lastDefault(defaults, name);
      if (!d?.value) continue;
      const text = await readTextMemo(ctx, d.value);
      if (text === undefined) continue;
      for (const a of parseSudoEnvFile(text)) {
        const got = req.keys.get(a.key);
        if (!got || out.get(a.key)?.attribution.confidence === "certain") continue;
        if (got.value === a.value) {
          out.set(
            a.key,
            answer(
              "sudo",
              name,
              "certain",
              [`sudo adds ${a.key} from ${name} (${describe(d)}) because it was not already set`],
              loc(d.value, a.line),
            ),
          );
        }
      }
    }
    return out;
  },
  /** secure_path and env_file assignments, for the exec-chain search. */
  async candidates(_req, ctx): Promise<StaticCandidate[]> {
    const defaults = await loadSudoers(ctx);
    const out: StaticCandidate[] = [];
    const secure = lastDefault(defaults, "secure_path");
    if (secure?.op === "=" && secure.value !== undefined) {
      out.push({
        key: "PATH",
        value: secure.value,
        location: loc(secure.file, secure.line),
        kind: "sudo",
        mechanism: "secure_path",
      });
    }
    for (const name of ["env_file", "restricted_env_file"]) {
      const d = lastDefault(defaults, name);
      if (!d?.value) continue;
      const text = await readTextMemo(ctx, d.value);
      for (const a of text === undefined ? [] : parseSudoEnvFile(text)) {
        out.push({
          key: a.key,
          value: a.value,
          location: loc(d.value, a.line),
          kind: "sudo",
          mechanism: name,
        });
      }
    }
    return out;
  },
});
