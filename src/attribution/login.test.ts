import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loginDefsEnvValue, parseLoginDefs } from "./lib/envfile.js";
import { checkFixtureCase, fixtureCases } from "./lib/fixture-case.js";
import { parsePasswd } from "./lib/passwd.js";

describe("login resolver (fixture trees through the real engine)", () => {
  for (const dir of fixtureCases("login", "login")) {
    it(path.basename(dir), async () => {
      const r = await checkFixtureCase(dir);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.mismatches).toEqual([]);
    });
  }
});

describe("/etc/login.defs", () => {
  it("reads NAME value lines, first definition wins, strips quotes and the PATH= prefix", () => {
    const d = parseLoginDefs('# c\nENV_PATH\tPATH=/usr/bin:/bin\nENV_PATH /second\nMAIL_DIR "/var/mail"\n');
    expect(d.get("ENV_PATH")).toEqual({ value: "PATH=/usr/bin:/bin", line: 2 });
    expect(d.get("MAIL_DIR")?.value).toBe("/var/mail");
    expect(loginDefsEnvValue("PATH", "PATH=/usr/bin:/bin")).toBe("/usr/bin:/bin");
    expect(loginDefsEnvValue("PATH", "/usr/bin")).toBe("/usr/bin");
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 20 }), (s, k) => {
        const v = parseLoginDefs(s).get(k);
        if (v) expect(v.line).toBeGreaterThanOrEqual(1);
        expect(typeof loginDefsEnvValue("PATH", s)).toBe("string");
      }),
    );
  });
});

describe("/etc/passwd", () => {
  it("keeps line numbers and skips malformed entries; an empty shell is /bin/sh (passwd(5))", () => {
    const es = parsePasswd("root:x:0:0:root:/root:/bin/bash\nbroken\nalice:x:1000:1000::/home/alice:\n");
    expect(es.map((e) => [e.name, e.uid, e.home, e.shell, e.line])).toEqual([
      ["root", 0, "/root", "/bin/bash", 1],
      ["alice", 1000, "/home/alice", "/bin/sh", 3],
    ]);
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        for (const e of parsePasswd(s)) expect(Number.isSafeInteger(e.uid)).toBe(true);
      }),
    );
  });
});
