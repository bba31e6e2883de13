/**
 * systemd services. The unit comes from the receiver's cgroup (`0::/system.slice/foo.service`, or under
 * `user@UID.service/` for a user manager). Its environment is rebuilt in the manager's order (later wins;
 * "Environment Variables in Spawned Processes", systemd.exec(5)):
 *   1. `DefaultEnvironment=` (system.conf / user.conf and their .d), for the user manager also
 *      environment.d (files sorted by name across directories);
 *   2. variables the manager defines (INVOCATION_ID, JOURNAL_STREAM, NOTIFY_SOCKET, LISTEN_*, MAINPID,
 *      MANAGERPID, SYSTEMD_EXEC_PID, *_DIRECTORY, CREDENTIALS_DIRECTORY, USER/HOME/… for `User=`, …);
 *   3. `PassEnvironment=` (system manager);
 *   4. `Environment=` in the unit file, then drop-ins (sorted by name; an empty assignment resets);
 *   5. `EnvironmentFile=` (in order; `-` makes a missing file fine);
 *   7. `UnsetEnvironment=` last.
 * Every assignment keeps its file:line; earlier assignments of the key are reported as shadowed.
 */
import * as path from "node:path";
import type { Attribution, Confidence, FileLocation, ProcessSnapshot } from "../model/index.js";
import { answer, isProgram, loc } from "./lib/common.js";
import { parseSystemdEnvFile } from "./lib/envfile.js";
import { listDir, readText, resolveLink, where } from "./lib/host.js";
import { type PasswdEntry, userByName, userByUid } from "./lib/passwd.js";
import { showEnvironment } from "./lib/show-environment.js";
import {
  type CgroupUnit,
  parseEnvironmentDirective,
  parseUnitFile,
  type UnitSetting,
  unitFromCgroup,
  unitSpecifiers,
} from "./lib/unit-file.js";
import {
  defineResolver,
  type ResolveRequest,
  type ResolverAnswer,
  type ResolverContext,
  type StaticCandidate,
} from "./resolver.js";

export const SYSTEM_UNIT_PATH = [
  "/etc/systemd/system.control",
  "/run/systemd/system.control",
  "/run/systemd/transient",
  "/etc/systemd/system",
  "/run/systemd/system",
  "/run/systemd/generator",
  "/usr/local/lib/systemd/system",
  "/usr/lib/systemd/system",
  "/lib/systemd/system",
];

export function userUnitPath(home: string, uid: number): string[] {
  return [
    `${home}/.config/systemd/user.control`,
    `/run/user/${uid}/systemd/user.control`,
    `/run/user/${uid}/systemd/transient`,
    `${home}/.config/systemd/user`,
    "/etc/systemd/user",
    `/run/user/${uid}/systemd/user`,
    "/run/systemd/user",
    `${home}/.local/share/systemd/user`,
    "/usr/local/lib/systemd/user",
    "/usr/lib/systemd/user",
  ];
}

export function environmentDDirs(home: string): string[] {
  return [
    `${home}/.config/environment.d`,
    "/etc/environment.d",
    "/run/environment.d",
    "/usr/local/lib/environment.d",
    "/usr/lib/environment.d",
  ];
}

