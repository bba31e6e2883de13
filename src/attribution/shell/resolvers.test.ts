/**
 * The bash, zsh, dash and ash resolvers over fixture trees: an actor process (argv, exe, tty, exec-time
 * environment) whose child received the keys; the HostFs root is test/fixtures/shell/<shell>/<case>/.
 */
import { describe, expect, it } from "vitest";
import type { CollectionIssue, EnvEntry, ProcessSnapshot } from "../../model/index.js";
import { createHostFs } from "../../snapshot/host-fs.js";
import { createResolverContext } from "../engine.js";
import type { ResolveRequest, Resolver } from "../resolver.js";
import ash from "./ash.js";
import bash from "./bash.js";
import dash from "./dash.js";
import zsh from "./zsh.js";

const FIX = new URL("../../../test/fixtures/shell/", import.meta.url).pathname;

function entry(key: string, value: string): EnvEntry {
  return { key, value, raw: Buffer.from(value), escaped: false };
}
function snapshot(
  pid: number,
  cmdline: string[],
  exe: string,
  env: Record<string, string>,
  uid = 1000,
): ProcessSnapshot {
  return {
    info: {
      pid,
      ppid: 1,
      comm: cmdline[0]!.replace(/^-/, ""),
      exe,
      cmdline,
      ttyNr: 0,
      startTicks: 5,
      cgroup: [],
      uid,
    },
    env: new Map(Object.entries(env).map(([k, v]) => [k, entry(k, v)])),
  };
}
function request(actor: ProcessSnapshot, keys: Record<string, string>): ResolveRequest {
  const child = snapshot(actor.info.pid + 1, ["sleep", "60"], "/usr/bin/sleep", { ...keys });
  return {
    subject: child,
    chain: [actor, child],
    receiver: child,
    actor,
    keys: new Map(Object.entries(keys).map(([k, v]) => [k, entry(k, v)])),
  };
}
function context(root: string, issues: CollectionIssue[] = []) {
  return createResolverContext({ fs: createHostFs(root), issues });
}
const BASE = { HOME: "/home/u", PATH: "/usr/bin:/bin" };

async function resolveWith(r: Resolver, root: string, req: ResolveRequest) {
  expect(r.matches(req)).toBe(true);
  return r.resolve(req, context(root));
}

describe("bash resolver", () => {
  const actor = snapshot(100, ["-bash"], "/usr/bin/bash", BASE);
  const root = `${FIX}bash/login`;

  it("matches bash actors only", () => {
    expect(bash.matches(request(actor, {}))).toBe(true);
    expect(bash.matches(request(snapshot(1, ["sh"], "/usr/bin/dash", BASE), {}))).toBe(false);
    expect(dash.matches(request(actor, {}))).toBe(false);
  });

  it("certain for an unconditional match, with the overridden assignment shadowed", async () => {
    const out = await resolveWith(bash, root, request(actor, { EDITOR: "vim" }));
    const a = out.get("EDITOR")!;
    expect(a.attribution).toMatchObject({
      kind: "shell",
      mechanism: "bash",
      location: { file: "/home/u/.bash_profile", line: 2 },
      confidence: "certain",
    });
    expect(a.shadowed?.map((s) => [s.value, s.attribution.location])).toEqual([
      ["nano", { file: "/etc/profile", line: 9, column: 1 }],
    ]);
  });

  it("likely for a conditional match, likely 'computed' for $(…), possible for a different static value", async () => {
    const out = await resolveWith(
      bash,
      root,
      request(actor, { GOFLAGS: "-mod=mod", BUILD_ID: "1700000000", GREETING: "something else" }),
    );
    expect(out.get("GOFLAGS")!.attribution).toMatchObject({ confidence: "likely", location: { line: 6 } });
    expect(out.get("BUILD_ID")!.attribution).toMatchObject({ confidence: "likely", location: { line: 15 } });
    expect(out.get("BUILD_ID")!.attribution.evidence[0]).toMatch(/^computed at \/home\/u\/\.bash_profile:15/);
    expect(out.get("GREETING")!.attribution.confidence).toBe("possible");
    expect(out.get("GREETING")!.notes?.length).toBeGreaterThan(0);
  });

  it("PATH-like keys carry per-segment origins; evidence never holds values", async () => {
    const path = "/home/u/.local/bin:/home/u/bin:/usr/local/bin:/usr/bin:/bin:/opt/tools/bin";
    const out = await resolveWith(bash, root, request(actor, { PATH: path, DB_PASSWORD: "s3cr3t-hunter2" }));
    expect(out.get("PATH")!.segments?.map((s) => s.location?.file)).toEqual([
      "/home/u/.bashrc",
      "/home/u/.bash_profile",
      "/etc/profile",
      "/etc/profile",
      "/etc/profile",
      "/etc/profile.d/20-tools.sh",
    ]);
    const pw = out.get("DB_PASSWORD")!;
    expect(pw.attribution.confidence).toBe("certain");
    expect(JSON.stringify(pw.attribution)).not.toContain("s3cr3t-hunter2");
  });

  it("attributes SHLVL and _ to bash itself when no file sets them; ignores keys it knows nothing about", async () => {
    const out = await resolveWith(
      bash,
      root,
      request(actor, { SHLVL: "1", _: "/usr/bin/sleep", RANDOM_X: "1" }),
    );
    expect(out.get("SHLVL")!.attribution).toMatchObject({
      kind: "shell",
      mechanism: "bash",
      confidence: "certain",
    });
    expect(out.get("_")).toBeDefined();
    expect(out.has("RANDOM_X")).toBe(false);
  });

  it("a non-interactive bash reads BASH_ENV from the actor's environment", async () => {
    const a = snapshot(200, ["bash", "-c", "x"], "/usr/bin/bash", { ...BASE, BASH_ENV: "/home/u/env.sh" });
    const out = await resolveWith(
      bash,
      `${FIX}bash/bashenv`,
      request(a, { FROM_BASH_ENV: "1", FROM_MORE: "2" }),
    );
    expect(out.get("FROM_BASH_ENV")!.attribution.location).toMatchObject({ file: "/home/u/env.sh", line: 1 });
    expect(out.get("FROM_MORE")!.attribution.location).toMatchObject({ file: "/home/u/more.sh", line: 1 });
  });

  it("a key no file assigns, after a computed eval: possible, with the eval as candidate", async () => {
    const a = snapshot(250, ["bash", "-i"], "/usr/bin/bash", BASE);
    const out = await resolveWith(bash, `${FIX}bash/opaque`, request(a, { PYENV_SHELL: "bash" }));
    expect(out.get("PYENV_SHELL")!.attribution).toMatchObject({
      kind: "shell",
      confidence: "possible",
      candidates: [{ file: "/home/u/.bashrc", line: 2 }],
    });
  });

  it("reports analysis issues (a cycle) once through the context", async () => {
    const issues: CollectionIssue[] = [];
    const ctx = context(`${FIX}bash/cycle`, issues);
    const a = snapshot(300, ["bash", "-i"], "/usr/bin/bash", BASE);
    await bash.resolve(request(a, { BEFORE: "1" }), ctx);
    await bash.resolve(request(a, { AFTER: "1" }), ctx);
    expect(issues.filter((i) => i.code === "CYCLE")).toHaveLength(1);
  });

  it("candidates(): every exported assignment of the login + interactive startup", async () => {
    const req = request(actor, { ...BASE, SHELL: "/bin/bash" });
    const c = await bash.candidates!(req, context(root));
    expect(c.find((x) => x.key === "EDITOR" && x.value === "vim")).toMatchObject({
      kind: "shell",
      mechanism: "bash",
      location: { file: "/home/u/.bash_profile", line: 2 },
    });
    expect(c.find((x) => x.key === "BUILD_ID")!.value).toBeNull();
    // Only the user's login shell answers; without SHELL, the POSIX sh resolver does.
    expect(await zsh.candidates!(req, context(root))).toEqual([]);
    const noShell = request(actor, { ...BASE });
    expect(await bash.candidates!(noShell, context(root))).toEqual([]);
    const viaSh = await dash.candidates!(noShell, context(root));
    expect(viaSh.find((x) => x.key === "LANG")).toMatchObject({
      mechanism: "dash",
      location: { file: "/etc/profile.d/10-lang.sh" },
    });
  });
});

