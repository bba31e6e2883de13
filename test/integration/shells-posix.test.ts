/**
 * The POSIX-family shell resolvers against the REAL shells (bash, zsh, dash, busybox sh): each scenario
 * builds a HOME whose startup files we control, starts the shell in a mode so that a child `sleep`
 * inherits what the startup files exported (`sleep 60 & wait`: bash would exec a last simple command),
 * then runs the real pipeline (ExplainSession, the JSON reporter's shape) and asserts kind, mechanism, file and
 * line. This machine's /etc/profile, /etc/bash.bashrc and /etc/zsh/* are real inputs too; the assertions
 * only name variables our HOME files set, plus PATH segments we add.
 * Needs: bash zsh dash busybox (scripts/install-test-deps.sh installs them).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExplainSession } from "../../src/explain.js";
import { resultJson } from "../../src/report/json.js";
import { runCli } from "../helpers/cli.js";
import { killAll, startProcess, waitForDescendant } from "../helpers/processes.js";
import { single } from "../helpers/report.js";

function have(prog: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${prog}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
for (const p of ["bash", "zsh", "dash", "busybox"]) {
  if (!have(p)) throw new Error(`${p} is missing: run scripts/install-test-deps.sh`);
}

const base = mkdtempSync(join(tmpdir(), "envtrace-shells-"));
const BASE_PATH = "/usr/bin:/bin";
const KEEP = "sleep 600 & wait";

function home(name: string, files: Record<string, string>): string {
  const h = join(base, name);
  for (const [rel, text] of Object.entries(files)) {
    const p = join(h, rel);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, text);
  }
  mkdirSync(h, { recursive: true });
  return h;
}

interface Source {
  kind: string;
  actor?: { pid: number; comm: string };
  candidates?: Array<{ file: string; line?: number }>;
  mechanism?: string;
  file?: string;
  line?: number;
  confidence: string;
  evidence: string[];
}
interface Variable {
  key: string;
  value: string;
  masked: boolean;
  source: Source;
  shadowed: Array<{ value: string; source: Source }>;
  segments?: Array<{ segment: string; location?: { file: string; line?: number } }>;
}

async function start(
  prog: string,
  args: string[],
  env: Record<string, string>,
  argv0?: string,
): Promise<Map<string, Variable>> {
  const child = startProcess(prog, args, {
    env: { PATH: BASE_PATH, TERM: "dumb", ...env },
    cwd: env.HOME ?? "/",
    ...(argv0 ? { argv0 } : {}),
  });
  const sleepPid = await waitForDescendant(child.pid!, "sleep");
  const doc = await explainJson(sleepPid);
  return new Map(doc.variables.map((v) => [v.key, v]));
}

/** `envtrace explain --pid PID --format json`, through the library (same pipeline, same JSON). */
async function explainJson(
  pid: number,
  trace = false,
): Promise<{ variables: Variable[]; issues: unknown[] }> {
  const result = await new ExplainSession({ trace }).explain(pid);
  return JSON.parse(JSON.stringify(resultJson(result)));
}

function expectAt(
  v: Variable | undefined,
  mechanism: string,
  file: string,
  line: number,
  confidence: string,
) {
  expect(v, "variable present").toBeDefined();
  expect(v!.source).toMatchObject({ kind: "shell", mechanism, file, line, confidence });
}

afterAll(() => {
  killAll();
  rmSync(base, { recursive: true, force: true });
});

