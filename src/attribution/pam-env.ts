/**
 * pam_env(8): the PAM module that login, sshd, su, sudo, display managers and cron run to add variables.
 * For the actor's PAM service it reads which `pam_env.so` lines run (/etc/pam.d, with their `conffile=`,
 * `envfile=`, `readenv=`, `user_readenv=` arguments) and replays them in order: the rules file
 * (/etc/security/pam_env.conf, then pam_env.conf.d/*.conf; `VAR DEFAULT=… OVERRIDE=…`), the env file
 * (/etc/environment; `KEY=VAL`), then, only with `user_readenv=1`, ~/.pam_environment (deprecated since
 * Linux-PAM 1.5.0 and off by default). Later assignments win; the overridden ones are reported as shadowed.
 */
import type { Attribution, Confidence, ProcessSnapshot } from "../model/index.js";
import { answer, isProgram, loc, processUser } from "./lib/common.js";
import { parsePamEnvFile } from "./lib/envfile.js";
import { listDir, readTextMemo, where } from "./lib/host.js";
import { evaluatePamEntry, parsePamEnvConf } from "./lib/pam-env-conf.js";
import { type PamEnvInvocation, pamEnvInvocations } from "./lib/pam-stack.js";
import type { PasswdEntry } from "./lib/passwd.js";
import { firstGlobal, loadSshdConfig } from "./lib/sshd-config.js";
import {
  defineResolver,
  type ResolveRequest,
  type ResolverAnswer,
  type ResolverContext,
  type StaticCandidate,
} from "./resolver.js";
import { sshdConfigPath } from "./ssh.js";
import { suMode } from "./su.js";

export const PAM_ENV_CONF = "/etc/security/pam_env.conf";
export const PAM_ENV_CONF_D = "/etc/security/pam_env.conf.d";
export const ETC_ENVIRONMENT = "/etc/environment";

/** Programs that open a PAM session, and the service name they use. */
const SERVICES: ReadonlyArray<[string, (a: ProcessSnapshot) => string]> = [
  ["login", () => "login"],
  ["sshd", () => "sshd"],
  ["su", (a) => (suMode(a).login ? "su-l" : "su")],
  ["runuser", (a) => (suMode(a).login ? "runuser-l" : "runuser")],
  ["sudo", (a) => (a.info.cmdline.some((x) => x === "-i" || x === "--login") ? "sudo-i" : "sudo")],
  ["cron", () => "cron"],
  ["crond", () => "crond"],
  ["atd", () => "atd"],
  ["gdm-session-worker", () => "gdm-password"],
  ["lightdm", () => "lightdm"],
  ["sddm-helper", () => "sddm"],
  ["xrdp-sesman", () => "xrdp-sesman"],
  ["polkit-agent-helper-1", () => "polkit-1"],
];

function serviceOf(req: ResolveRequest): string | undefined {
  const a = req.actor;
  if (a) {
    for (const [prog, svc] of SERVICES)
      if (isProgram(a, [prog]) || (/^sshd[:\s]/.test(a.info.cmdline[0] ?? "") && prog === "sshd"))
        return svc(a);
    // systemd --user is started through PAM service "systemd-user".
    if (isProgram(a, ["systemd"]) && a.info.cmdline.includes("--user")) return "systemd-user";
    return undefined;
  }
  // No readable parent, but a login shell: some login program started it.
  return (req.receiver.info.cmdline[0] ?? "").startsWith("-") ? "login" : undefined;
}

/** Variables other PAM session modules put into the PAM environment (kind pam-env, mechanism = module). */
const PAM_MODULE_VARS: ReadonlyMap<string, string> = new Map([
  ["MOTD_SHOWN", "pam_motd"],
  ["MAIL", "pam_mail"],
  ["XDG_SESSION_ID", "pam_systemd"],
  ["XDG_RUNTIME_DIR", "pam_systemd"],
  ["XDG_SESSION_TYPE", "pam_systemd"],
  ["XDG_SESSION_CLASS", "pam_systemd"],
  ["XDG_SESSION_DESKTOP", "pam_systemd"],
  ["XDG_SEAT", "pam_systemd"],
  ["XDG_VTNR", "pam_systemd"],
  ["KRB5CCNAME", "pam_krb5"],
]);

