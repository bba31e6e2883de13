/**
 * The host resolvers against the real programs: su (util-linux), login (shadow, Debian 12), sudo, OpenSSH's
 * sshd and direnv, each started for real and explained by the real engine.
 *
 * Safety: su/login/sudo/sshd run as root inside a private mount namespace (`unshare -m`), where temporary
 * copies of /etc/passwd, /etc/shadow, /etc/group (adding a test user), /etc/environment,
 * /etc/security/pam_env.conf and /etc/sudoers are bind-mounted over the originals; login's wtmp/lastlog and
 * sshd's /run are private too. The machine's own /etc is never written. sshd listens on 127.0.0.1 only,
 * with a temporary host key and authorized key. envtrace reads the same files from a temporary root whose
 * `proc` and `tmp` link to the real /proc and /tmp.
 *
 * Not real here: systemd cannot run as PID 1 on this machine, and init's environment is not readable in
 * this sandbox, so the systemd and kernel resolvers are covered by fixture trees only (src/attribution/
 * systemd.test.ts, kernel.test.ts).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExplainSession } from "../../src/explain.js";
import { isFileLocation, type Lineage } from "../../src/model/index.js";

const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const isRoot = process.getuid?.() === 0;
const canRun =
  isRoot && have("unshare") && have("su") && have("sudo") && have("sshd") && have("direnv") && have("script");
if (!canRun) {
  console.warn(
    "host-resolvers: needs root, unshare, su, sudo, sshd, direnv and script (run scripts/install-test-deps.sh)",
  );
}

interface Env {
  T: string;
  R: string;
  uid: number;
  home: string;
  passwdLine: number;
}
const st = {} as Env;
const children: ChildProcess[] = [];
const sleepers: number[] = [];

function freeUid(): number {
  const used = new Set(
    readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .map((l) => Number(l.split(":")[2])),
  );
  let uid = 4242;
  while (used.has(uid)) uid++;
  return uid;
}

/** A sleep duration that doubles as a unique marker for finding the process. */
function marker(): string {
  return `60.${Math.floor(Math.random() * 1e6)}`;
}