describe("bash", () => {
  let vars: Map<string, Variable>;
  let h: string;
  beforeAll(async () => {
    h = home("bash-login", {
      ".bash_profile": [
        "export EDITOR=nano", // 1 (shadowed by .bash_common:1)
        '. "$HOME/.bash_common"', // 2
        'if [ "$(echo yes)" = yes ]; then', // 3
        "  export COND_VAR=yes", // 4
        "fi", // 5
        "export COMPUTED=$(echo computed-value)", // 6
        'export PATH="$HOME/bin:$PATH"', // 7
        "setp() { export FROM_FUNC=1; }", // 8
        "setp", // 9
        "export DB_PASSWORD=hunter2-s3cret", // 10
        "",
      ].join("\n"),
      ".bash_common": "export EDITOR=vim\nexport FROM_SOURCED=1\n",
      ".bash_login": "export NOT_READ=bash_login\n",
      ".profile": "export NOT_READ=profile\n",
      ".bashrc": "export RC_VAR=1\n",
      "env.sh": "export FROM_BASH_ENV=1\n",
    });
    // argv[0] `-bash` makes it a login shell; `-i` interactive.
    vars = await start("bash", ["-i", "-c", KEEP], { HOME: h }, "-bash");
  });

  it("attributes sourced files, overrides, conditionals, computed values and functions (login via -bash)", () => {
    expectAt(vars.get("EDITOR"), "bash", `${h}/.bash_common`, 1, "certain");
    expect(vars.get("EDITOR")!.shadowed.map((s) => [s.source.file, s.source.line])).toContainEqual([
      `${h}/.bash_profile`,
      1,
    ]);
    expectAt(vars.get("FROM_SOURCED"), "bash", `${h}/.bash_common`, 2, "certain");
    expectAt(vars.get("COND_VAR"), "bash", `${h}/.bash_profile`, 4, "likely");
    expectAt(vars.get("COMPUTED"), "bash", `${h}/.bash_profile`, 6, "likely");
    expect(vars.get("COMPUTED")!.source.evidence.join(" ")).toMatch(/computed at/);
    // The function is called unconditionally, so its export is as certain as any other statement.
    expectAt(vars.get("FROM_FUNC"), "bash", `${h}/.bash_profile`, 8, "certain");
    // first readable: .bash_profile exists, so neither .bash_login nor .profile ran; login: no .bashrc.
    expect(vars.has("NOT_READ")).toBe(false);
    expect(vars.has("RC_VAR")).toBe(false);
  });

  it("says when: the shell's start (primary) and the startup file's mtime, each labelled", () => {
    const src = vars.get("FROM_SOURCED")!.source as unknown as {
      time: { what: string };
      times: Array<{ at: string; what: string }>;
    };
    expect(src.time.what).toBe("process-start");
    expect(src.times.map((t) => t.what)).toEqual(["process-start", "file-mtime"]);
    const mtime = statSync(`${h}/.bash_common`).mtime.toISOString();
    expect(src.times[1]!.at).toBe(mtime);
  });

  it("gives PATH one file:line per segment and masks secrets", () => {
    const p = vars.get("PATH")!;
    expectAt(p, "bash", `${h}/.bash_profile`, 7, "certain");
    expect(p.segments?.[0]).toMatchObject({
      segment: `${h}/bin`,
      location: { file: `${h}/.bash_profile`, line: 7 },
    });
    const pw = vars.get("DB_PASSWORD")!;
    expect(pw.masked).toBe(true);
    expectAt(pw, "bash", `${h}/.bash_profile`, 10, "certain");
    expect(JSON.stringify([...vars.values()])).not.toContain("hunter2-s3cret");
  });

  it("reads ~/.bashrc for an interactive non-login shell", async () => {
    const v = await start("bash", ["-i", "-c", KEEP], { HOME: h });
    expectAt(v.get("RC_VAR"), "bash", `${h}/.bashrc`, 1, "certain");
    expect(v.has("EDITOR")).toBe(false);
  });

  it("reads $BASH_ENV for a non-interactive shell", async () => {
    const v = await start("bash", ["-c", KEEP], { HOME: h, BASH_ENV: `${h}/env.sh` });
    expectAt(v.get("FROM_BASH_ENV"), "bash", `${h}/env.sh`, 1, "certain");
    expect(v.has("RC_VAR")).toBe(false);
  });
});