describe("zsh, dash and ash resolvers", () => {
  it("zsh: ZDOTDIR moved by ~/.zshenv; a later .zshrc assignment wins over .zprofile", async () => {
    const a = snapshot(400, ["-zsh"], "/usr/bin/zsh", BASE);
    a.info.ttyNr = 34816;
    const out = await resolveWith(
      zsh,
      `${FIX}zsh/zdotdir`,
      request(a, { ZPROFILE_VAR: "2", ZLOGIN_VAR: "1" }),
    );
    expect(out.get("ZPROFILE_VAR")!.attribution).toMatchObject({
      mechanism: "zsh",
      location: { file: "/home/u/.config/zsh/.zshrc", line: 3 },
      confidence: "certain",
    });
    expect(out.get("ZPROFILE_VAR")!.shadowed![0]!.attribution.location).toMatchObject({
      file: "/home/u/.config/zsh/.zprofile",
      line: 1,
    });
    expect(out.get("ZLOGIN_VAR")!.attribution.location).toMatchObject({
      file: "/home/u/.config/zsh/.zlogin",
    });
  });

  it("dash (and `sh` that is dash): $ENV set in .profile, interactive login", async () => {
    const a = snapshot(500, ["sh", "-l", "-i"], "/usr/bin/dash", BASE);
    const out = await resolveWith(
      dash,
      `${FIX}dash/login`,
      request(a, { SHRC_VAR: "1", PATH: "/usr/local/bin:/usr/bin:/bin" }),
    );
    expect(out.get("SHRC_VAR")!.attribution).toMatchObject({
      mechanism: "dash",
      location: { file: "/home/u/.shrc" },
    });
    expect(out.get("PATH")!.attribution.location).toMatchObject({ file: "/etc/profile", line: 1 });
    const unknownSh = snapshot(501, ["-sh"], "", BASE);
    delete unknownSh.info.exe;
    const o2 = await resolveWith(dash, `${FIX}dash/login`, request(unknownSh, { PROFILE_VAR: "1" }));
    expect(o2.get("PROFILE_VAR")!.attribution.mechanism).toBe("sh");
  });

  it("ash: busybox sh login + ENV", async () => {
    const a = snapshot(600, ["-sh"], "/bin/busybox", { ...BASE, ENV: "/home/u/ashrc" });
    a.info.ttyNr = 34816;
    const out = await resolveWith(ash, `${FIX}ash/login`, request(a, { ASH_ENV: "1", PAGER: "less" }));
    expect(out.get("ASH_ENV")!.attribution).toMatchObject({
      mechanism: "ash",
      location: { file: "/home/u/ashrc", line: 1 },
    });
    expect(out.get("PAGER")!.attribution.location).toMatchObject({ file: "/etc/profile", line: 2 });
  });
});
