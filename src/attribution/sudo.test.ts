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