describe("what the shell runs itself: a -c command string and a script", () => {
  it("attributes exports of a `-c` string and of a script (relative to the shell's cwd) to their lines", async () => {
    const h = home("run", { "run.sh": "# wrapper\nexport FROM_SCRIPT=1\nsleep 60 & wait\n" });
    const c = await start("bash", ["-c", `export FROM_C=1\n${KEEP}`], { HOME: h });
    expectAt(c.get("FROM_C"), "bash", "(bash -c)", 1, "certain");
    const d = await start("dash", ["-c", `A=1; export A; ${KEEP}`], { HOME: h });
    expectAt(d.get("A"), "dash", "(dash -c)", 1, "certain");
    const sc = await start("bash", ["run.sh"], { HOME: h });
    expectAt(sc.get("FROM_SCRIPT"), "bash", `${h}/run.sh`, 2, "certain");
  });
});

describe("bash invoked as sh, and /bin/sh", () => {
  it("bash run under the name sh reads ~/.profile (login) and $ENV (interactive), not ~/.bash_profile", async () => {
    const h = home("bash-as-sh", {
      ".profile": "export SH_PROFILE=1\n",
      ".bash_profile": "export NOT_READ=1\n",
      shenv: "export SH_ENV_FILE=1\n",
    });
    const v = await start("bash", ["-l", "-i", "-c", KEEP], { HOME: h, ENV: `${h}/shenv` }, "sh");
    expectAt(v.get("SH_PROFILE"), "bash", `${h}/.profile`, 1, "certain");
    expectAt(v.get("SH_ENV_FILE"), "bash", `${h}/shenv`, 1, "certain");
    expect(v.has("NOT_READ")).toBe(false);
  });

  it("/bin/sh is told apart by its real binary (dash on Debian)", async () => {
    const h = home("binsh", { ".profile": "export BINSH_PROFILE=1\n" });
    const v = await start("/bin/sh", ["-l", "-c", KEEP], { HOME: h });
    const real = execFileSync("readlink", ["-f", "/bin/sh"]).toString().trim().split("/").pop();
    const mechanism = real === "bash" ? "bash" : real === "busybox" ? "ash" : "dash";
    expectAt(v.get("BINSH_PROFILE"), mechanism, `${h}/.profile`, 1, "certain");
  });
});

describe("zsh", () => {
  it("follows ZDOTDIR: .zshenv always, .zprofile for login, not .zshrc when non-interactive", async () => {
    const h = home("zsh", {
      "zdot/.zshenv": "export ZENV_VAR=1\n",
      "zdot/.zprofile":
        "export ZPROFILE_VAR=1\npath=($HOME/zbin $path)\nexport ZENV_VAR=2\nemulate sh -c '. $HOME/.profile'\n",
      ".profile": "export VIA_EMULATE=1\n",
      "zdot/.zshrc": "export ZSHRC_VAR=1\n",
      ".zshenv": "export HOME_ZSHENV=1\n",
    });
    const v = await start("zsh", ["-l", "-c", KEEP], { HOME: h, ZDOTDIR: `${h}/zdot` });
    expectAt(v.get("ZPROFILE_VAR"), "zsh", `${h}/zdot/.zprofile`, 1, "certain");
    expectAt(v.get("ZENV_VAR"), "zsh", `${h}/zdot/.zprofile`, 3, "certain");
    expect(v.get("ZENV_VAR")!.shadowed.map((s) => [s.source.file, s.source.line])).toContainEqual([
      `${h}/zdot/.zshenv`,
      1,
    ]);
    expectAt(v.get("PATH"), "zsh", `${h}/zdot/.zprofile`, 2, "certain");
    expect(v.get("PATH")!.segments?.[0]).toMatchObject({ segment: `${h}/zbin` });
    expectAt(v.get("VIA_EMULATE"), "zsh", `${h}/.profile`, 1, "certain");
    expect(v.has("ZSHRC_VAR")).toBe(false);
    expect(v.has("HOME_ZSHENV")).toBe(false);
  });
});