interface Step {
  key: string;
  value: string | null;
  file: string;
  line: number;
  mechanism: "pam_env.conf" | "environment" | "pam_environment";
  /** The value depended on a guessed `${VAR}` or an unknown `@{ITEM}`. */
  soft: boolean;
  invocation?: PamEnvInvocation;
  /** ~/.pam_environment read although the stack does not enable it. */
  disabled?: boolean;
}

const DEFAULT_INVOCATION: PamEnvInvocation = { file: "(default)", line: 0, type: "session", args: new Map() };

async function confFiles(ctx: ResolverContext, conffile: string): Promise<string[]> {
  if (conffile !== PAM_ENV_CONF) return [conffile];
  const extra = (await listDir(ctx, PAM_ENV_CONF_D)).filter((n) => n.endsWith(".conf"));
  return [conffile, ...extra.map((n) => `${PAM_ENV_CONF_D}/${n}`)];
}

/** Replays the service's pam_env invocations for `user`; `guess` stands in for unknown `${VAR}`. */
async function replay(
  ctx: ResolverContext,
  invocations: readonly PamEnvInvocation[],
  user: PasswdEntry | undefined,
  guess: (name: string) => string | undefined,
  includeDisabledUserFile: boolean,
): Promise<Step[]> {
  const steps: Step[] = [];
  const env = new Map<string, string>();
  const items = new Map<string, string>();
  if (user) {
    items.set("PAM_USER", user.name);
    items.set("HOME", user.home);
    items.set("SHELL", user.shell);
  }
  const runConf = async (
    file: string,
    mechanism: Step["mechanism"],
    inv: PamEnvInvocation,
    disabled = false,
  ) => {
    const text = await readTextMemo(ctx, file);
    if (text === undefined) return true;
    for (const e of parsePamEnvConf(text)) {
      if (e.bad) {
        ctx.report({
          subject: where(file, e.line),
          code: "PARSE",
          detail: `pam_env ignores this line: ${e.bad}`,
        });
        continue;
      }
      const r = evaluatePamEntry(e, { pamEnv: env, items, guess });
      if (r.abort) {
        ctx.report({
          subject: where(file, e.line),
          code: "PARSE",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: pam_env syntax, not a template
          detail: "unterminated ${…}: pam_env stops reading here",
        });
        return false;
      }
      if (r.value === null) {
        if (!env.has(e.key)) continue;
        env.delete(e.key);
      } else if (!disabled) env.set(e.key, r.value);
      const step: Step = {
        key: e.key,
        value: r.value,
        file,
        line: e.line,
        mechanism,
        soft: r.guessed || r.unknown,
        invocation: inv,
      };
      if (disabled) step.disabled = true;
      steps.push(step);
    }
    return true;
  };
  for (const inv of invocations) {
    const conffile = inv.args.get("conffile") || PAM_ENV_CONF;
    let ok = true;
    for (const f of await confFiles(ctx, conffile)) if (ok) ok = await runConf(f, "pam_env.conf", inv);
    if (!ok) continue;
    const readenv = Number.parseInt(inv.args.get("readenv") ?? "1", 10) || 0;
    if (readenv) {
      const envfile = inv.args.get("envfile") || ETC_ENVIRONMENT;
      const text = await readTextMemo(ctx, envfile);
      for (const a of text === undefined ? [] : parsePamEnvFile(text)) {
        if (a.value === null) {
          if (!env.has(a.key)) continue;
          env.delete(a.key);
        } else env.set(a.key, a.value);
        steps.push({
          key: a.key,
          value: a.value,
          file: envfile,
          line: a.line,
          mechanism: "environment",
          soft: false,
          invocation: inv,
        });
      }
    }
    const userReadenv = Number.parseInt(inv.args.get("user_readenv") ?? "0", 10) || 0;
    if (userReadenv && user) {
      await runConf(
        `${user.home.replace(/\/$/, "")}/${inv.args.get("user_envfile") || ".pam_environment"}`,
        "pam_environment",
        inv,
      );
    }
  }
  const enabledSomewhere = invocations.some(
    (i) => (Number.parseInt(i.args.get("user_readenv") ?? "0", 10) || 0) !== 0,
  );
  if (includeDisabledUserFile && user && !enabledSomewhere) {
    await runConf(
      `${user.home.replace(/\/$/, "")}/.pam_environment`,
      "pam_environment",
      DEFAULT_INVOCATION,
      true,
    );
  }
  return steps;
}