/** Variables the service manager itself puts into a service's environment. */
const MANAGER_VARS: ReadonlyMap<string, string> = new Map([
  ["INVOCATION_ID", "the unit invocation's random id"],
  ["JOURNAL_STREAM", "stdout/stderr connected to the journal"],
  ["NOTIFY_SOCKET", "Type=notify or NotifyAccess="],
  ["LISTEN_PID", "socket activation"],
  ["LISTEN_FDS", "socket activation"],
  ["LISTEN_FDNAMES", "socket activation"],
  ["MAINPID", "the main process of the service"],
  ["MANAGERPID", "the PID of the user service manager"],
  ["SYSTEMD_EXEC_PID", "the PID of the spawned process"],
  ["WATCHDOG_PID", "WatchdogSec="],
  ["WATCHDOG_USEC", "WatchdogSec="],
  ["RUNTIME_DIRECTORY", "RuntimeDirectory="],
  ["STATE_DIRECTORY", "StateDirectory="],
  ["CACHE_DIRECTORY", "CacheDirectory="],
  ["LOGS_DIRECTORY", "LogsDirectory="],
  ["CONFIGURATION_DIRECTORY", "ConfigurationDirectory="],
  ["CREDENTIALS_DIRECTORY", "LoadCredential=/SetCredential="],
  ["LOG_NAMESPACE", "LogNamespace="],
  ["SERVICE_RESULT", "ExecStop=/ExecStopPost= result"],
  ["EXIT_CODE", "ExecStop=/ExecStopPost= result"],
  ["EXIT_STATUS", "ExecStop=/ExecStopPost= result"],
  ["MONITOR_SERVICE_RESULT", "OnFailure=/OnSuccess= handler"],
  ["MONITOR_EXIT_CODE", "OnFailure=/OnSuccess= handler"],
  ["MONITOR_EXIT_STATUS", "OnFailure=/OnSuccess= handler"],
  ["MONITOR_INVOCATION_ID", "OnFailure=/OnSuccess= handler"],
  ["MONITOR_UNIT", "OnFailure=/OnSuccess= handler"],
  ["TRIGGER_UNIT", "activation by a path or timer unit"],
  ["TRIGGER_PATH", "activation by a path unit"],
  ["TRIGGER_TIMER_REALTIME_USEC", "activation by a timer unit"],
  ["TRIGGER_TIMER_MONOTONIC_USEC", "activation by a timer unit"],
  ["PIDFILE", "PIDFile="],
  ["FDSTORE", "FileDescriptorStoreMax="],
  ["MEMORY_PRESSURE_WATCH", "memory pressure notification"],
  ["MEMORY_PRESSURE_WRITE", "memory pressure notification"],
  ["REMOTE_ADDR", "Accept=yes socket activation"],
  ["REMOTE_PORT", "Accept=yes socket activation"],
]);

/** One source of a value in the service's environment, in precedence order. */
interface Contribution {
  key: string;
  /** null: computed (an unknown specifier) or unknowable (manager value). */
  value: string | null;
  mechanism: string;
  location?: FileLocation;
  evidence: string;
  /** Only valid when the value could be compared. */
  exact: boolean;
  /** UnsetEnvironment= entry (removes the key, or the exact KEY=VALUE). */
  unset?: boolean;
}

export function isSystemdManager(p: ProcessSnapshot | null): boolean {
  return !!p && isProgram(p, ["systemd"]);
}

async function readUnit(ctx: ResolverContext, dirs: readonly string[], unit: string) {
  const at = unit.indexOf("@");
  const dot = unit.lastIndexOf(".");
  const template = at >= 0 ? `${unit.slice(0, at + 1)}${unit.slice(dot)}` : undefined;
  let fragment: string | undefined;
  let text: string | undefined;
  for (const name of template ? [unit, template] : [unit]) {
    for (const dir of dirs) {
      const file = `${dir}/${name}`;
      const real = await resolveLink(ctx, file);
      if (real === null) return { masked: file };
      const t = await readText(ctx, real);
      if (t !== undefined) {
        fragment = file;
        text = t;
        break;
      }
    }
    if (fragment) break;
  }
  // Drop-in directories: the unit type (`service.d`), dash prefixes (`a-.service.d`), the template, the unit.
  const type = unit.slice(dot + 1);
  const base = unit.slice(0, at >= 0 ? at : dot);
  const dropDirs: string[] = [`${type}.d`];
  const parts = base.split("-");
  for (let i = 1; i < parts.length; i++) dropDirs.push(`${parts.slice(0, i).join("-")}-.${type}.d`);
  if (template) dropDirs.push(`${template}.d`);
  dropDirs.push(`${unit}.d`);
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    for (const dd of dropDirs) {
      for (const n of await listDir(ctx, `${dir}/${dd}`)) {
        // The same file name in a higher-priority directory masks the others.
        if (n.endsWith(".conf") && !byName.has(n)) byName.set(n, `${dir}/${dd}/${n}`);
      }
    }
  }
  const dropins = [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
  return { fragment, text, dropins };
}