describe("dash", () => {
  it("login: /etc/profile and ~/.profile, then $ENV set by .profile when interactive", async () => {
    const h = home("dash", {
      ".profile": 'export PROFILE_VAR=1\nENV="$HOME/.shrc"\nexport ENV\n',
      ".shrc": "export SHRC_VAR=1\n",
    });
    const v = await start("dash", ["-l", "-i", "-c", KEEP], { HOME: h });
    expectAt(v.get("PROFILE_VAR"), "dash", `${h}/.profile`, 1, "certain");
    expectAt(v.get("ENV"), "dash", `${h}/.profile`, 2, "certain");
    expectAt(v.get("SHRC_VAR"), "dash", `${h}/.shrc`, 1, "certain");
    // PATH comes from this machine's /etc/profile (decided by the actor's uid).
    expect(v.get("PATH")!.source).toMatchObject({ kind: "shell", mechanism: "dash", file: "/etc/profile" });
  });

  it("interactive non-login: $ENV from the environment", async () => {
    const h = home("dash-env", { "envfile.sh": "export FROM_ENV_FILE=1\n" });
    const v = await start("dash", ["-i", "-c", KEEP], { HOME: h, ENV: `${h}/envfile.sh` });
    expectAt(v.get("FROM_ENV_FILE"), "dash", `${h}/envfile.sh`, 1, "certain");
  });
});

describe("busybox ash", () => {
  it("login reads $HOME/.profile; interactive reads $ENV", async () => {
    const h = home("ash", {
      ".profile": "export ASH_PROFILE=1\n",
      ashrc: "export ASH_ENV_VAR=1\n",
    });
    const v = await start("busybox", ["sh", "-l", "-i", "-c", KEEP], { HOME: h, ENV: `${h}/ashrc` });
    expectAt(v.get("ASH_PROFILE"), "ash", `${h}/.profile`, 1, "certain");
    expectAt(v.get("ASH_ENV_VAR"), "ash", `${h}/ashrc`, 1, "certain");
  });
});

describe("exec chain", () => {
  it("a login shell that execs the program: no live actor remains, static search answers likely", async () => {
    const h = home("chain-login", { ".bash_profile": "export CHAIN_VAR=from-profile\nexport OTHER=x\n" });
    // bash reads ~/.bash_profile, then replaces itself with sleep: sleep's parent is this test's node.
    const child = startProcess("bash", ["-l", "-c", "exec sleep 60"], {
      env: { PATH: BASE_PATH, HOME: h, SHELL: "/bin/bash" },
    });
    const pid = await waitForDescendant(child.pid!, "sleep");
    const doc = await explainJson(pid);
    const v = doc.variables.find((x) => x.key === "CHAIN_VAR");
    expect(v?.source).toMatchObject({
      kind: "shell",
      mechanism: "bash",
      file: `${h}/.bash_profile`,
      line: 1,
      confidence: "likely",
      candidates: [{ file: `${h}/.bash_profile`, line: 1 }],
    });
  });

  it("an entrypoint script that exports then execs: not a startup file, so the parent program is the actor", async () => {
    const h = home("chain", { "entry.sh": "export CHAIN_VAR=1\nexec sleep 60\n" });
    const child = startProcess("sh", [`${h}/entry.sh`], { env: { PATH: BASE_PATH, HOME: h } });
    const pid = await waitForDescendant(child.pid!, "sleep");
    const doc = await explainJson(pid);
    const v = doc.variables.find((x) => x.key === "CHAIN_VAR");
    expect(v?.source).toMatchObject({ kind: "runtime", confidence: "likely", actor: { pid: process.pid } });
  });
});

