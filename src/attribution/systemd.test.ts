/**
 * systemd cannot run as PID 1 on this machine (the container's init is another program), so these tests
 * use fixture unit files, drop-ins and cgroup paths modelled on real hosts; the parsers follow systemd's
 * `conf-parser.c`, `extract_first_word` and `env-file.c`.
 */
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSystemdEnvFile } from "./lib/envfile.js";
import { checkFixtureCase, fixtureCases } from "./lib/fixture-case.js";
import { parseEnvironmentDirective, parseUnitFile, unitFromCgroup, unitSpecifiers } from "./lib/unit-file.js";

describe("systemd resolver (fixture trees through the real engine)", () => {
  for (const dir of fixtureCases("systemd", "systemd")) {
    it(path.basename(dir), async () => {
      const r = await checkFixtureCase(dir);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.mismatches).toEqual([]);
    });
  }
});

describe("unit files", () => {
  it("keeps the first line of continued settings and skips comments", () => {
    const s = parseUnitFile("[Service]\n# c\nEnvironment=A=1 \\\n  B=2\n; other\nUser = www\n");
    expect(s).toEqual([
      { section: "Service", key: "Environment", value: "A=1  B=2", line: 3 },
      { section: "Service", key: "User", value: "www", line: 6 },
    ]);
  });
  it("splits Environment= like extract_first_word and expands specifiers", () => {
    const spec = unitSpecifiers("web@blue.service");
    const r = parseEnvironmentDirective("A=1 \"B=two words\" C='x y' D=%i E=%n F=a\\tb G=%Z bad", spec);
    expect(r.assignments).toEqual([
      { key: "A", value: "1" },
      { key: "B", value: "two words" },
      { key: "C", value: "x y" },
      { key: "D", value: "blue" },
      { key: "E", value: "web@blue.service" },
      { key: "F", value: "a\tb" },
      { key: "G", value: null },
    ]);
    expect(r.invalid).toBe(1);
  });
  it("names the service from v2 and v1 cgroup lines, including user managers", () => {
    expect(unitFromCgroup(["0::/system.slice/nginx.service"])?.unit).toBe("nginx.service");
    expect(unitFromCgroup(["12:cpu:/", "1:name=systemd:/system.slice/cron.service"])?.unit).toBe(
      "cron.service",
    );
    expect(
      unitFromCgroup(["0::/user.slice/user-1000.slice/user@1000.service/app.slice/sync.service"]),
    ).toMatchObject({
      unit: "sync.service",
      userUid: 1000,
    });
    expect(unitFromCgroup(["0::/user.slice/user-1000.slice/session-3.scope"])).toBeUndefined();
    expect(unitFromCgroup(["0::/init.scope"])).toBeUndefined();
    expect(unitFromCgroup(["0::/user.slice/user-1000.slice/user@1000.service/init.scope"])).toEqual({
      unit: "user@1000.service",
      path: "/user.slice/user-1000.slice/user@1000.service/init.scope",
    });
  });
});

describe("EnvironmentFile= (env-file.c)", () => {
  it("follows systemd's quoting, escapes, comments and continuations", () => {
    const text =
      '# c\n; c2\nA=plain  \nB=\'single # kept\'\nC="dq \\"q\\" \\$x \\n"\nD=one\\\ntwo\nexport E=1\n  F = spaced\n';
    expect(parseSystemdEnvFile(text).map((a) => [a.key, a.value, a.line, a.valid])).toEqual([
      ["A", "plain", 3, true],
      ["B", "single # kept", 4, true],
      ["C", 'dq "q" $x \\n', 5, true],
      ["D", "onetwo", 6, true],
      ["export E", "1", 8, false],
      ["F", "spaced", 9, true],
    ]);
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const a of parseSystemdEnvFile(s)) expect(a.line).toBeGreaterThanOrEqual(1);
        for (const u of parseUnitFile(s)) expect(u.line).toBeGreaterThanOrEqual(1);
        expect(parseEnvironmentDirective(s, new Map()).invalid).toBeGreaterThanOrEqual(0);
        unitFromCgroup(s.split("\n"));
      }),
    );
  });
});
