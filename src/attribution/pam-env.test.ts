// biome-ignore-all lint/suspicious/noTemplateCurlyInString: pam_env ${VAR} syntax in test inputs, not templates
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assemblePamLines, parsePamEnvFile } from "./lib/envfile.js";
import { checkFixtureCase, fixtureCases } from "./lib/fixture-case.js";
import { evaluatePamEntry, expandPamValue, parsePamEnvConf } from "./lib/pam-env-conf.js";
import { parsePamServiceText } from "./lib/pam-stack.js";

describe("pam-env resolver (fixture trees through the real engine)", () => {
  for (const dir of fixtureCases("pam-env", "pam-env")) {
    it(path.basename(dir), async () => {
      const r = await checkFixtureCase(dir);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.mismatches).toEqual([]);
    });
  }
});

describe("/etc/environment (pam_env _parse_env_file)", () => {
  it("handles export, quotes, comments and continuations the way pam_env does", () => {
    const text = [
      "# comment",
      'A="quoted"',
      "export B=plain # cut at the hash",
      "C='in\"side'",
      'D="unterminated',
      "E=a:\\",
      "  b",
      "bad-key=1",
      "=nokey",
      "UNSETME",
    ].join("\n");
    const got = parsePamEnvFile(text).map((a) => [a.key, a.value, a.line]);
    expect(got).toEqual([
      ["A", "quoted", 2],
      ["B", "plain ", 3],
      ["C", 'in"side', 4],
      ["D", "unterminated", 5],
      ["E", "a:  b", 6],
      ["UNSETME", null, 10],
    ]);
  });
  it("drops a continuation left open at end of file", () => {
    expect(assemblePamLines("A=1\\")).toEqual([]);
  });
  it("never throws and keeps lines within the file", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const lines = s.split("\n").length;
        for (const a of parsePamEnvFile(s)) {
          expect(a.line).toBeGreaterThanOrEqual(1);
          expect(a.line).toBeLessThanOrEqual(lines);
          expect(a.key).toMatch(/^[A-Za-z0-9_]+$/);
        }
      }),
    );
  });
});

describe("pam_env.conf (pam_env _parse_line/_check_var/_expand_arg)", () => {
  const items = new Map([
    ["HOME", "/home/alice"],
    ["PAM_USER", "alice"],
  ]);
  it("parses DEFAULT/OVERRIDE, quoted empty values and rejects what pam_env rejects", () => {
    const es = parsePamEnvConf(
      [
        "A DEFAULT=x OVERRIDE=y",
        'B DEFAULT=""',
        "C DEFAULT=",
        "  D DEFAULT=indented",
        "E DEFAULT=trailing ",
        'F DEFAULT="a"b',
        "G FOO=1",
      ].join("\n"),
    );
    expect(es.map((e) => [e.key, e.defaultExpr, e.overrideExpr, e.bad !== undefined])).toEqual([
      ["A", "x", "y", false],
      ["B", "", undefined, false],
      ["C", undefined, undefined, false],
      ["", undefined, undefined, true],
      ["E", "trailing", undefined, true],
      ["F", undefined, undefined, true],
      ["G", undefined, undefined, true],
    ]);
  });
  it("expands @{ITEM} and ${VAR}, honours escapes, and chooses OVERRIDE over DEFAULT", () => {
    const pamEnv = new Map([["REMOTEHOST", "gw"]]);
    expect(expandPamValue("@{HOME}/x:${REMOTEHOST}:\\$HOME", { pamEnv, items }).value).toBe(
      "/home/alice/x:gw:$HOME",
    );
    expect(expandPamValue("${UNKNOWN}", { pamEnv, items }).unknown).toBe(true);
    expect(expandPamValue("${NOCLOSE", { pamEnv, items }).abort).toBe(true);
    const [e] = parsePamEnvConf("DISPLAY DEFAULT=${REMOTEHOST}:0.0 OVERRIDE=${DISPLAY}");
    expect(evaluatePamEntry(e!, { pamEnv, items }).value).toBe("gw:0.0");
    const [u] = parsePamEnvConf("C DEFAULT=");
    expect(evaluatePamEntry(u!, { pamEnv, items }).value).toBeNull();
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const e of parsePamEnvConf(s)) {
          const r = evaluatePamEntry(e, { pamEnv: new Map(), items, guess: () => "g" });
          expect(typeof r.abort).toBe("boolean");
        }
      }),
    );
  });
});

describe("/etc/pam.d service files", () => {
  it("reads module lines with arguments, includes and bracketed controls", () => {
    const ls = parsePamServiceText(
      [
        "# comment",
        "@include common-auth",
        "session    required     pam_env.so # [1]",
        "session required pam_env.so user_readenv=1 envfile=/etc/default/locale",
        "-session optional pam_systemd.so",
        "session [success=ok default=1] pam_foo.so",
        "auth include su",
      ].join("\n"),
    );
    expect(ls.map((l) => [l.line, l.type, l.include ?? l.module, Object.fromEntries(l.args)])).toEqual([
      [2, "@include", "common-auth", {}],
      [3, "session", "pam_env.so", {}],
      [4, "session", "pam_env.so", { user_readenv: "1", envfile: "/etc/default/locale" }],
      [5, "session", "pam_systemd.so", {}],
      [6, "session", "pam_foo.so", {}],
      [7, "auth", "su", {}],
    ]);
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const l of parsePamServiceText(s)) expect(l.line).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});
