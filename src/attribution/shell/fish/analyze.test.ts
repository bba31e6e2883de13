/**
 * Fixture tests for the fish startup simulation: trees under test/fixtures/shell/fish/<case>/ (home/, etc/,
 * usr/) are mounted as the inspected host's root through HostFs. Expected values were checked against the
 * real fish 3.6 with the same files (see test/integration/shells-fish.test.ts for the live run).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHostFs } from "../../../snapshot/host-fs.js";
import { createResolverContext } from "../../engine.js";
import type { ShellMode } from "../types.js";
import {
  analyzeFishStartup,
  decodeUniversalValue,
  type FishAnalysis,
  fishDirs,
  fishGlobCompare,
  parseFishVariables,
} from "./analyze.js";

const fixtures = new URL("../../../../test/fixtures/shell/fish/", import.meta.url).pathname;

async function analyze(
  fixture: string,
  mode: ShellMode = { login: false, interactive: false },
  extraEnv: Record<string, string> = {},
): Promise<FishAnalysis> {
  const ctx = createResolverContext({ fs: createHostFs(`${fixtures}${fixture}`), issues: [] });
  const env = new Map(Object.entries({ HOME: "/home/u", PATH: "/usr/bin:/bin", ...extraEnv }));
  return analyzeFishStartup({ shell: "fish", mode, env }, ctx);
}

function final(
  a: FishAnalysis,
  key: string,
): { value: string | null; at: string; conditional: boolean } | undefined {
  const f = a.final.get(key);
  if (!f) return undefined;
  return { value: f.value, at: `${f.location.file}:${f.location.line}`, conditional: f.conditional };
}

describe("fish natural sort (wcsfilecmp_glob)", () => {
  it("orders like fish 3.6's glob: numbers by value, case-insensitive, '_' before letters", () => {
    const names = ["B.fish", "a.fish", "_c.fish", "99-z.fish", "10-a.fish", "2-b.fish", "01-x.fish"];
    // The order the real fish printed for these names (checked with fish 3.6.0).
    expect([...names].sort(fishGlobCompare)).toEqual([
      "01-x.fish",
      "2-b.fish",
      "10-a.fish",
      "99-z.fish",
      "_c.fish",
      "a.fish",
      "B.fish",
    ]);
  });
});

describe("conf.d directories", () => {
  it("lists user, system, user vendor, XDG_DATA_DIRS vendor dirs, then the data dir's vendor_conf.d", () => {
    const env = new Map([
      ["HOME", "/h"],
      ["XDG_CONFIG_HOME", "/cfg"],
      ["XDG_DATA_HOME", "/data"],
      ["XDG_DATA_DIRS", "/x/:/y"],
    ]);
    expect(fishDirs(env).confDirs).toEqual([
      "/cfg/fish/conf.d",
      "/etc/fish/conf.d",
      "/data/fish/vendor_conf.d",
      "/x/fish/vendor_conf.d",
      "/y/fish/vendor_conf.d",
      "/usr/share/fish/vendor_conf.d",
    ]);
    expect(fishDirs(new Map([["HOME", "/h"]])).confDirs).toEqual([
      "/h/.config/fish/conf.d",
      "/etc/fish/conf.d",
      "/h/.local/share/fish/vendor_conf.d",
      "/usr/share/fish/vendor_conf.d",
    ]);
  });

  it("runs each directory in natural order, first same-named file only, then the config files", async () => {
    const a = await analyze("confd");
    expect(final(a, "ORDER")?.value).toBe("2-a 10-b _under Z-last etc-config user-config");
    expect(final(a, "ORDER")?.at).toBe("/home/u/.config/fish/config.fish:2");
    expect(a.files).toEqual([
      "/home/u/.config/fish/conf.d/2-a.fish",
      "/home/u/.config/fish/conf.d/10-b.fish",
      "/home/u/.config/fish/conf.d/_under.fish",
      "/home/u/.config/fish/conf.d/Z-last.fish",
      "/etc/fish/conf.d/05-sys.fish",
      "/home/u/.local/share/fish/vendor_conf.d/50-uv.fish",
      "/etc/fish/config.fish",
      "/home/u/.config/fish/config.fish",
    ]);
    // Same name: the user's 10-b.fish shadows /etc's; /etc's 05-sys.fish shadows the vendor one.
    expect(a.shadowedFiles).toEqual([
      { file: "/etc/fish/conf.d/10-b.fish", by: "/home/u/.config/fish/conf.d/10-b.fish" },
      { file: "/etc/fish/conf.d/30-masked.fish", by: "/home/u/.config/fish/conf.d/30-masked.fish" },
      { file: "/usr/share/fish/vendor_conf.d/05-sys.fish", by: "/etc/fish/conf.d/05-sys.fish" },
    ]);
    expect(final(a, "SHADOW_ME")).toEqual({
      value: "user",
      at: "/home/u/.config/fish/conf.d/10-b.fish:3",
      conditional: false,
    });
    expect(final(a, "SYS")?.at).toBe("/etc/fish/conf.d/05-sys.fish:1");
    expect(a.final.has("ETC_SHADOWED_ONLY")).toBe(false);
    // A directory named like a snippet is no readable file, yet it masks the /etc snippet of that name.
    expect(a.final.has("MASKED")).toBe(false);
    expect(a.skippedAssignments.map((s) => `${s.key}@${s.location.file}:${s.location.line}`)).toEqual([
      "SHADOW_ME@/etc/fish/conf.d/10-b.fish:1",
      "ETC_SHADOWED_ONLY@/etc/fish/conf.d/10-b.fish:2",
      "MASKED@/etc/fish/conf.d/30-masked.fish:1",
      "SYS@/usr/share/fish/vendor_conf.d/05-sys.fish:1",
    ]);
    expect(final(a, "USER_VENDOR")?.at).toBe("/home/u/.local/share/fish/vendor_conf.d/50-uv.fish:1");
    expect(a.assignments.every((x) => x.skipped === undefined)).toBe(true);
  });

  it("honours XDG_CONFIG_HOME for the user's directory (the fixture's user files are then not read)", async () => {
    const a = await analyze("confd", undefined, { XDG_CONFIG_HOME: "/nowhere" });
    expect(final(a, "SHADOW_ME")?.at).toBe("/etc/fish/conf.d/10-b.fish:1");
    expect(final(a, "ORDER")?.value).toBe("etc-config");
  });
});

describe("universal variables (fish_variables)", () => {
  it("decodes fish's escapes, lists and the empty-list marker", () => {
    expect(decodeUniversalValue("h\\u00e9\\x20llo\\x5ctx")).toEqual(["hé llo\\tx"]);
    expect(decodeUniversalValue("a\\x1eb\\x1ec\\x20d")).toEqual(["a", "b", "c d"]);
    expect(decodeUniversalValue("\\x1d")).toEqual([]);
    expect(decodeUniversalValue("")).toEqual([""]);
    // fish 3.6 refuses its own raw-byte code points here ("Unable to parse universal variable").
    expect(decodeUniversalValue("\\uf6ffab")).toBeUndefined();
  });

  it("loads exported universals before the config files; a global shadows a universal", async () => {
    const a = await analyze("universal");
    const file = "/home/u/.config/fish/fish_variables";
    expect(final(a, "ESCAPED")).toEqual({ value: "hé llo\\tx", at: `${file}:4`, conditional: false });
    expect(final(a, "EMPTY_LIST")?.value).toBe("");
    expect(final(a, "MY_DIRS")?.value).toBe("/a:/b");
    expect(a.final.has("NOT_EXPORTED")).toBe(false);
    expect(a.final.has("RAW")).toBe(false);
    expect(final(a, "OVERRIDDEN")?.at).toBe("/home/u/.config/fish/config.fish:1");
    expect(a.assignments.filter((x) => x.key === "OVERRIDDEN").map((x) => x.location.line)).toEqual([7, 1]);
    expect(final(a, "NEW_UNIVERSAL")?.at).toBe("/home/u/.config/fish/config.fish:2");
    expect(a.final.get("NEW_UNIVERSAL")?.scope).toBe("universal");
    // `set -e ULIST` erases the universal.
    expect(a.final.has("ULIST")).toBe(false);
    expect(a.assignments.find((x) => x.key === "ULIST" && x.unset)?.location.line).toBe(3);
    expect(a.issues.map((i) => [i.subject, i.code])).toEqual([
      [`${file}:8`, "PARSE"],
      [`${file}:11`, "PARSE"],
    ]);
  });

  it("rebuilds PATH from fish_user_paths; fish_add_path prepends existing dirs to it", async () => {
    const a = await analyze("universal");
    const p = a.final.get("PATH")!;
    expect(p.value).toBe("/opt/b/bin:/opt/a/bin:/usr/bin:/bin");
    expect(p.via).toBe("fish_user_paths");
    expect(p.segments?.map((s) => [s.segment, s.location?.file, s.location?.line])).toEqual([
      ["/opt/b/bin", "/home/u/.config/fish/config.fish", 4],
      ["/opt/a/bin", "/home/u/.config/fish/fish_variables", 10],
      ["/usr/bin", "/home/u/.config/fish/fish_variables", 10],
      ["/bin", undefined, undefined],
    ]);
    const fup = a.assignments.filter((x) => x.key === "fish_user_paths");
    expect(fup.map((x) => [x.location.line, x.scope, x.value])).toEqual([
      [10, "universal", "/opt/a/bin /usr/bin"],
      [4, "universal", "/opt/b/bin /opt/a/bin /usr/bin"],
    ]);
  });

  it("parses every line kind and never throws on junk", () => {
    const r = parseFishVariables(
      "# c\nSET_EXPORT OLD:v\nSET OLD2:w\nSETUVAR --export --path P:/a\\x1e/b\nbad\n",
      "f",
    );
    expect(r.vars.map((v) => [v.name, v.exported, v.path, v.values])).toEqual([
      ["OLD", true, false, ["v"]],
      ["OLD2", false, false, ["w"]],
      ["P", true, true, ["/a", "/b"]],
    ]);
    expect(r.issues.map((i) => i.subject)).toEqual(["f:5"]);
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseFishVariables(s, "f");
        decodeUniversalValue(s);
      }),
    );
  });
});

describe("fish constructs", () => {
  const cfg = "/home/u/.config/fish/config.fish";

  it("evaluates status conditions from the mode and keeps other conditions conditional", async () => {
    const plain = await analyze("constructs", undefined, { SHELL_KIND: "bash" });
    expect(final(plain, "NEITHER")).toEqual({ value: "yes", at: `${cfg}:7`, conditional: false });
    expect(plain.final.has("LOGIN")).toBe(false);
    expect(plain.final.has("INTERACTIVE_NOT_LOGIN")).toBe(false);
    expect(plain.final.has("AND_INTERACTIVE")).toBe(false);
    expect(final(plain, "OR_NOT_INTERACTIVE")?.conditional).toBe(false);
    expect(plain.final.has("NEVER")).toBe(false); // test -d of a missing dir, checked on the fixture root
    expect(final(plain, "MAYBE")).toEqual({ value: "brew", at: `${cfg}:13`, conditional: true });
    const inter = await analyze("constructs", { login: false, interactive: true });
    expect(final(inter, "INTERACTIVE_NOT_LOGIN")?.at).toBe(`${cfg}:5`);
    expect(final(inter, "AND_INTERACTIVE")?.conditional).toBe(false);
    expect(inter.final.has("OR_NOT_INTERACTIVE")).toBe(false);
    const login = await analyze("constructs", { login: true, interactive: true });
    expect(final(login, "LOGIN")?.at).toBe(`${cfg}:3`);
    expect(login.final.has("INTERACTIVE_NOT_LOGIN")).toBe(false);
  });

  it("runs called functions (also autoloaded ones), loops, switch, export/setenv and appends", async () => {
    const a = await analyze("constructs", undefined, { SHELL_KIND: "bash" });
    expect(final(a, "GOPATH")).toEqual({ value: "/home/u/go", at: `${cfg}:18`, conditional: false });
    expect(a.final.has("NEVER_CALLED")).toBe(false);
    expect(final(a, "AUTOLOADED")?.at).toBe("/home/u/.config/fish/functions/autoloaded_fn.fish:2");
    expect(final(a, "KIND")).toEqual({ value: "b", at: `${cfg}:27`, conditional: false });
    expect(final(a, "LAST_ITEM")?.value).toBe("two");
    expect(final(a, "COMPUTED")).toEqual({ value: null, at: `${cfg}:34`, conditional: false });
    expect(final(a, "QUOTED")?.value).toBe("/home/u/x y single $HOME ac bc");
    expect(final(a, "EXPORTED")?.at).toBe(`${cfg}:36`);
    expect(final(a, "SETENV_VAR")?.at).toBe(`${cfg}:37`);
    expect(final(a, "CDPATH")?.value).toBe(".:/home/u");
    expect(final(a, "MY_LIST")?.value).toBe("x:y");
    expect(final(a, "APPENDED")).toEqual({ value: "one two", at: `${cfg}:41`, conditional: false });
    expect(a.final.has("LOCAL_ONLY")).toBe(false);
    expect(a.final.has("NOT_EXPORTED")).toBe(false);
    expect(a.opaque?.map((o) => [o.what, o.location.line])).toEqual([["eval", 49]]);
    // `contains` over known lists is decided (the real fish agrees: only CONTAINS_FALSE is set).
    expect(a.final.has("NOT_CONTAINED")).toBe(false);
    expect(final(a, "CONTAINS_FALSE")).toEqual({ value: "yes", at: `${cfg}:51`, conditional: false });
    const other = await analyze("constructs", undefined, { SHELL_KIND: "zsh" });
    expect(final(other, "KIND")).toEqual({ value: "other", at: `${cfg}:29`, conditional: false });
  });

  it("tracks PATH segments through set -gx/-p/-a and fish_add_path -aP (existing dirs only)", async () => {
    const a = await analyze("constructs");
    const p = a.final.get("PATH")!;
    expect(p.value).toBe("/first:/home/u/bin:/usr/bin:/bin:/last");
    expect(p.location.line).toBe(44);
    expect(p.segments?.map((s) => [s.segment, s.location?.line])).toEqual([
      ["/first", 43],
      ["/home/u/bin", 42],
      ["/usr/bin", undefined],
      ["/bin", undefined],
      ["/last", 44],
    ]);
  });

  it("follows source with a cycle guard, skips files with syntax errors, stops at return", async () => {
    const a = await analyze("constructs");
    expect(final(a, "FROM_A")?.at).toBe("/home/u/.config/fish/a.fish:1");
    expect(final(a, "FROM_B")?.at).toBe("/home/u/.config/fish/b.fish:1");
    expect(a.issues.filter((i) => i.code === "CYCLE").map((i) => i.subject)).toEqual([
      "/home/u/.config/fish/b.fish:2",
    ]);
    // fish refuses to run a file that does not parse: nothing in broken.fish takes effect.
    expect(
      a.issues.some(
        (i) => i.code === "PARSE" && i.subject.startsWith("/home/u/.config/fish/conf.d/broken.fish:"),
      ),
    ).toBe(true);
    expect(a.final.has("BEFORE_ERROR")).toBe(false);
    expect(a.skippedAssignments.map((s) => s.key)).toContain("BEFORE_ERROR");
    expect(final(a, "STOPPED_BEFORE")?.conditional).toBe(false);
    expect(a.final.has("STOPPED_AFTER")).toBe(false);
    const inter = await analyze("constructs", { login: false, interactive: true });
    expect(final(inter, "STOPPED_AFTER")?.conditional).toBe(false);
  });

  it("keeps non-UTF-8 bytes and reports them", async () => {
    const a = await analyze("constructs");
    expect(final(a, "LATIN1")?.value).toBe("caf\\xe9");
    expect(final(a, "UTF8")?.value).toBe("café");
    expect(a.issues.map((i) => [i.subject, i.code])).toContainEqual([
      "/home/u/.config/fish/conf.d/latin1.fish",
      "ENCODING",
    ]);
  });

  it("reads nothing with --no-config, and reports a missing HOME", async () => {
    const a = await analyze("constructs", { login: true, interactive: true, noRc: true });
    expect(a.files).toEqual([]);
    expect(a.final.size).toBe(0);
    const ctx = createResolverContext({ fs: createHostFs(`${fixtures}constructs`), issues: [] });
    const noHome = await analyzeFishStartup(
      { shell: "fish", mode: { login: false, interactive: false }, env: new Map() },
      ctx,
    );
    expect(noHome.issues.map((i) => i.code)).toContain("UNAVAILABLE");
  });
});

describe("analyzer properties", () => {
  it("never throws on arbitrary startup files and fish_variables", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const root = mkdtempSync(`${tmpdir()}/envtrace-fish-prop-`);
    mkdirSync(`${root}/home/u/.config/fish/conf.d`, { recursive: true });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 400 }),
          fc.string({ maxLength: 200 }),
          async (bytes, text) => {
            writeFileSync(`${root}/home/u/.config/fish/config.fish`, bytes);
            writeFileSync(`${root}/home/u/.config/fish/conf.d/x.fish`, text);
            writeFileSync(`${root}/home/u/.config/fish/fish_variables`, text);
            const ctx = createResolverContext({ fs: createHostFs(root), issues: [] });
            const env = new Map([["HOME", "/home/u"]]);
            const a = await analyzeFishStartup(
              { shell: "fish", mode: { login: true, interactive: true }, env },
              ctx,
            );
            expect(a.shell).toBe("fish");
            expect(a.issues.every((i) => i.code !== "EIO")).toBe(true);
          },
        ),
        { numRuns: 150 },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
