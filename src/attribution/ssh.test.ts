import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProcessSnapshot } from "../model/index.js";
import { parseSshEnvironmentFile } from "./lib/envfile.js";
import { checkFixtureCase, fixtureCases } from "./lib/fixture-case.js";
import { parseSshdConfigText, splitSshdArgs } from "./lib/sshd-config.js";
import { sshdConfigPath } from "./ssh.js";

describe("ssh resolver (fixture trees through the real engine)", () => {
  for (const dir of fixtureCases("ssh", "ssh")) {
    it(path.basename(dir), async () => {
      const r = await checkFixtureCase(dir);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.mismatches).toEqual([]);
    });
  }
});

describe("sshd_config", () => {
  it("splits arguments with quotes and comments", () => {
    expect(splitSshdArgs('A=1 "B=two words" # comment')).toEqual(["A=1", "B=two words"]);
  });
  it("lower-cases keywords, accepts Keyword=value and tags directives under Match", () => {
    const ds = parseSshdConfigText(
      "AcceptEnv LANG LC_*\nPermitUserEnvironment=yes\nMatch User bob\n  SetEnv X=1\nMatch all\nSetEnv Y=2\n",
      "/c",
    );
    expect(ds.map((d) => [d.keyword, d.args, d.line, d.match])).toEqual([
      ["acceptenv", ["LANG", "LC_*"], 1, undefined],
      ["permituserenvironment", ["yes"], 2, undefined],
      ["setenv", ["X=1"], 4, "User bob"],
      ["setenv", ["Y=2"], 6, undefined],
    ]);
  });
  it("finds the listener's -f config in its process title", () => {
    const p = (cmd: string): ProcessSnapshot => ({
      info: {
        pid: 5,
        ppid: 1,
        comm: "sshd",
        exe: "/usr/sbin/sshd",
        cmdline: [cmd],
        ttyNr: 0,
        startTicks: 0,
        cgroup: [],
      },
      env: null,
    });
    expect(
      sshdConfigPath([
        p("sshd: /usr/sbin/sshd -D -f /tmp/x/sshd_config [listener] 0 of 10-100 startups"),
        p("sshd: bob@notty"),
      ]),
    ).toBe("/tmp/x/sshd_config");
    expect(sshdConfigPath([p("sshd: /usr/sbin/sshd -D [listener]")])).toBe("/etc/ssh/sshd_config");
  });
  it("reads ~/.ssh/environment lines without quote processing", () => {
    expect(
      parseSshEnvironmentFile('# c\n  A="x"\nnoequals\nB=\n').map((a) => [a.key, a.value, a.line]),
    ).toEqual([
      ["A", '"x"', 2],
      ["B", "", 4],
    ]);
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const d of parseSshdConfigText(s, "/f")) expect(d.keyword).toBe(d.keyword.toLowerCase());
        expect(Array.isArray(splitSshdArgs(s))).toBe(true);
        for (const a of parseSshEnvironmentFile(s)) expect(a.key.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe("sshd_config Include", () => {
  it("expands globs in order, keeps Match context, and reports an Include loop", async () => {
    const { mkdtempSync, writeFileSync, mkdirSync, rmSync } = await import("node:fs");
    const { createHostFs } = await import("../snapshot/host-fs.js");
    const { createResolverContext } = await import("./engine.js");
    const { loadSshdConfig } = await import("./lib/sshd-config.js");
    const root = mkdtempSync("/tmp/envtrace-sshd-");
    try {
      mkdirSync(`${root}/etc/ssh/sshd_config.d`, { recursive: true });
      writeFileSync(
        `${root}/etc/ssh/sshd_config`,
        "Include sshd_config.d/*.conf\nMatch User bob\nInclude /etc/ssh/bob.conf\n",
      );
      writeFileSync(`${root}/etc/ssh/sshd_config.d/20-b.conf`, "SetEnv B=1\n");
      writeFileSync(
        `${root}/etc/ssh/sshd_config.d/10-a.conf`,
        "AcceptEnv A_*\nInclude /etc/ssh/sshd_config\n",
      );
      writeFileSync(`${root}/etc/ssh/bob.conf`, "SetEnv BOB=1\n");
      const issues: import("../model/index.js").CollectionIssue[] = [];
      const ctx = createResolverContext({ fs: createHostFs(root), issues });
      const ds = await loadSshdConfig(ctx);
      expect(ds.map((d) => [d.keyword, d.file, d.line, d.match])).toEqual([
        ["acceptenv", "/etc/ssh/sshd_config.d/10-a.conf", 1, undefined],
        ["setenv", "/etc/ssh/sshd_config.d/20-b.conf", 1, undefined],
        ["setenv", "/etc/ssh/bob.conf", 1, "User bob"],
      ]);
      expect(issues.map((i) => i.code)).toEqual(["CYCLE"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("ssh candidates (exec-chain static search)", () => {
  it("lists SetEnv values and ~/.ssh/environment assignments with file:line", async () => {
    const { createHostFs } = await import("../snapshot/host-fs.js");
    const { ProcReader } = await import("../snapshot/procfs.js");
    const { createResolverContext } = await import("./engine.js");
    const ssh = (await import("./ssh.js")).default;
    const dir = fixtureCases("ssh", "ssh").find((d) => d.endsWith("session"))!;
    const fs = createHostFs(dir);
    const { chain } = await new ProcReader(fs).ancestry(800);
    const subject = chain[chain.length - 1]!;
    const ctx = createResolverContext({ fs, issues: [] });
    const cands = await ssh.candidates!(
      { subject, chain, receiver: subject, actor: null, keys: new Map() },
      ctx,
    );
    expect(
      cands.map((c) => [
        c.key,
        c.mechanism,
        "file" in c.location ? `${c.location.file}:${c.location.line}` : "",
      ]),
    ).toEqual([
      ["DEPLOY_ENV", "SetEnv", "/etc/ssh/sshd_config:6"],
      ["MOTD_TEXT", "SetEnv", "/etc/ssh/sshd_config:6"],
      ["DEPLOY_ENV", "SetEnv", "/etc/ssh/sshd_config:7"],
      ["BOB_ONLY", "SetEnv", "/etc/ssh/sshd_config:9"],
      ["PROJECT", "~/.ssh/environment", "/home/alice/.ssh/environment:2"],
      ["DEPLOY_ENV", "~/.ssh/environment", "/home/alice/.ssh/environment:3"],
    ]);
  });
});