async function findSleep(mark: string, timeoutMs = 8000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
        if (cmd[0] === "sleep" && cmd[1] === mark) {
          sleepers.push(Number(d));
          return Number(d);
        }
      } catch {
        // raced with an exiting process
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process "sleep ${mark}" did not appear`);
}

/** Runs `sh script` in a private mount namespace after the bind mounts; returns the child. */
function inNamespace(name: string, lines: string[], stdin: "ignore" | "pipe" = "ignore"): ChildProcess {
  const mounts = [
    `mount --bind ${st.T}/etc/passwd /etc/passwd`,
    `mount --bind ${st.T}/etc/shadow /etc/shadow`,
    `mount --bind ${st.T}/etc/group /etc/group`,
    `mount --bind ${st.T}/etc/environment /etc/environment`,
    `mount --bind ${st.T}/etc/security/pam_env.conf /etc/security/pam_env.conf`,
  ];
  const script = path.join(st.T, `${name}.sh`);
  writeFileSync(script, `${[...mounts, ...lines].join("\n")}\n`);
  const child = spawn("unshare", ["-m", "--propagation", "private", "sh", script], {
    stdio: [stdin, "ignore", "ignore"],
  });
  children.push(child);
  return child;
}

async function explain(pid: number): Promise<Map<string, Lineage<unknown>>> {
  const r = await new ExplainSession({ root: st.R, reveal: true }).explain(pid);
  return new Map(r.variables.map((v) => [v.key, v as Lineage<unknown>]));
}

function where(l: Lineage<unknown> | undefined) {
  const w = l?.winner;
  const loc = isFileLocation(w?.location) ? w?.location : undefined;
  return {
    kind: w?.kind,
    mechanism: w?.mechanism,
    confidence: w?.confidence,
    file: loc?.file,
    line: loc?.line,
  };
}

function lineOf(file: string, re: RegExp): number {
  return (
    readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => re.test(l)) + 1
  );
}

describe.skipIf(!canRun)("host resolvers against real su, login, sudo, sshd and direnv", () => {
  beforeAll(() => {
    st.T = mkdtempSync("/tmp/envtrace-host-");
    chmodSync(st.T, 0o755);
    st.uid = freeUid();
    st.home = path.join(st.T, "home/envt");
    const { T } = st;
    mkdirSync(`${T}/etc/security`, { recursive: true });
    mkdirSync(`${st.home}/.ssh`, { recursive: true });
    const passwd = `${readFileSync("/etc/passwd", "utf8").replace(/\n?$/, "\n")}envt:x:${st.uid}:${st.uid}:envtrace test:${st.home}:/bin/sh\n`;
    writeFileSync(`${T}/etc/passwd`, passwd);
    st.passwdLine = passwd.split("\n").findIndex((l) => l.startsWith("envt:")) + 1;
    // No password hashes are copied: every account (and the test user) gets a locked `*` entry.
    const names = passwd
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(":")[0]);
    writeFileSync(`${T}/etc/shadow`, names.map((n) => `${n}:*:19000:0:99999:7:::\n`).join(""));
    chmodSync(`${T}/etc/shadow`, 0o640);
    writeFileSync(
      `${T}/etc/group`,
      `${readFileSync("/etc/group", "utf8").replace(/\n?$/, "\n")}envt:x:${st.uid}:\n`,
    );
    writeFileSync(
      `${T}/etc/environment`,
      '# test /etc/environment\nEDITOR="vim"\nPAGER=less\nexport JAVA_HOME=/usr/lib/jvm/default # comment\nLONG_LIST=a:\\\n  b:c\nQ1="in"side"\n',
    );
    writeFileSync(
      `${T}/etc/security/pam_env.conf`,
      'PAGER DEFAULT=more\nXDG_DATA_HOME DEFAULT=@{HOME}/.local/share\n  INDENTED DEFAULT=bad\nTRAIL DEFAULT=x \nEMPTY_OK DEFAULT=""\n',
    );
    // envtrace's view of the host: the same files, the real /proc and /tmp.
    st.R = path.join(T, "root");
    mkdirSync(`${st.R}/etc/security`, { recursive: true });
    for (const f of ["passwd", "group", "environment", "security/pam_env.conf"])
      copyFileSync(`${T}/etc/${f}`, `${st.R}/etc/${f}`);
    copyFileSync("/etc/login.defs", `${st.R}/etc/login.defs`);
    symlinkSync("/etc/pam.d", `${st.R}/etc/pam.d`);
    symlinkSync("/etc/default", `${st.R}/etc/default`);
    symlinkSync("/proc", `${st.R}/proc`);
    symlinkSync("/tmp", `${st.R}/tmp`);
    chownSync(st.home, st.uid, st.uid);
  });

  afterAll(() => {
    for (const pid of sleepers) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    for (const c of children) c.kill("SIGTERM");
    if (st.T) rmSync(st.T, { recursive: true, force: true });
  });

  it("su --login: login.defs PATH, passwd HOME, pam_env files with pam_env's own parsing quirks", async () => {
    const mark = marker();
    inNamespace("su-login", [`exec su -l envt -c 'exec sleep ${mark}'`]);
    const vars = await explain(await findSleep(mark));
    expect(where(vars.get("HOME"))).toEqual({
      kind: "su",
      mechanism: "login:HOME",
      confidence: "certain",
      file: "/etc/passwd",
      line: st.passwdLine,
    });
    expect(where(vars.get("PATH"))).toMatchObject({
      kind: "su",
      confidence: "certain",
      file: "/etc/login.defs",
      line: lineOf("/etc/login.defs", /^ENV_PATH\s/),
    });
    expect(where(vars.get("EDITOR"))).toEqual({
      kind: "pam-env",
      mechanism: "environment",
      confidence: "certain",
      file: "/etc/environment",
      line: 2,
    });
    // Debian's second pam_env.so line re-reads pam_env.conf after /etc/environment: its DEFAULT wins again.
    expect(vars.get("PAGER")?.value).toBe("more");
    expect(where(vars.get("PAGER"))).toMatchObject({
      kind: "pam-env",
      mechanism: "pam_env.conf",
      file: "/etc/security/pam_env.conf",
      line: 1,
    });
    expect(vars.get("PAGER")?.shadowed.some((s) => s.value === "less")).toBe(true);
    // Continuations keep the next line's leading blanks; inner quotes stay; the text before `#` keeps its blank.
    expect(vars.get("LONG_LIST")?.value).toBe("a:  b:c");
    expect(where(vars.get("LONG_LIST"))).toMatchObject({ kind: "pam-env", confidence: "certain", line: 5 });
    expect(vars.get("Q1")?.value).toBe('in"side');
    expect(where(vars.get("Q1"))).toMatchObject({ kind: "pam-env", confidence: "certain", line: 7 });
    expect(where(vars.get("JAVA_HOME"))).toMatchObject({ kind: "pam-env", confidence: "certain", line: 4 });
    expect(where(vars.get("XDG_DATA_HOME"))).toMatchObject({
      kind: "pam-env",
      confidence: "certain",
      line: 2,
    });
    expect(where(vars.get("EMPTY_OK"))).toMatchObject({ kind: "pam-env", confidence: "certain", line: 5 });
    // The lines envtrace reports as ignored are really ignored by pam_env.
    expect(vars.has("INDENTED")).toBe(false);
    expect(vars.has("TRAIL")).toBe(false);
  });

  it("su (no --login): HOME, USER, LOGNAME of the target; PATH untouched", async () => {
    const mark = marker();
    inNamespace("su", [`exec su envt -c 'exec sleep ${mark}'`]);
    const vars = await explain(await findSleep(mark));
    expect(where(vars.get("HOME"))).toEqual({
      kind: "su",
      mechanism: "HOME",
      confidence: "certain",
      file: "/etc/passwd",
      line: st.passwdLine,
    });
    expect(where(vars.get("USER"))).toMatchObject({ kind: "su", mechanism: "USER", confidence: "certain" });
    expect(where(vars.get("PATH")).kind).not.toBe("su");
  });

  it("login -f (shadow's login on a pty): passwd, login.defs ENV_PATH, HUSHLOGIN, pam_env", async () => {
    const mark = marker();
    const { T } = st;
    writeFileSync(`${T}/wtmp`, "");
    writeFileSync(`${T}/lastlog`, "");
    const child = inNamespace(
      "login",
      [
        `mount --bind ${T}/wtmp /var/log/wtmp`,
        `mount --bind ${T}/lastlog /var/log/lastlog`,
        "exec script -qfec 'login -f envt' /dev/null",
      ],
      "pipe",
    );
    child.stdin?.write(`exec sleep ${mark}\n`);
    const vars = await explain(await findSleep(mark));
    expect(where(vars.get("HOME"))).toEqual({
      kind: "login",
      mechanism: "HOME",
      confidence: "certain",
      file: "/etc/passwd",
      line: st.passwdLine,
    });
    expect(where(vars.get("PATH"))).toMatchObject({
      kind: "login",
      confidence: "certain",
      file: "/etc/login.defs",
      line: lineOf("/etc/login.defs", /^ENV_PATH\s/),
    });
    expect(where(vars.get("EDITOR"))).toMatchObject({
      kind: "pam-env",
      confidence: "certain",
      file: "/etc/environment",
      line: 2,
    });
    if (vars.has("HUSHLOGIN"))
      expect(where(vars.get("HUSHLOGIN"))).toMatchObject({ kind: "login", confidence: "certain" });
    if (vars.has("MOTD_SHOWN"))
      expect(where(vars.get("MOTD_SHOWN"))).toMatchObject({ kind: "pam-env", mechanism: "pam_motd" });
    child.stdin?.end();
  });

  it("sudo: SUDO_* of the invoker, secure_path and env_file from sudoers includes with file:line", async () => {
    const mark = marker();
    const { T } = st;
    mkdirSync(`${T}/sudoers.d`, { recursive: true });
    writeFileSync(
      `${T}/sudoers`,
      `Defaults\tenv_reset\nDefaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\nroot\tALL=(ALL:ALL) ALL\n@includedir ${T}/sudoers.d\n`,
    );
    writeFileSync(
      `${T}/sudoers.d/10-site`,
      `Defaults secure_path="/opt/site/bin:/usr/bin:/bin", env_file=${T}/sudo.env\n`,
    );
    writeFileSync(
      `${T}/sudo.env`,
      '# sudo env_file\nexport HTTP_PROXY="http://proxy.internal:3128"\nNO_PROXY=localhost\n',
    );
    chmodSync(`${T}/sudoers`, 0o440);
    chmodSync(`${T}/sudoers.d/10-site`, 0o440);
    copyFileSync(`${T}/sudoers`, `${st.R}/etc/sudoers`);
    inNamespace("sudo", [`mount --bind ${T}/sudoers /etc/sudoers`, `exec sudo -u envt sleep ${mark}`]);
    const vars = await explain(await findSleep(mark));
    expect(where(vars.get("PATH"))).toEqual({
      kind: "sudo",
      mechanism: "secure_path",
      confidence: "certain",
      file: `${T}/sudoers.d/10-site`,
      line: 1,
    });
    expect(
      vars
        .get("PATH")
        ?.shadowed.some(
          (s) =>
            s.attribution.kind === "sudo" &&
            isFileLocation(s.attribution.location) &&
            s.attribution.location.line === 2,
        ),
    ).toBe(true);
    expect(where(vars.get("SUDO_USER"))).toMatchObject({
      kind: "sudo",
      mechanism: "SUDO_USER",
      confidence: "certain",
      file: "/etc/passwd",
      line: 1,
    });
    expect(where(vars.get("SUDO_UID"))).toMatchObject({ kind: "sudo", confidence: "certain" });
    expect(where(vars.get("SUDO_COMMAND"))).toMatchObject({ kind: "sudo", confidence: "certain" });
    expect(where(vars.get("HOME"))).toEqual({
      kind: "sudo",
      mechanism: "HOME",
      confidence: "certain",
      file: "/etc/passwd",
      line: st.passwdLine,
    });
    expect(where(vars.get("HTTP_PROXY"))).toEqual({
      kind: "sudo",
      mechanism: "env_file",
      confidence: "certain",
      file: `${T}/sudo.env`,
      line: 2,
    });
    expect(where(vars.get("NO_PROXY"))).toMatchObject({ kind: "sudo", mechanism: "env_file", line: 3 });
  });

  it("sshd: built-ins, SetEnv (first line only), ~/.ssh/environment, AcceptEnv, PAM environment", async () => {
    const { T } = st;
    const port = 20000 + Math.floor(Math.random() * 30000);
    mkdirSync(`${T}/ssh`, { recursive: true });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${T}/ssh/hostkey`]);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", `${T}/ssh/client`]);
    writeFileSync(
      `${st.home}/.ssh/authorized_keys`,
      `environment="KEYENV=from key" ${readFileSync(`${T}/ssh/client.pub`, "utf8")}`,
    );
    writeFileSync(`${st.home}/.ssh/environment`, "# user env\nPROJECT=alpha\nDEPLOY_ENV=from-user-file\n");
    for (const f of ["", ".ssh", ".ssh/authorized_keys", ".ssh/environment"])
      chownSync(path.join(st.home, f), st.uid, st.uid);
    const config = `${T}/ssh/sshd_config`;
    writeFileSync(
      config,
      [
        "ListenAddress 127.0.0.1",
        `Port ${port}`,
        `HostKey ${T}/ssh/hostkey`,
        "PidFile none",
        "UsePAM yes",
        "StrictModes no",
        "AuthorizedKeysFile %h/.ssh/authorized_keys",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitUserEnvironment yes",
        "AcceptEnv LC_*",
        'SetEnv DEPLOY_ENV=staging "MOTD_TEXT=hello world"',
        "SetEnv DEPLOY_ENV=second-line-ignored",
        "",
      ].join("\n"),
    );
    inNamespace("sshd", [
      "mount -t tmpfs tmpfs /run && mkdir -p /run/sshd && chmod 755 /run/sshd",
      `exec /usr/sbin/sshd -D -e -f ${config}`,
    ]);
    const mark = marker();
    let pid = 0;
    for (let attempt = 0; attempt < 20 && !pid; attempt++) {
      await new Promise((r) => setTimeout(r, 250));
      const client = spawn(
        "ssh",
        [
          "-n",
          "-i",
          `${T}/ssh/client`,
          "-o",
          "StrictHostKeyChecking=no",
          "-o",
          "UserKnownHostsFile=/dev/null",
          "-o",
          "BatchMode=yes",
          "-o",
          "LogLevel=ERROR",
          "-o",
          "SendEnv=LC_TIME",
          "-p",
          String(port),
          "envt@127.0.0.1",
          `exec sleep ${mark}`,
        ],
        { stdio: "ignore", env: { ...process.env, LC_TIME: "en_GB.UTF-8" } },
      );
      children.push(client);
      pid = await findSleep(mark, 2500).catch(() => 0);
    }
    expect(pid).toBeGreaterThan(0);
    const vars = await explain(pid);
    expect(where(vars.get("DEPLOY_ENV"))).toEqual({
      kind: "ssh",
      mechanism: "SetEnv",
      confidence: "certain",
      file: config,
      line: 12,
    });
    expect(vars.get("DEPLOY_ENV")?.value).toBe("staging");
    expect(where(vars.get("MOTD_TEXT"))).toMatchObject({ kind: "ssh", mechanism: "SetEnv", line: 12 });
    expect(where(vars.get("PROJECT"))).toEqual({
      kind: "ssh",
      mechanism: "~/.ssh/environment",
      confidence: "certain",
      file: `${st.home}/.ssh/environment`,
      line: 2,
    });
    expect(where(vars.get("KEYENV"))).toEqual({
      kind: "ssh",
      mechanism: "authorized_keys environment=",
      confidence: "likely",
      file: `${st.home}/.ssh/authorized_keys`,
      line: 1,
    });
    expect(where(vars.get("LC_TIME"))).toMatchObject({
      kind: "ssh",
      mechanism: "AcceptEnv",
      confidence: "likely",
      file: config,
      line: 11,
    });
    expect(where(vars.get("SSH_CONNECTION"))).toMatchObject({ kind: "ssh", confidence: "certain" });
    expect(where(vars.get("USER"))).toMatchObject({
      kind: "ssh",
      confidence: "certain",
      file: "/etc/passwd",
      line: st.passwdLine,
    });
    expect(where(vars.get("EDITOR"))).toMatchObject({
      kind: "pam-env",
      confidence: "certain",
      file: "/etc/environment",
      line: 2,
    });
  });

  it("direnv: DIRENV_DIFF decoded, .envrc line for static exports, state variables", async () => {
    const { T } = st;
    const proj = `${T}/proj`;
    mkdirSync(proj, { recursive: true });
    mkdirSync(`${T}/dhome`, { recursive: true });
    writeFileSync(
      `${proj}/.envrc`,
      "# project env\nexport APP_ENV=development\nPATH_add bin\nexport BUILD_ID=$(echo 42)\nexport QUOTED='two words'\n",
    );
    const env = {
      ...process.env,
      HOME: `${T}/dhome`,
      XDG_DATA_HOME: `${T}/dhome/.local/share`,
      XDG_CONFIG_HOME: `${T}/dhome/.config`,
    };
    execFileSync("direnv", ["allow", proj], { env, cwd: proj, stdio: "ignore" });
    const mark = marker();
    // What the shell hook does before each prompt, then a child of that shell.
    const child = spawn("bash", ["-c", `eval "$(direnv export bash 2>/dev/null)"; sleep ${mark}; true`], {
      env,
      cwd: proj,
      stdio: "ignore",
    });
    children.push(child);
    const vars = await explain(await findSleep(mark));
    expect(where(vars.get("APP_ENV"))).toEqual({
      kind: "direnv",
      mechanism: "envrc",
      confidence: "certain",
      file: `${proj}/.envrc`,
      line: 2,
    });
    expect(where(vars.get("BUILD_ID"))).toMatchObject({ kind: "direnv", confidence: "certain", line: 4 });
    expect(where(vars.get("QUOTED"))).toMatchObject({ kind: "direnv", confidence: "certain", line: 5 });
    expect(where(vars.get("PATH"))).toMatchObject({ kind: "direnv", confidence: "certain", line: 3 });
    expect(where(vars.get("DIRENV_DIFF"))).toMatchObject({
      kind: "direnv",
      mechanism: "state",
      file: `${proj}/.envrc`,
    });
  });
});