function stepAttribution(s: Step, confidence: Confidence, service: string): Attribution {
  const via =
    s.invocation && s.invocation !== DEFAULT_INVOCATION
      ? `pam_env.so at ${where(s.invocation.file, s.invocation.line)} (service ${service})`
      : `pam_env (service ${service}, default arguments)`;
  const what =
    s.mechanism === "environment"
      ? `${via} reads ${s.file}`
      : s.mechanism === "pam_env.conf"
        ? `${via} applies the rules in ${s.file}`
        : `${via} reads the user file ${s.file} (user_readenv=1; deprecated since Linux-PAM 1.5.0)`;
  const evidence = [what];
  // biome-ignore lint/suspicious/noTemplateCurlyInString: pam_env syntax, not a template
  if (s.soft) evidence.push("the rule expands ${VAR} or @{ITEM} values that envtrace could only infer");
  return { kind: "pam-env", mechanism: s.mechanism, location: loc(s.file, s.line), confidence, evidence };
}

export default defineResolver({
  meta: {
    id: "pam-env",
    kind: "pam-env",
    description:
      "pam_env: /etc/environment, /etc/security/pam_env.conf(.d) and ~/.pam_environment as the actor's PAM stack runs them, file:line with shadowed entries.",
  },
  matches(req) {
    return serviceOf(req) !== undefined;
  },
  async resolve(req, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const service = serviceOf(req)!;
    if (service === "sshd") {
      // sshd runs the PAM stack only with `UsePAM yes` (upstream default: no).
      const usePam = firstGlobal(await loadSshdConfig(ctx, sshdConfigPath(req.chain)), "usepam");
      if (usePam?.args[0]?.toLowerCase() !== "yes") return out;
    }
    const found = await pamEnvInvocations(ctx, service);
    const invocations = found ?? [DEFAULT_INVOCATION];
    const cap: Confidence = found === null || !req.actor ? "likely" : "certain";
    const user = await processUser(ctx, req.receiver);
    const guess = (name: string) => req.receiver.env?.get(name)?.value;
    const steps = await replay(ctx, invocations, user, guess, true);
    for (const [key, got] of req.keys) {
      const mine = steps.filter((s) => s.key === key);
      const live = mine.filter((s) => !s.disabled);
      const eff = live[live.length - 1];
      if (eff && eff.value === got.value) {
        const conf: Confidence = eff.soft || cap === "likely" ? "likely" : "certain";
        const shadowed = live
          .slice(0, -1)
          .filter((s) => s.value !== null && s.value !== got.value)
          .map((s) => ({ value: s.value!, attribution: stepAttribution(s, "certain", service) }));
        const ans: ResolverAnswer = { attribution: stepAttribution(eff, conf, service) };
        if (shadowed.length > 0) ans.shadowed = shadowed;
        out.set(key, ans);
        continue;
      }
      const module = PAM_MODULE_VARS.get(key);
      if (module && (key !== "MAIL" || (user && got.value === `/var/mail/${user.name}`))) {
        out.set(
          key,
          answer("pam-env", module, "likely", [`set by ${module} in the PAM session of service ${service}`]),
        );
        continue;
      }
      const off = mine.find((s) => s.disabled && s.value === got.value);
      if (off) {
        const a = answer(
          "pam-env",
          "pam_environment",
          "possible",
          [
            `${off.file} assigns this value, but no pam_env.so line of service ${service} sets user_readenv=1 (off by default; the file is deprecated since Linux-PAM 1.5.0)`,
          ],
          loc(off.file, off.line),
        );
        a.notes = ["~/.pam_environment is read only with user_readenv=1"];
        out.set(key, a);
      }
    }
    return out;
  },
  async candidates(req, ctx): Promise<StaticCandidate[]> {
    const user = await processUser(ctx, req.subject);
    const steps = await replay(ctx, [DEFAULT_INVOCATION], user, () => undefined, false);
    return steps
      .filter((s) => s.value !== null)
      .map((s) => ({
        key: s.key,
        value: s.soft ? null : s.value,
        location: loc(s.file, s.line),
        kind: "pam-env" as const,
        mechanism: s.mechanism,
      }));
  },
});