async function managerDefaults(ctx: ResolverContext, user: boolean): Promise<Contribution[]> {
  const name = user ? "user.conf" : "system.conf";
  const files = [`/etc/systemd/${name}`];
  const d = new Map<string, string>();
  for (const dir of [
    `/usr/lib/systemd/${name}.d`,
    `/usr/local/lib/systemd/${name}.d`,
    `/run/systemd/${name}.d`,
    `/etc/systemd/${name}.d`,
  ]) {
    for (const n of await listDir(ctx, dir)) if (n.endsWith(".conf")) d.set(n, `${dir}/${n}`);
  }
  files.push(...[...d.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, f]) => f));
  const out: Contribution[] = [];
  for (const file of files) {
    const text = await readText(ctx, file);
    if (text === undefined) continue;
    for (const s of parseUnitFile(text)) {
      if (s.section !== "Manager" || s.key !== "DefaultEnvironment") continue;
      for (const a of parseEnvironmentDirective(s.value, new Map()).assignments) {
        out.push({
          key: a.key,
          value: a.value,
          mechanism: "DefaultEnvironment",
          location: loc(file, s.line),
          evidence: `DefaultEnvironment= at ${where(file, s.line)} (manager-wide default)`,
          exact: a.value !== null,
        });
      }
    }
  }
  return out;
}

/**
 * The system manager's environment block (`systemctl show-environment`): variables someone put there with
 * `systemctl set-environment` or `import-environment`. Asked only on the live host when systemd runs as
 * PID 1; once per run. Values set there that a unit file does not set are attributed to it.
 */
async function managerEnvironment(ctx: ResolverContext): Promise<Contribution[]> {
  const block = await ctx.memo("systemd-show-environment", async () => {
    if (ctx.fs.root !== "/" || !(await ctx.fs.stat("/run/systemd/system").catch(() => undefined)))
      return undefined;
    return showEnvironment();
  });
  return [...(block ?? new Map<string, string>())].map(([key, value]) => ({
    key,
    value,
    mechanism: "manager-environment",
    evidence:
      "in the service manager's environment (`systemctl show-environment`): put there by `systemctl set-environment` or `import-environment`",
    exact: true,
  }));
}

