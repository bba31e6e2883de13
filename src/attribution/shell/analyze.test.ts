/**
 * The static analyser over fixture trees (test/fixtures/shell/<shell>/<case>/ is the HostFs root; HOME is
 * /home/u), plus generated inputs (huge files, arbitrary bytes) and fast-check properties.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { CollectionIssue } from "../../model/index.js";
import { createHostFs, MAX_TEXT_FILE_BYTES } from "../../snapshot/host-fs.js";
import { createResolverContext } from "../engine.js";
import { analyzeStartup, analyzeStartupUncached, globToRegExp, pathSegments } from "./analyze.js";
import type { ShellAnalysis, ShellId, ShellMode } from "./types.js";

const FIX = new URL("../../../test/fixtures/shell/", import.meta.url).pathname;

async function analyze(
  root: string,
  shell: ShellId,
  mode: ShellMode,
  env: Record<string, string> = {},
  uid?: number,
): Promise<ShellAnalysis> {
  const issues: CollectionIssue[] = [];
  const ctx = createResolverContext({ fs: createHostFs(root), issues });
  return analyzeStartupUncached(
    {
      shell,
      mode,
      env: new Map(Object.entries({ HOME: "/home/u", PATH: "/usr/bin:/bin", ...env })),
      ...(uid !== undefined ? { uid } : {}),
    },
    ctx,
  );
}

function last(a: ShellAnalysis, key: string) {
  const xs = a.assignments.filter((x) => x.key === key);
  return xs[xs.length - 1];
}
const at = (a: { location: { file: string; line?: number } } | undefined) =>
  a ? `${a.location.file}:${a.location.line}` : undefined;

const tmp = mkdtempSync(join(tmpdir(), "envtrace-analyze-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("bash login (Debian-style /etc/profile with profile.d loop)", async () => {
  const a = await analyze(`${FIX}bash/login`, "bash", { login: true, interactive: true }, {}, 1000);

  it("reads /etc/profile, profile.d/*.sh in order, the first readable personal file, and what it sources", () => {
    expect(a.files).toEqual([
      "/etc/profile",
      "/etc/profile.d/10-lang.sh",
      "/etc/profile.d/20-tools.sh",
      "/home/u/.bash_profile",
      "/home/u/.bashrc",
    ]);
    expect(a.final.has("NOT_READ")).toBe(false);
    expect(a.final.has("NOT_SOURCED")).toBe(false);
  });

  it("decides `$(id -u)` by the uid and `[ -r $i ]` / `[ -f ~/.bashrc ]` on the file system", () => {
    expect(last(a, "LANG")).toMatchObject({ value: "C.UTF-8", conditional: false });
    expect(at(a.final.get("FROM_BASHRC"))).toBe("/home/u/.bashrc:2");
    expect(a.final.get("FROM_BASHRC")!.conditional).toBe(false);
    const profilePath = a.assignments.filter((x) => x.key === "PATH" && x.location.file === "/etc/profile");
    expect(profilePath.map((x) => x.location.line)).toEqual([5]); // uid 1000: the else branch only
  });

  it("records overrides, export of an earlier assignment, conditionals, functions and computed values", () => {
    expect(a.assignments.filter((x) => x.key === "EDITOR").map((x) => [at(x), x.value, x.via])).toEqual([
      ["/etc/profile:9", "nano", "assign+export"],
      ["/home/u/.bash_profile:2", "vim", "export"],
    ]);
    expect(last(a, "GOFLAGS")).toMatchObject({ conditional: true, value: "-mod=mod" });
    expect(last(a, "HTTP_PROXY")).toMatchObject({ conditional: false, location: { line: 9 } });
    expect(a.assignments.some((x) => x.key === "NEVER")).toBe(false);
    expect(last(a, "BUILD_ID")).toMatchObject({ value: null, exported: true });
    expect(last(a, "GREETING")!.value).toBe("hello nobody");
    expect(last(a, "DEFAULTED")).toMatchObject({ value: "fallback", via: "assign+export" });
  });

  it("gives every PATH segment the file:line that added it", () => {
    const p = a.final.get("PATH")!;
    expect(at(p)).toBe("/home/u/.bashrc:3");
    expect(
      p.segments!.map((s) => [s.segment, s.location ? `${s.location.file}:${s.location.line}` : "-"]),
    ).toEqual([
      ["/home/u/.local/bin", "/home/u/.bashrc:3"],
      ["/home/u/bin", "/home/u/.bash_profile:3"],
      ["/usr/local/bin", "/etc/profile:5"],
      ["/usr/bin", "/etc/profile:5"],
      ["/bin", "/etc/profile:5"],
      ["/opt/tools/bin", "/etc/profile.d/20-tools.sh:2"],
    ]);
  });

  it("keeps segments inherited from the starting environment without a location", () => {
    const segs = pathSegments([{ segment: "/a" }], "/b:/a", { file: "/f", line: 3 });
    expect(segs).toEqual([{ segment: "/b", location: { file: "/f", line: 3 } }, { segment: "/a" }]);
  });
});

describe("bash modes and edge cases", () => {
  it("interactive non-login: /etc/bash.bashrc (PS1 set, so no early return) and ~/.bashrc; case decided", async () => {
    const a = await analyze(
      `${FIX}bash/nonlogin`,
      "bash",
      { login: false, interactive: true },
      { TERM: "xterm-256color" },
    );
    expect(a.files).toEqual(["/etc/bash.bashrc", "/home/u/.bashrc"]);
    expect(last(a, "SYSTEM_RC")).toMatchObject({ conditional: false });
    expect(last(a, "COLOR_TERM")).toMatchObject({ value: "yes", conditional: false });
    expect(a.assignments.filter((x) => x.key === "COLOR_TERM")).toHaveLength(1);
    expect(last(a, "MAYBE")).toMatchObject({ conditional: true });
  });

  it('a non-interactive shell stops at `[ -z "$PS1" ] && return`', async () => {
    const a = await analyze(
      `${FIX}bash/nonlogin`,
      "bash",
      { login: false, interactive: false },
      {
        BASH_ENV: "/etc/bash.bashrc",
      },
    );
    expect(a.files).toEqual(["/etc/bash.bashrc"]);
    expect(a.final.has("SYSTEM_RC")).toBe(false);
  });

  it("BASH_ENV, with a relative `. ./more.sh` resolved against HOME", async () => {
    const a = await analyze(
      `${FIX}bash/bashenv`,
      "bash",
      { login: false, interactive: false },
      {
        BASH_ENV: "$HOME/env.sh",
      },
    );
    expect(at(a.final.get("FROM_BASH_ENV"))).toBe("/home/u/env.sh:1");
    expect(at(a.final.get("FROM_MORE"))).toBe("/home/u/more.sh:1");
  });

  it("first readable: ~/.bash_login when there is no ~/.bash_profile", async () => {
    const a = await analyze(`${FIX}bash/firstreadable`, "bash", { login: true, interactive: false });
    expect(a.final.get("WHICH")!.value).toBe("bash_login");
    expect(a.files).toEqual(["/home/u/.bash_login"]);
  });

  it("invoked as sh: ~/.profile and $ENV, never ~/.bash_profile", async () => {
    const a = await analyze(
      `${FIX}bash/posix`,
      "bash",
      { login: true, interactive: true, invokedAsSh: true },
      {
        ENV: "/home/u/.envrc",
      },
    );
    expect([...a.final.keys()].sort()).toEqual(["FROM_ENV_FILE", "FROM_PROFILE"]);
  });

  it("set -a, local, declare -gx, export -n, unset", async () => {
    const a = await analyze(`${FIX}bash/allexport`, "bash", { login: false, interactive: true });
    expect([...a.final.keys()].sort()).toEqual(["DB_HOST", "DB_PORT", "GLOBAL_X", "LATER"]);
    expect(last(a, "DB_HOST")).toMatchObject({ exported: true, location: { file: "/home/u/.env", line: 1 } });
    expect(last(a, "NOT_EXPORTED")!.exported).toBe(false);
    expect(last(a, "UNSET_ME")!.unset).toBe(true);
    expect(a.assignments.some((x) => x.key === "LOCAL_ONLY" || x.key === "TYPESET_LOCAL")).toBe(false);
  });

  it("after the startup files: the -c command string, or the script", async () => {
    const a = await analyze(
      `${FIX}bash/bashenv`,
      "bash",
      {
        login: false,
        interactive: false,
        command: true,
        commandString: "export IN_C=1\n. ./more.sh",
      },
      { BASH_ENV: "/home/u/env.sh" },
    );
    expect(a.files).toEqual(["/home/u/env.sh", "/home/u/more.sh", "(bash -c)"]);
    expect(at(a.final.get("IN_C"))).toBe("(bash -c):1");
    const s = await analyze(`${FIX}bash/bashenv`, "bash", {
      login: false,
      interactive: false,
      script: "/home/u/more.sh",
    });
    expect(at(s.final.get("FROM_MORE"))).toBe("/home/u/more.sh:1");
  });

  it("quoted assignment words and `export K` before `K=…`", async () => {
    const a = await analyze(`${FIX}bash/quoted`, "bash", { login: false, interactive: true });
    expect(a.final.get("QUOTED")).toMatchObject({
      value: "/home/u/q",
      exported: true,
      location: { line: 1 },
    });
    expect(a.final.get("PLAIN")).toMatchObject({ value: "1", exported: true, location: { line: 2 } });
    expect(a.final.get("SINGLE")!.value).toBe("$HOME");
  });

  it("an unconditional exit ends the startup: no later statement or file runs", async () => {
    const a = await analyze(`${FIX}bash/exit`, "bash", { login: false, interactive: true });
    expect([...a.final.keys()]).toEqual(["BEFORE_EXIT"]);
  });

  it("a source cycle gives a CYCLE issue and the files are read once", async () => {
    const a = await analyze(`${FIX}bash/cycle`, "bash", { login: false, interactive: true });
    expect(a.issues.map((i) => [i.code, i.subject])).toContainEqual(["CYCLE", "/home/u/.bash_aliases:2"]);
    expect([...a.final.keys()].sort()).toEqual(["AFTER", "BEFORE", "IN_ALIASES"]);
  });

  it("a syntax error gives a PARSE issue with file:line and the rest is still analysed", async () => {
    const a = await analyze(`${FIX}bash/malformed`, "bash", { login: false, interactive: true });
    expect(a.issues.some((i) => i.code === "PARSE" && i.subject.startsWith("/home/u/.bashrc:"))).toBe(true);
    expect(a.final.has("GOOD1")).toBe(true);
    expect(a.final.has("GOOD2")).toBe(true);
  });

  it("non-UTF-8 bytes give an ENCODING issue, not a crash", async () => {
    const a = await analyze(`${FIX}bash/nonutf8`, "bash", { login: false, interactive: true });
    expect(a.issues.map((i) => i.code)).toContain("ENCODING");
    expect(a.final.has("AFTER_BAD_BYTES")).toBe(true);
  });

  it("a file over the size limit gives TOO_LARGE", async () => {
    const root = join(tmp, "huge");
    mkdirSync(join(root, "home/u"), { recursive: true });
    writeFileSync(join(root, "home/u/.bashrc"), Buffer.alloc(MAX_TEXT_FILE_BYTES + 1, 0x23));
    const a = await analyze(root, "bash", { login: false, interactive: true });
    expect(a.issues.map((i) => [i.code, i.subject])).toContainEqual(["TOO_LARGE", "/home/u/.bashrc"]);
  });

  it("eval and sourcing a computed path are recorded as opaque sites", async () => {
    const root = join(tmp, "opaque");
    mkdirSync(join(root, "home/u"), { recursive: true });
    writeFileSync(
      join(root, "home/u/.bashrc"),
      'eval "$(pyenv init -)"\n. "$(brew --prefix)/etc/x.sh"\nwhile read -r l; do export "$l"; done < ~/.env\n',
    );
    const a = await analyze(root, "bash", { login: false, interactive: true });
    expect(a.opaque?.map((o) => [o.what, o.location.line])).toEqual([
      ["eval", 1],
      ["source-computed", 2],
      ["export-computed", 3],
    ]);
  });
});

describe("zsh, dash, ash", () => {
  it("zsh: a ZDOTDIR set in ~/.zshenv moves the later files; typeset -x; path=(…) is PATH", async () => {
    const a = await analyze(`${FIX}zsh/zdotdir`, "zsh", { login: true, interactive: true });
    expect(a.files).toEqual([
      "/etc/zsh/zshenv",
      "/home/u/.zshenv",
      "/home/u/.config/zsh/.zprofile",
      "/home/u/.config/zsh/.zshrc",
      "/home/u/.config/zsh/.zlogin",
    ]);
    expect(at(a.final.get("ZPROFILE_VAR"))).toBe("/home/u/.config/zsh/.zshrc:3");
    expect(at(a.final.get("GX"))).toBe("/home/u/.config/zsh/.zshrc:2");
    const p = a.final.get("PATH")!;
    expect(p.value).toBe("/home/u/bin:/usr/bin:/bin:/opt/z/bin");
    expect(p.segments![0]).toEqual({
      segment: "/home/u/bin",
      location: { file: "/home/u/.config/zsh/.zprofile", line: 2 },
    });
    expect(last(a, "GLOBAL_ZSHENV")).toMatchObject({ conditional: false });
  });

  it("zsh: `emulate sh -c '. ~/.profile'` and `eval 'literal'` are followed; a computed eval is opaque", async () => {
    const a = await analyze(`${FIX}zsh/emulate`, "zsh", { login: true, interactive: false });
    expect(at(a.final.get("VIA_EMULATE"))).toBe("/home/u/.profile:1");
    expect(a.final.get("EVALED")).toMatchObject({
      value: "1",
      location: { file: "/home/u/.zprofile", line: 2 },
    });
    expect(a.opaque?.map((o) => [o.what, o.location.line])).toEqual([["eval", 3]]);
  });

  it("zsh: upstream layout /etc/zshenv; non-interactive non-login reads only the zshenv pair", async () => {
    const a = await analyze(`${FIX}zsh/upstream`, "zsh", { login: false, interactive: false });
    expect(a.files).toEqual(["/etc/zshenv", "/home/u/.zshenv"]);
    const z = await analyze(
      `${FIX}zsh/upstream`,
      "zsh",
      { login: false, interactive: false },
      {
        ZDOTDIR: "/nowhere",
      },
    );
    expect(z.files).toEqual(["/etc/zshenv"]);
  });

  it("dash: ENV set in .profile is read by an interactive login shell", async () => {
    const a = await analyze(`${FIX}dash/login`, "dash", { login: true, interactive: true });
    expect(a.files).toEqual(["/etc/profile", "/home/u/.profile", "/home/u/.shrc"]);
    expect(at(a.final.get("SHRC_VAR"))).toBe("/home/u/.shrc:1");
    const nonInteractive = await analyze(`${FIX}dash/login`, "dash", { login: true, interactive: false });
    expect(nonInteractive.files).not.toContain("/home/u/.shrc");
  });

  it("ash: ~/.profile only when HOME is set; ENV when interactive", async () => {
    const a = await analyze(
      `${FIX}ash/login`,
      "ash",
      { login: true, interactive: true },
      { ENV: "/home/u/ashrc" },
    );
    expect(a.files).toEqual(["/etc/profile", "/home/u/.profile", "/home/u/ashrc"]);
    expect(at(a.final.get("PAGER"))).toBe("/etc/profile:2");
  });
});

describe("memo and robustness", () => {
  it("memoises per (shell, mode, HOME, …) through ctx.memo", async () => {
    const ctx = createResolverContext({ fs: createHostFs(`${FIX}dash/login`), issues: [] });
    const req = {
      shell: "dash" as const,
      mode: { login: true, interactive: true },
      env: new Map([["HOME", "/home/u"]]),
    };
    const a = await analyzeStartup(req, ctx);
    const b = await analyzeStartup({ ...req, env: new Map(req.env) }, ctx);
    expect(b).toBe(a);
  });

  it("globs match like the shell's", () => {
    expect(globToRegExp("*.sh").test("10-a.sh")).toBe(true);
    expect(globToRegExp("xterm*|foo").test("xterm-256")).toBe(false);
    expect(globToRegExp("[!a]?").test("bc")).toBe(true);
    expect(globToRegExp("[").test("[")).toBe(true);
  });

  it("never throws on arbitrary text or bytes (property)", async () => {
    const root = join(tmp, "prop");
    mkdirSync(join(root, "home/u"), { recursive: true });
    const shellish = fc.array(
      fc.constantFrom(
        "export ",
        "A=",
        "$A",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax under test
        "${A:-x}",
        "${A:=",
        "$(",
        ")",
        "`",
        '"',
        "'",
        "\n",
        "; ",
        "if [ -r ~/x ]; then ",
        "fi",
        "for i in /home/u/*; do . $i; done",
        ". ~/.bashrc",
        "f() { ",
        "}",
        "case $A in ",
        "esac",
        "&& ",
        "|| ",
        "path=(",
        "declare -x ",
        "unset A",
        "\\",
        "~",
        "eval ",
      ),
      { maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          shellish.map((xs) => xs.join("")),
          fc.uint8Array({ maxLength: 300 }),
        ),
        async (content) => {
          writeFileSync(join(root, "home/u/.bashrc"), content);
          const a = await analyze(root, "bash", { login: false, interactive: true });
          expect(Array.isArray(a.assignments)).toBe(true);
          for (const x of a.assignments) expect(typeof x.location.file).toBe("string");
        },
      ),
      { numRuns: 150 },
    );
  });
});
