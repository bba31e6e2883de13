import { describe, expect, it } from "vitest";
import type { ProcessSnapshot } from "../../model/index.js";
import { detectShellMode, shellOf, startupPlan } from "./startup.js";

function proc(cmdline: string[], exe?: string, ttyNr = 0): ProcessSnapshot {
  return {
    info: {
      pid: 10,
      ppid: 1,
      comm: (cmdline[0] ?? "").replace(/^-/, "").split("/").pop() ?? "",
      ...(exe ? { exe } : {}),
      cmdline,
      ttyNr,
      startTicks: 1,
      cgroup: [],
    },
    env: new Map(),
  };
}

describe("shellOf", () => {
  it("tells bash from dash behind `sh` by the resolved exe, and busybox sh/ash from the busybox binary", () => {
    expect(shellOf(proc(["sh", "-c", "x"], "/usr/bin/dash"))).toBe("dash");
    expect(shellOf(proc(["sh"], "/usr/bin/bash"))).toBe("bash");
    expect(shellOf(proc(["-bash"], "/usr/bin/bash"))).toBe("bash");
    expect(shellOf(proc(["sh", "-l"], "/bin/busybox"))).toBe("ash");
    expect(shellOf(proc(["busybox", "ash"], "/usr/bin/busybox"))).toBe("ash");
    expect(shellOf(proc(["busybox", "ls"], "/usr/bin/busybox"))).toBeNull();
    expect(shellOf(proc(["zsh"], "/usr/bin/zsh5"))).toBe("zsh");
    expect(shellOf(proc(["sh"]))).toBe("sh");
    expect(shellOf(proc(["bash"], "/usr/bin/python3"))).toBeNull();
    expect(shellOf(null)).toBeNull();
  });
});

describe("detectShellMode", () => {
  it("reads login from argv[0] and -l/--login, interactive from -i or a tty without -c or a script", () => {
    expect(detectShellMode(proc(["-bash"], "/usr/bin/bash", 34816))).toMatchObject({
      login: true,
      interactive: true,
    });
    expect(detectShellMode(proc(["bash", "-l", "-c", "x"], "/usr/bin/bash", 34816))).toMatchObject({
      login: true,
      interactive: false,
      command: true,
    });
    expect(detectShellMode(proc(["bash", "-lic", "x"], "/usr/bin/bash"))).toMatchObject({
      login: true,
      interactive: true,
    });
    expect(detectShellMode(proc(["bash", "script.sh"], "/usr/bin/bash", 34816))).toMatchObject({
      login: false,
      interactive: false,
    });
    expect(detectShellMode(proc(["bash", "script.sh"], "/usr/bin/bash")).script).toBe("script.sh");
    // A script on a file descriptor is the shell's alone: not analysed (reading it would steal it).
    expect(detectShellMode(proc(["bash", "/dev/fd/3"], "/usr/bin/bash")).script).toBeUndefined();
    expect(detectShellMode(proc(["bash", "/proc/self/fd/63"], "/usr/bin/bash")).script).toBeUndefined();
    expect(detectShellMode(proc(["bash"], "/usr/bin/bash", 0)).interactive).toBe(false);
    expect(detectShellMode(proc(["bash"], "/usr/bin/bash", 34816)).interactive).toBe(true);
    expect(detectShellMode(proc(["zsh", "-o", "login"], "/usr/bin/zsh")).login).toBe(true);
    expect(detectShellMode(proc(["zsh", "-f"], "/usr/bin/zsh")).noRc).toBe(true);
  });

  it("records the -c command string or the script, and plans them after the startup files", () => {
    const c = detectShellMode(proc(["bash", "-c", "export A=1", "name"], "/usr/bin/bash"));
    expect(c).toMatchObject({ command: true, commandString: "export A=1" });
    expect(c.script).toBeUndefined();
    const s = detectShellMode(proc(["sh", "-e", "./deploy.sh", "arg"], "/usr/bin/dash"));
    expect(s).toMatchObject({ script: "./deploy.sh", interactive: false });
    expect(startupPlan("dash", s, new Map()).at(-1)).toEqual({ kind: "script", path: "./deploy.sh" });
    expect(startupPlan("bash", c, new Map()).map((x) => x.kind)).toEqual(["env-file", "command-string"]);
  });

  it("reads bash's --norc, --noprofile, --rcfile, --posix and the `sh` name", () => {
    const m = detectShellMode(
      proc(["bash", "--norc", "--noprofile", "--rcfile", "/x/rc", "--posix", "-i"], "/usr/bin/bash"),
    );
    expect(m).toMatchObject({ noRc: true, noProfile: true, rcFile: "/x/rc", posix: true, interactive: true });
    expect(detectShellMode(proc(["sh", "-i"], "/usr/bin/bash")).invokedAsSh).toBe(true);
    expect(detectShellMode(proc(["busybox", "sh", "-l"], "/bin/busybox")).login).toBe(true);
  });
});

