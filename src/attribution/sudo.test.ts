import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSudoEnvFile } from "./lib/envfile.js";
import { checkFixtureCase, fixtureCases } from "./lib/fixture-case.js";
import { lastDefault, parseSudoers } from "./lib/sudoers.js";

describe("sudo resolver (fixture trees through the real engine)", () => {
  for (const dir of fixtureCases("sudo", "sudo")) {
    it(path.basename(dir), async () => {
      const r = await checkFixtureCase(dir);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.mismatches).toEqual([]);
    });
  }
});

describe("sudoers Defaults", () => {
  it("parses quoted values, lists, negations, qualifiers, continuations and includes with their lines", () => {
    const p = parseSudoers(
      [
        "# comment",
        'Defaults\tsecure_path="/a:/b", !lecture, env_keep += "LANG LC_*"',
        "Defaults:alice secure_path=/alice",
        "Defaults env_file=/etc/sudo.env, \\",
        "   !env_reset # trailing comment",
        "#includedir /etc/sudoers.d",
        "@include extra",
        "root ALL=(ALL:ALL) ALL",
      ].join("\n"),
      "/etc/sudoers",
    );
    expect(p.defaults.map((d) => [d.name, d.op, d.value, d.line, d.qualifier])).toEqual([
      ["secure_path", "=", "/a:/b", 2, undefined],
      ["lecture", "!", undefined, 2, undefined],
      ["env_keep", "+=", "LANG LC_*", 2, undefined],
      ["secure_path", "=", "/alice", 3, ":alice"],
      ["env_file", "=", "/etc/sudo.env", 4, undefined],
      ["env_reset", "!", undefined, 4, undefined],
    ]);
    expect(p.includes).toEqual([
      { path: "/etc/sudoers.d", dir: true, line: 6 },
      { path: "extra", dir: false, line: 7 },
    ]);
    expect(lastDefault(p.defaults, "secure_path")?.value).toBe("/a:/b");
  });
  it("reads env_file lines like sudoers does (export, matching quotes)", () => {
    expect(
      parseSudoEnvFile('# c\nexport A="x y"\nB=\'z\'\nC="open\n=novar\n').map((a) => [
        a.key,
        a.value,
        a.line,
      ]),
    ).toEqual([
      ["A", "x y", 2],
      ["B", "z", 3],
      ["C", '"open', 4],
    ]);
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const p = parseSudoers(s, "/f");
        for (const d of p.defaults) expect(d.line).toBeGreaterThanOrEqual(1);
        for (const a of parseSudoEnvFile(s)) expect(a.key.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe("sudoers includes: cycles and huge files become issues", () => {
  it("reads an include cycle once (CYCLE) and skips a file above the size limit (TOO_LARGE)", async () => {
    const { mkdtempSync, writeFileSync, mkdirSync, truncateSync, rmSync } = await import("node:fs");
    const { createHostFs, MAX_TEXT_FILE_BYTES } = await import("../snapshot/host-fs.js");
    const { createResolverContext } = await import("./engine.js");
    const { loadSudoers } = await import("./lib/sudoers.js");
    const root = mkdtempSync("/tmp/envtrace-sudoers-");
    try {
      mkdirSync(`${root}/etc`, { recursive: true });
      writeFileSync(`${root}/etc/sudoers`, "Defaults secure_path=/a\n@include loop\n@include big\n");
      writeFileSync(`${root}/etc/loop`, "Defaults env_file=/e\n@include sudoers\n");
      writeFileSync(`${root}/etc/big`, "");
      truncateSync(`${root}/etc/big`, MAX_TEXT_FILE_BYTES + 1);
      const issues: import("../model/index.js").CollectionIssue[] = [];
      const ctx = createResolverContext({ fs: createHostFs(root), issues });
      const ds = await loadSudoers(ctx);
      expect(ds.map((d) => [d.name, d.file])).toEqual([
        ["secure_path", "/etc/sudoers"],
        ["env_file", "/etc/loop"],
      ]);
      expect(issues.map((i) => [i.subject, i.code])).toEqual([
        ["/etc/sudoers", "CYCLE"],
        ["/etc/big", "TOO_LARGE"],
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("sudo candidates (exec-chain static search)", () => {
  it("lists the effective secure_path and the env_file assignments", async () => {
    const { createHostFs } = await import("../snapshot/host-fs.js");
    const { ProcReader } = await import("../snapshot/procfs.js");
    const { createResolverContext } = await import("./engine.js");
    const sudo = (await import("./sudo.js")).default;
    const dir = fixtureCases("sudo", "sudo")[0]!;
    const fs = createHostFs(dir);
    const { chain } = await new ProcReader(fs).ancestry(120);
    const subject = chain[chain.length - 1]!;
    const ctx = createResolverContext({ fs, issues: [] });
    const cands = await sudo.candidates!(
      { subject, chain, receiver: subject, actor: null, keys: new Map() },
      ctx,
    );
    expect(
      cands.map((c) => [c.key, c.value, c.mechanism, "file" in c.location ? c.location.line : 0]),
    ).toEqual([
      ["PATH", "/opt/site/bin:/usr/bin:/bin", "secure_path", 1],
      ["HTTP_PROXY", "http://proxy.internal:3128", "env_file", 2],
      ["NO_PROXY", "localhost", "env_file", 3],
    ]);
  });
});
