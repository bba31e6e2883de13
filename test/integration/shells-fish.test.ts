/**
 * The fish resolver against the REAL fish (Debian's fish 3.6; scripts/install-test-deps.sh installs it):
 * a temporary HOME with conf.d snippets, config.fish, a sourced file and fish_variables, plus two vendor
 * directories we control through XDG_DATA_DIRS (a same-named snippet there is shadowed; /etc is left alone).
 * fish runs `sleep 60; true` so a child inherits what the startup files exported, and the real CLI
 * (`envtrace explain --pid … --format json`) explains the sleep.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { killAll, startProcess, waitForDescendant } from "../helpers/processes.js";
import { single } from "../helpers/report.js";

function fishAvailable(): boolean {
  try {
    execFileSync("fish", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
if (!fishAvailable()) throw new Error("fish is not installed: run scripts/install-test-deps.sh");

const root = mkdtempSync(path.join(tmpdir(), "envtrace-fish-"));
const home = path.join(root, "home");
const vd1 = path.join(root, "vendor1");
const vd2 = path.join(root, "vendor2");
const bin2 = path.join(root, "bin2");
const confd = path.join(home, ".config/fish/conf.d");
const userConf = path.join(home, ".config/fish/config.fish");
const fishVars = path.join(home, ".config/fish/fish_variables");
const extra = path.join(home, ".config/fish/extra.fish");
const DEBIAN_SNIPPET = "/usr/share/fish/vendor_conf.d/00debian-profile.fish";

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
/** 1-based line of the first line of `file` containing `needle` (so the test states intent, not numbers). */
function lineOf(file: string, needle: string): number {
  const i = readFileSync(file, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

beforeAll(() => {
  mkdirSync(bin2, { recursive: true });
  write(
    path.join(confd, "10-editor.fish"),
    "# user snippet: wins over the vendor file of the same name\nset -gx EDITOR vim\n",
  );
  write(
    path.join(vd1, "fish/vendor_conf.d/10-editor.fish"),
    "# vendor snippet, shadowed by the user's 10-editor.fish\nset -gx EDITOR nano\nset -gx VENDOR_SHADOWED yes\n",
  );
  write(path.join(vd2, "fish/vendor_conf.d/20-vendor.fish"), "set -gx FROM_VENDOR yes\n");
  // Natural order: 2-first runs before 10-second (a plain string sort would do the opposite).
  write(path.join(confd, "2-first.fish"), "set -gx ORDER_TEST first\n");
  write(path.join(confd, "10-second.fish"), "\nset -gx ORDER_TEST second\n");
  write(
    userConf,
    [
      "# user config.fish",
      "set -gx FROM_CONFIG hello",
      "if status is-login",
      "    set -gx LOGIN_ONLY yes",
      "end",
      "if status --is-interactive",
      "    set -gx INTERACTIVE_ONLY yes",
      "end",
      "set -gx LIST_VAR a b c",
      "set -gx PATH /opt/tool/bin $PATH",
      `fish_add_path --path ${bin2}`,
      "set -gx COMPUTED (echo dynamic)",
      "set -gx UNI_OVERRIDE global-wins",
      "source ~/.config/fish/extra.fish",
      "set -gx TO_ERASE x",
      "set -e TO_ERASE",
      "",
    ].join("\n"),
  );
  write(extra, "# sourced from config.fish\nset -gx FROM_SOURCED 'sourced value'\n");
  // As fish writes it (sorted by name).
  write(
    fishVars,
    [
      "# This file contains fish universal variable definitions.",
      "# VERSION: 3.0",
      "SETUVAR UNI_NOT_EXPORTED:x",
      "SETUVAR --export UNI_OVERRIDE:from\\x2duniversal",
      "SETUVAR --export UNI_VAR:uni\\x20value\\x1esecond",
      "",
    ].join("\n"),
  );
});

afterAll(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

interface Var {
  key: string;
  value: string;
  source: {
    kind: string;
    mechanism?: string;
    file?: string;
    line?: number;
    confidence: string;
    evidence: string[];
  };
  shadowed: Array<{ value: string; source: { file?: string; line?: number; evidence: string[] } }>;
  segments?: Array<{ segment: string; location?: { file: string; line?: number } }>;
}

async function explainFish(
  args: string[],
  extraCli: string[] = [],
  env: Record<string, string> = { HOME: home, XDG_DATA_DIRS: `${vd1}:${vd2}` },
): Promise<Map<string, Var>> {
  const fish = startProcess("fish", [...args, "-c", "sleep 60; true"], {
    env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", ...env },
    cwd: env.HOME ?? home,
  });
  const sleepPid = await waitForDescendant(fish.pid!, "sleep");
  const r = await runCli(["explain", "--pid", String(sleepPid), "--format", "json", ...extraCli]);
  expect(r.code, r.stderr).toBe(0);
  const doc = single(r.stdout) as { variables: Var[] };
  return new Map(doc.variables.map((v) => [v.key, v]));
}

function expectSource(v: Var | undefined, file: string, line: number, confidence = "certain"): void {
  expect(v, "variable present").toBeDefined();
  expect(v!.source).toMatchObject({ kind: "shell", mechanism: "fish", file, line, confidence });
}

describe("fish resolver with the real fish 3.6", () => {
  it("attributes a non-interactive `fish -c` (conf.d order and shadowing, universals, config.fish)", async () => {
    const vars = await explainFish([]);
    // conf.d: the user's 10-editor.fish shadows the vendor file of the same name, which never ran.
    expectSource(vars.get("EDITOR"), path.join(confd, "10-editor.fish"), 2);
    const editorShadow = vars.get("EDITOR")!.shadowed.find((s) => s.source.file?.startsWith(vd1));
    expect(editorShadow?.source).toMatchObject({
      file: path.join(vd1, "fish/vendor_conf.d/10-editor.fish"),
      line: lineOf(path.join(vd1, "fish/vendor_conf.d/10-editor.fish"), "EDITOR"),
    });
    expect(vars.has("VENDOR_SHADOWED")).toBe(false);
    expectSource(vars.get("FROM_VENDOR"), path.join(vd2, "fish/vendor_conf.d/20-vendor.fish"), 1);
    // Natural order: 10-second ran after 2-first.
    expect(vars.get("ORDER_TEST")?.value).toBe("second");
    expectSource(vars.get("ORDER_TEST"), path.join(confd, "10-second.fish"), 2);
    expect(vars.get("ORDER_TEST")!.shadowed.map((s) => s.source.file)).toContain(
      path.join(confd, "2-first.fish"),
    );
    // config.fish, status conditions decided from the mode.
    expectSource(vars.get("FROM_CONFIG"), userConf, lineOf(userConf, "FROM_CONFIG"));
    expect(vars.has("LOGIN_ONLY")).toBe(false);
    expect(vars.has("INTERACTIVE_ONLY")).toBe(false);
    // Lists are joined with spaces; computed values are "likely".
    expect(vars.get("LIST_VAR")?.value).toBe("a b c");
    expectSource(vars.get("LIST_VAR"), userConf, lineOf(userConf, "LIST_VAR"));
    expectSource(vars.get("COMPUTED"), userConf, lineOf(userConf, "COMPUTED"), "likely");
    // Sourced file.
    expectSource(vars.get("FROM_SOURCED"), extra, 2);
    // Universal variables: exported ones reach the child; a later set -gx shadows a universal.
    expect(vars.get("UNI_VAR")?.value).toBe("uni value second");
    expectSource(vars.get("UNI_VAR"), fishVars, lineOf(fishVars, "UNI_VAR"));
    expect(vars.has("UNI_NOT_EXPORTED")).toBe(false);
    expectSource(vars.get("UNI_OVERRIDE"), userConf, lineOf(userConf, "UNI_OVERRIDE"));
    expect(vars.get("UNI_OVERRIDE")!.shadowed.map((s) => [s.source.file, s.source.line])).toContainEqual([
      fishVars,
      lineOf(fishVars, "UNI_OVERRIDE"),
    ]);
    expect(vars.has("TO_ERASE")).toBe(false);
    // PATH: each segment with the line that added it; inherited segments keep no file.
    const p = vars.get("PATH")!;
    expect(p.value).toBe(`${bin2}:/opt/tool/bin:/usr/bin:/bin`);
    expectSource(p, userConf, lineOf(userConf, "fish_add_path"));
    expect(p.segments?.map((s) => [s.segment, s.location?.line])).toEqual([
      [bin2, lineOf(userConf, "fish_add_path")],
      ["/opt/tool/bin", lineOf(userConf, "/opt/tool/bin")],
      ["/usr/bin", undefined],
      ["/bin", undefined],
    ]);
  });

  it("evaluates `status is-login` / `is-interactive` from the actor's argv (fish -l -i)", async () => {
    const vars = await explainFish(["-l", "-i"]);
    expectSource(vars.get("LOGIN_ONLY"), userConf, lineOf(userConf, "LOGIN_ONLY"));
    expectSource(vars.get("INTERACTIVE_ONLY"), userConf, lineOf(userConf, "INTERACTIVE_ONLY"));
    expectSource(vars.get("EDITOR"), path.join(confd, "10-editor.fish"), 2);
    // Debian's vendor snippet appends the /etc/profile PATH entries in login shells, in a branch on
    // `(/usr/bin/id -u)`: decided from the actor's uid, so each appended segment points at its line.
    const p = vars.get("PATH")!;
    expectSource(p, userConf, lineOf(userConf, "fish_add_path"));
    if (existsSync(DEBIAN_SNIPPET)) {
      const lines = readFileSync(DEBIAN_SNIPPET, "utf8").split("\n");
      const branch = lines.findIndex((l, i) =>
        process.getuid?.() === 0 ? l.includes("id -u") : i > 0 && l.trim() === "else",
      );
      const appended = p.segments!.filter((s) => !s.location && !["/usr/bin", "/bin"].includes(s.segment));
      expect(appended).toEqual([]);
      for (const s of p.segments!.filter((x) => x.location?.file === DEBIAN_SNIPPET)) {
        const line =
          lines.findIndex((l, i) => i > branch && l.trim() === `fish_add_path -aP ${s.segment}`) + 1;
        expect(s.location?.line, s.segment).toBe(line);
      }
      expect(p.segments!.some((x) => x.location?.file === DEBIAN_SNIPPET)).toBe(true);
    }
  });

  it("--trace runs fish with fish_trace and confirms the static answers", async () => {
    const vars = await explainFish([], ["--trace"]);
    // Computed statically ("likely"); the traced run gives the observed value in the same file: certain.
    expectSource(vars.get("COMPUTED"), userConf, lineOf(userConf, "COMPUTED"), "certain");
    expect(vars.get("COMPUTED")!.source.evidence.join("\n")).toMatch(/confirmed by --trace/);
    expectSource(vars.get("EDITOR"), path.join(confd, "10-editor.fish"), 2);
    expect(vars.get("EDITOR")!.source.evidence.join("\n")).toMatch(/fish_trace shows the last assignment in/);
  });

  it("fish_add_path's default: a universal fish_user_paths that fish itself wrote to fish_variables", async () => {
    const home2 = path.join(root, "home2");
    const tools = path.join(home2, "tools");
    mkdirSync(tools, { recursive: true });
    write(
      path.join(home2, ".config/fish/config.fish"),
      "# adds once, remembered as a universal\nfish_add_path ~/tools\n",
    );
    // The first run stores fish_user_paths in fish_variables (what happens on a user's first login).
    execFileSync("fish", ["-c", "true"], { env: { HOME: home2, PATH: "/usr/bin:/bin" }, cwd: home2 });
    const vars2 = path.join(home2, ".config/fish/fish_variables");
    expect(readFileSync(vars2, "utf8")).toContain("fish_user_paths");
    const vars = await explainFish([], [], { HOME: home2 });
    const p = vars.get("PATH")!;
    expect(p.value).toBe(`${tools}:/usr/bin:/bin`);
    expectSource(p, vars2, lineOf(vars2, "fish_user_paths"));
    expect(p.segments?.map((s) => [s.segment, s.location?.file, s.location?.line])).toEqual([
      [tools, vars2, lineOf(vars2, "fish_user_paths")],
      ["/usr/bin", undefined, undefined],
      ["/bin", undefined, undefined],
    ]);
  });

  it("detects an interactive fish from its terminal (no -i flag): `script` gives it a pty", async () => {
    // `fish -C CMD` runs CMD after the config files and stays interactive; only the tty says so.
    const script = startProcess("script", ["-qec", "fish -C 'sleep 60'", "/dev/null"], {
      env: {
        HOME: home,
        XDG_DATA_DIRS: `${vd1}:${vd2}`,
        PATH: "/usr/bin:/bin",
        LANG: "C.UTF-8",
        TERM: "dumb",
      },
      cwd: home,
    });
    const sleepPid = await waitForDescendant(script.pid!, "sleep");
    const r = await runCli(["explain", "--pid", String(sleepPid), "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const vars = new Map((single(r.stdout) as { variables: Var[] }).variables.map((v) => [v.key, v]));
    expectSource(vars.get("INTERACTIVE_ONLY"), userConf, lineOf(userConf, "INTERACTIVE_ONLY"));
    expect(vars.has("LOGIN_ONLY")).toBe(false);
    expectSource(vars.get("UNI_VAR"), fishVars, lineOf(fishVars, "UNI_VAR"));
  });
});