describe("startupPlan", () => {
  const env = new Map([["HOME", "/home/u"]]);
  it("bash login: /etc/profile then the first readable of the three personal files", () => {
    expect(startupPlan("bash", { login: true, interactive: true }, env)).toEqual([
      { kind: "file", path: "/etc/profile" },
      { kind: "first-readable", paths: ["~/.bash_profile", "~/.bash_login", "~/.profile"] },
    ]);
  });
  it("bash: interactive rc files, BASH_ENV when non-interactive (after login files for -l), sh and --posix", () => {
    expect(startupPlan("bash", { login: false, interactive: true }, env)).toEqual([
      { kind: "file", path: "/etc/bash.bashrc" },
      { kind: "file", path: "~/.bashrc" },
    ]);
    expect(startupPlan("bash", { login: false, interactive: true, rcFile: "/r" }, env)[1]).toEqual({
      kind: "file",
      path: "/r",
    });
    expect(startupPlan("bash", { login: false, interactive: true, noRc: true }, env)).toEqual([]);
    expect(startupPlan("bash", { login: false, interactive: false }, env)).toEqual([
      { kind: "env-file", variable: "BASH_ENV" },
    ]);
    expect(startupPlan("bash", { login: true, interactive: false }, env).map((s) => s.kind)).toEqual([
      "file",
      "first-readable",
      "env-file",
    ]);
    expect(startupPlan("bash", { login: true, interactive: true, invokedAsSh: true }, env)).toEqual([
      { kind: "file", path: "/etc/profile" },
      { kind: "file", path: "~/.profile" },
      { kind: "env-file", variable: "ENV" },
    ]);
    expect(startupPlan("bash", { login: false, interactive: false, invokedAsSh: true }, env)).toEqual([]);
    expect(startupPlan("bash", { login: true, interactive: true, posix: true }, env)).toEqual([
      { kind: "env-file", variable: "ENV" },
    ]);
    const ssh = new Map([...env, ["SSH_CLIENT", "10.0.0.1 5000 22"]]);
    expect(startupPlan("bash", { login: false, interactive: false, command: true }, ssh).length).toBe(2);
  });
  it("zsh: zshenv always, then zprofile/zshrc/zlogin by mode; -f stops after /etc/zshenv", () => {
    const all = startupPlan("zsh", { login: true, interactive: true }, env);
    expect(
      all.map((s) => (s.kind === "file" ? s.path : s.kind === "first-existing" ? s.paths[0] : "")),
    ).toEqual([
      "/etc/zsh/zshenv",
      "$ZDOTDIR/.zshenv",
      "/etc/zsh/zprofile",
      "$ZDOTDIR/.zprofile",
      "/etc/zsh/zshrc",
      "$ZDOTDIR/.zshrc",
      "/etc/zsh/zlogin",
      "$ZDOTDIR/.zlogin",
    ]);
    expect(startupPlan("zsh", { login: false, interactive: false, noRc: true }, env)).toHaveLength(1);
  });
  it("dash and ash: profile files for login, ENV for interactive; ash reads ~/.profile only with HOME", () => {
    expect(startupPlan("dash", { login: true, interactive: true }, env).map((s) => s.kind)).toEqual([
      "file",
      "file",
      "env-file",
    ]);
    expect(startupPlan("dash", { login: false, interactive: false }, env)).toEqual([]);
    expect(startupPlan("ash", { login: true, interactive: false }, new Map())).toEqual([
      { kind: "file", path: "/etc/profile" },
    ]);
  });
});