describe("zsh syntax the bash grammar cannot read", () => {
  it("costs one statement, not the rest of the file (Debian's stock /etc/zsh/zshrc included)", async () => {
    const h = home("zsh-syntax", {
      ".zshrc": [
        "export BEFORE=1",
        "if [[ -n ${(M)path:#/usr/*} ]]; then",
        "  typeset -gx ZFLAG=1",
        "fi",
        "print -r -- ${(j: :)${(s:/:)PWD}}",
        "export AFTER=2",
        "typeset -gx TYPESET_G=3",
        "",
      ].join("\n"),
    });
    const r = await runCli(["shell", "--shell", "zsh", "--interactive", "--home", h, "-o", "json"]);
    const doc = single(r.stdout);
    const at = (k: string) => doc.variables.find((v: { key: string }) => v.key === k)?.source;
    expect(at("BEFORE")).toMatchObject({ file: `${h}/.zshrc`, line: 1 });
    expect(at("AFTER")).toMatchObject({ file: `${h}/.zshrc`, line: 6, confidence: "certain" });
    expect(at("TYPESET_G")).toMatchObject({ file: `${h}/.zshrc`, line: 7 });
    const parse = doc.issues.filter((i: { code: string }) => i.code === "PARSE");
    expect(parse.map((i: { subject: string }) => i.subject)).toContain(`${h}/.zshrc:2`);
    expect(parse.filter((i: { subject: string }) => i.subject.startsWith(h))).toHaveLength(1);
    // The real zsh agrees on what the file exports after the unreadable statement.
    const real = execFileSync("zsh", ["-i", "-c", "echo $BEFORE $AFTER $TYPESET_G"], {
      env: { HOME: h, PATH: BASE_PATH, TERM: "dumb" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    expect(real.trim().split("\n").pop()).toBe("1 2 3");
  });
});

describe("--trace", () => {
  it("confirms static answers by running the shell (zsh: file:line from PS4)", async () => {
    const h = home("zsh-trace", {
      ".zshenv": 'export TRACED=1\nif [ "$(echo y)" = y ]; then export TCOND=1; fi\n',
    });
    const child = startProcess("zsh", ["-c", KEEP], { env: { PATH: BASE_PATH, HOME: h }, cwd: h });
    const pid = await waitForDescendant(child.pid!, "sleep");
    const doc = await explainJson(pid, true);
    const t = doc.variables.find((x) => x.key === "TCOND")!;
    // Static analysis alone says `likely` (inside an if); the trace shows it ran.
    expect(t.source).toMatchObject({
      kind: "shell",
      mechanism: "zsh",
      file: `${h}/.zshenv`,
      line: 2,
      confidence: "certain",
    });
    expect(t.source.evidence.join(" ")).toMatch(/confirmed by --trace/);
  });

  it("bash: confirms a conditional answer (as root bash ignores an inherited PS4: values only)", async () => {
    const h = home("bash-trace", {
      ".bash_profile": 'if [ "$(echo y)" = y ]; then export BCOND=1; fi\n',
    });
    const child = startProcess("bash", ["-l", "-c", KEEP], { env: { PATH: BASE_PATH, HOME: h }, cwd: h });
    const pid = await waitForDescendant(child.pid!, "sleep");
    const plain = (await explainJson(pid)).variables.find((x) => x.key === "BCOND")!;
    expect(plain.source).toMatchObject({ file: `${h}/.bash_profile`, line: 1, confidence: "likely" });
    const traced = (await explainJson(pid, true)).variables.find((x) => x.key === "BCOND")!;
    expect(traced.source).toMatchObject({ file: `${h}/.bash_profile`, line: 1, confidence: "certain" });
    expect(traced.source.evidence.join(" ")).toMatch(/--trace/);
  });

  it("the CLI says that --trace ran the shell, on stderr and in the report (it executed the user's files)", async () => {
    const h = home("bash-trace-cli", { ".bash_profile": "export BANNER_TEST=1\n" });
    const child = startProcess("bash", ["-l", "-c", KEEP], { env: { PATH: BASE_PATH, HOME: h }, cwd: h });
    const pid = await waitForDescendant(child.pid!, "sleep");
    const r = await runCli(["explain", "--pid", String(pid), "--trace", "-o", "json"]);
    expect(r.stderr).toMatch(
      new RegExp(`^envtrace: --trace ran \`bash [^\`]*\` with HOME=${h}: it executed`, "m"),
    );
    const doc = single(r.stdout);
    expect(doc.details.traced).toBe(true);
    expect(doc.details.traceRuns[0]).toMatchObject({ shell: "bash", home: h });
    const plain = await runCli(["explain", "--pid", String(pid), "-o", "json"]);
    expect(plain.stderr).toBe("");
    expect(single(plain.stdout).details.traced).toBeUndefined();
  });
});

if (!existsSync("/bin/busybox") && !have("busybox")) throw new Error("busybox missing");