async function environmentD(ctx: ResolverContext, home: string): Promise<Contribution[]> {
  const byName = new Map<string, string>();
  for (const dir of environmentDDirs(home)) {
    for (const n of await listDir(ctx, dir))
      if (n.endsWith(".conf") && !byName.has(n)) byName.set(n, `${dir}/${n}`);
  }
  const out: Contribution[] = [];
  const known = new Map<string, string>();
  for (const [, file] of [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = await readText(ctx, file);
    if (text === undefined) continue;
    for (const a of parseSystemdEnvFile(text)) {
      if (!a.valid || a.value === null) continue;
      // environment.d expands $VAR/${VAR}; values that need it are compared only when resolvable.
      let value: string | null = a.value;
      if (/\$/.test(value)) {
        value = value.replace(
          /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
          (_, b: string, c: string) => {
            const v = known.get(b ?? c);
            return v ?? "\0";
          },
        );
        if (value.includes("\0")) value = null;
      }
      if (value !== null) known.set(a.key, value);
      out.push({
        key: a.key,
        value,
        mechanism: "environment.d",
        location: loc(file, a.line),
        evidence: `environment.d file ${file} (read by systemd-environment-d-generator into the user manager)`,
        exact: value !== null,
      });
    }
  }
  return out;
}

interface UnitModel {
  unit: CgroupUnit;
  fragment?: string;
  masked?: string;
  contributions: Contribution[];
  serviceUser?: PasswdEntry;
}

async function buildModel(ctx: ResolverContext, unit: CgroupUnit): Promise<UnitModel> {
  const key = `systemd-unit\0${unit.userUid ?? "system"}\0${unit.unit}`;
  return ctx.memo(key, async () => {
    const userManager = unit.userUid !== undefined ? await userByUid(ctx, unit.userUid) : undefined;
    const dirs = userManager ? userUnitPath(userManager.home, userManager.uid) : SYSTEM_UNIT_PATH;
    const found = await readUnit(ctx, dirs, unit.unit);
    const model: UnitModel = { unit, contributions: [] };
    if ("masked" in found && found.masked) {
      model.masked = found.masked;
      return model;
    }
    const files: Array<{ file: string; settings: UnitSetting[] }> = [];
    if ("fragment" in found && found.fragment && found.text !== undefined) {
      model.fragment = found.fragment;
      files.push({ file: found.fragment, settings: parseUnitFile(found.text) });
    } else {
      ctx.report({
        subject: `unit ${unit.unit}`,
        code: "ENOENT",
        detail: "unit file not found in the unit search path",
      });
    }
    for (const f of "dropins" in found ? (found.dropins ?? []) : []) {
      const t = await readText(ctx, f);
      if (t !== undefined) files.push({ file: f, settings: parseUnitFile(t) });
    }
    const execSections = new Set(["Service", "Socket", "Mount", "Swap"]);
    const all = files.flatMap((f) =>
      f.settings.filter((s) => execSections.has(s.section)).map((s) => ({ ...s, file: f.file })),
    );
    const userName = [...all].reverse().find((s) => s.key === "User")?.value;
    const serviceUser = userManager ?? (userName ? await userByName(ctx, userName) : undefined);
    if (serviceUser) model.serviceUser = serviceUser;
    const spec = unitSpecifiers(unit.unit, serviceUser, !userManager);
    const c = model.contributions;
    // 1. manager defaults, then the manager's own environment (set-environment, import-environment)
    c.push(...(await managerDefaults(ctx, !!userManager)));
    if (!userManager) c.push(...(await managerEnvironment(ctx)));
    if (userManager) c.push(...(await environmentD(ctx, userManager.home)));
    // 2. manager-defined
    if (serviceUser && (userName || userManager)) {
      const why = userManager
        ? "the user manager sets it for its services"
        : `User=${serviceUser.name} makes the manager set it`;
      for (const [k, v] of [
        ["USER", serviceUser.name],
        ["LOGNAME", serviceUser.name],
        ["HOME", serviceUser.home],
        ["SHELL", serviceUser.shell || "/bin/sh"],
      ] as const) {
        c.push({
          key: k,
          value: v,
          mechanism: "manager",
          location: loc("/etc/passwd", serviceUser.line),
          evidence: why,
          exact: true,
        });
      }
    }
    // 3–5, 7: unit directives in file order; empty assignments reset the list so far.
    let envs: Contribution[] = [];
    let envFiles: Array<{ path: string; optional: boolean; file: string; line: number }> = [];
    let pass: Contribution[] = [];
    let unsets: Contribution[] = [];
    for (const s of all) {
      if (s.key === "Environment") {
        if (s.value === "") {
          envs = [];
          continue;
        }
        const parsed = parseEnvironmentDirective(s.value, spec);
        if (parsed.invalid > 0) {
          ctx.report({
            subject: where(s.file, s.line),
            code: "PARSE",
            detail: `${parsed.invalid} invalid assignment(s) ignored by systemd`,
          });
        }
        for (const a of parsed.assignments) {
          envs.push({
            key: a.key,
            value: a.value,
            mechanism: "Environment",
            location: loc(s.file, s.line),
            evidence: `Environment= in ${s.file === model.fragment ? "the unit file" : "drop-in"} ${where(s.file, s.line)}`,
            exact: a.value !== null,
          });
        }
      } else if (s.key === "EnvironmentFile") {
        if (s.value === "") envFiles = [];
        else {
          const optional = s.value.startsWith("-");
          const p = s.value.replace(/^-/, "");
          envFiles.push({ path: path.posix.normalize(p), optional, file: s.file, line: s.line });
        }
      } else if (s.key === "PassEnvironment") {
        if (s.value === "") pass = [];
        for (const k of s.value.split(/\s+/).filter(Boolean)) {
          pass.push({
            key: k,
            value: null,
            mechanism: "PassEnvironment",
            location: loc(s.file, s.line),
            evidence: `PassEnvironment= at ${where(s.file, s.line)} passes the manager's own value`,
            exact: false,
          });
        }
      } else if (s.key === "UnsetEnvironment") {
        if (s.value === "") unsets = [];
        for (const w of s.value.split(/\s+/).filter(Boolean)) {
          const eq = w.indexOf("=");
          unsets.push({
            key: eq > 0 ? w.slice(0, eq) : w,
            value: eq > 0 ? w.slice(eq + 1) : null,
            mechanism: "UnsetEnvironment",
            location: loc(s.file, s.line),
            evidence: `UnsetEnvironment= at ${where(s.file, s.line)}`,
            exact: eq > 0,
            unset: true,
          });
        }
      }
    }
    c.push(...pass, ...envs);
    for (const ef of envFiles) {
      const text = await readText(ctx, ef.path);
      if (text === undefined) {
        if (!ef.optional) {
          ctx.report({
            subject: ef.path,
            code: "ENOENT",
            detail: `EnvironmentFile= at ${where(ef.file, ef.line)} names a missing file (the service would fail to start)`,
          });
        }
        continue;
      }
      for (const a of parseSystemdEnvFile(text)) {
        if (!a.valid) continue;
        c.push({
          key: a.key,
          value: a.value ?? "",
          mechanism: "EnvironmentFile",
          location: loc(ef.path, a.line),
          evidence: `EnvironmentFile=${ef.optional ? "-" : ""}${ef.path} (declared at ${where(ef.file, ef.line)})`,
          exact: true,
        });
      }
    }
    c.push(...unsets);
    return model;
  });
}

function toAttribution(x: Contribution, confidence: Confidence, unit: string): Attribution {
  const a: Attribution = {
    kind: "systemd",
    mechanism: x.mechanism,
    confidence,
    evidence: [`unit ${unit}: ${x.evidence}`],
  };
  if (x.location) a.location = x.location;
  return a;
}

function unitOf(req: ResolveRequest): CgroupUnit | undefined {
  return unitFromCgroup(req.receiver.info.cgroup);
}

export default defineResolver({
  meta: {
    id: "systemd",
    kind: "systemd",
    description:
      "systemd services: the unit from the cgroup; Environment=/EnvironmentFile=/PassEnvironment=/UnsetEnvironment= with file:line across unit and drop-ins, DefaultEnvironment=, environment.d, manager-defined variables.",
  },
  matches(req) {
    if (isSystemdManager(req.actor)) return true;
    // systemd is not always visible as the parent (containers, a foreign PID 1): trust the cgroup.
    return !!unitOf(req) && (!req.actor || req.actor.info.pid === 1);
  },
  async resolve(req, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const unit = unitOf(req);
    if (!unit) {
      for (const [key] of req.keys) {
        if (MANAGER_VARS.has(key)) {
          out.set(
            key,
            answer("systemd", "manager", "likely", [`systemd defines ${key} (${MANAGER_VARS.get(key)})`]),
          );
        }
      }
      return out;
    }
    const model = await buildModel(ctx, unit);
    const unitLabel = `${unit.unit}${unit.userUid !== undefined ? ` (user manager of uid ${unit.userUid})` : ""}`;
    for (const [key, got] of req.keys) {
      const mine = model.contributions.filter((c) => c.key === key);
      const unset = [...mine].reverse().find((c) => c.unset);
      const sets = mine.filter((c) => !c.unset);
      const eff = sets[sets.length - 1];
      if (eff) {
        let conf: Confidence;
        if (eff.exact) conf = eff.value === got.value ? "certain" : "possible";
        else conf = "likely";
        if (eff.exact && eff.value !== got.value) {
          // The configured value is not what the process has: something else (PAM, ExecStart wrapper) set it.
          if (MANAGER_VARS.has(key)) conf = "likely";
          else continue;
        }
        const ans: ResolverAnswer = { attribution: toAttribution(eff, conf, unitLabel) };
        if (unset && (unset.value === null || unset.value === got.value)) {
          ans.notes = [
            `UnsetEnvironment= at ${where((unset.location as FileLocation).file, (unset.location as FileLocation).line)} should have removed it`,
          ];
        }
        const shadowed = sets
          .slice(0, -1)
          .filter((c) => c.value !== null && c.value !== got.value)
          .map((c) => ({ value: c.value!, attribution: toAttribution(c, "certain", unitLabel) }));
        if (shadowed.length > 0) ans.shadowed = shadowed;
        out.set(key, ans);
        continue;
      }
      if (MANAGER_VARS.has(key)) {
        const ans = answer("systemd", "manager", "certain", [
          `unit ${unitLabel}: the service manager defines ${key} (${MANAGER_VARS.get(key)})`,
        ]);
        if (model.fragment) ans.attribution.location = loc(model.fragment);
        out.set(key, ans);
      } else if ((key === "PATH" || key === "LANG") && !unit.userUid) {
        out.set(
          key,
          answer("systemd", "manager", "likely", [
            `unit ${unitLabel}: the system manager passes its own ${key} to every service`,
          ]),
        );
      }
    }
    return out;
  },
  async candidates(req, ctx): Promise<StaticCandidate[]> {
    const unit = unitFromCgroup(req.subject.info.cgroup);
    if (!unit) return [];
    const model = await buildModel(ctx, unit);
    return model.contributions
      .filter((c) => !c.unset && c.location && "file" in c.location)
      .map((c) => ({
        key: c.key,
        value: c.value,
        location: c.location!,
        kind: "systemd" as const,
        mechanism: c.mechanism,
      }));
  },
});
