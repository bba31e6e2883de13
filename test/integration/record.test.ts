/**
 * `envtrace record` against real programs under Debian's strace: login bash with a ~/.bash_profile export,
 * env -i, sudo -E, su -c, make, npm run, a C program that calls setenv and execs, a shell eval the static
 * engine cannot see, --attach, --no-values, exit status and stdout pass-through, command not found.
 * The CLI runs as a child process (tsx over the sources) so that the command's stdio is really its own.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PODMAN_RUN_FLAGS } from "../helpers/podman.js";
import { parseReport } from "../helpers/report.js";

const have = (p: string) => spawnSync("sh", ["-c", `command -v ${p}`]).status === 0;
const isRoot = process.getuid?.() === 0;
const canRun = have("strace") && have("bash");

// biome-ignore lint/suspicious/noExplicitAny: report JSON
type Json = any;

let dir = "";
let home = "";
const ROOT = new URL("../..", import.meta.url).pathname;
const TSX = join(ROOT, "node_modules/.bin/tsx");

function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
    HOME: home,
    USER: "root",
    SHELL: "/bin/bash",
    LANG: "C.UTF-8",
    NO_COLOR: "1",
    ...extra,
  };
}

interface Rec {
  code: number | null;
  stdout: string;
  stderr: string;
  doc: Json;
}

function recordCli(args: string[], o: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Rec {
  const out = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(TSX, [join(dir, "cli.mts"), "record", "--format", "json", "--output", out, ...args], {
    env: o.env ?? baseEnv(),
    cwd: o.cwd ?? dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  let doc: Json = null;
  try {
    doc = parseReport(readFileSync(out, "utf8"));
  } catch {}
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, doc };
}

/** The subject of the process whose last program is `prog`, and its variable `key`. */
function subjectOf(doc: Json, prog: string): Json {
  return doc.subjects.find((s: Json) => String(s.details.exe).split("/").pop() === prog);
}
/** The first subject (process) that introduced or changed `key`, and that variable. */
function firstWith(doc: Json, key: string): { s: Json; v: Json } {
  for (const s of doc?.subjects ?? []) {
    const v = variable(s, key);
    if (v) return { s, v };
  }
  return { s: undefined, v: undefined };
}
function variable(s: Json, key: string): Json {
  return s?.variables?.find((v: Json) => v.key === key);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "envtrace-record-"));
  home = join(dir, "home");
  mkdirSync(home);
  writeFileSync(
    join(dir, "cli.mts"),
    `import { run } from ${JSON.stringify(join(ROOT, "src/cli/run.ts"))};\nprocess.exitCode = await run(process.argv.slice(2));\n`,
  );
  writeFileSync(join(home, ".bash_profile"), "export PROFILE_VAR=from-profile\n");
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!canRun)("envtrace record (real strace)", () => {
  it("bash -l -c 'exec env': the ~/.bash_profile export, file:line, static agrees; stdout and status pass through", () => {
    const r = recordCli(["--", "bash", "-l", "-c", "exec env; exit 9"]);
    expect(r.code).toBe(0);
    // The command's stdout is its own: env printed PROFILE_VAR there; the report went to --output.
    expect(r.stdout).toMatch(/^PROFILE_VAR=from-profile$/m);
    const s = subjectOf(r.doc, "env");
    expect(s.kind).toBe("exec-tree");
    const v = variable(s, "PROFILE_VAR");
    expect(v.source).toMatchObject({ kind: "shell", actor: { comm: "bash" } });
    expect(v.source).toMatchObject({ file: join(home, ".bash_profile"), line: 1 });
    expect(s.findings.filter((f: Json) => f.key === "PROFILE_VAR")).toEqual([]);
    expect(s.details.images.map((i: Json) => i.path.split("/").pop())).toEqual(["bash", "env"]);
  });

  it("exit status, stdout and stderr pass through; the text report goes to stderr", () => {
    const r = spawnSync(
      TSX,
      [join(dir, "cli.mts"), "record", "--", "sh", "-c", "echo out; echo err >&2; exit 7"],
      {
        env: baseEnv(),
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(7);
    expect(r.stdout).toBe("out\n");
    expect(r.stderr.startsWith("err\n")).toBe(true);
    expect(r.stderr).toMatch(/sh \(pid \d+\)/);
  });

  it("a command that is not found exits 127 like a shell", () => {
    const r = recordCli(["--", "no-such-command-envtrace"]);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/no-such-command-envtrace: command not found/);
  });

  it("env -i: removed keys; the assignment on env's command line", () => {
    const r = recordCli(["--", "env", "-i", "ONLY=1", "/usr/bin/env"]);
    expect(r.stdout.trim()).toBe("ONLY=1");
    const s = subjectOf(r.doc, "env");
    expect(s.details.removed).toEqual(expect.arrayContaining(["HOME", "PATH"]));
    expect(variable(s, "ONLY").source).toMatchObject({
      kind: "runtime",
      mechanism: "env:argv",
      confidence: "certain",
    });
  });

  it("a C program that calls setenv and execs", () => {
    if (!have("cc")) return;
    const src = join(dir, "setenv.c");
    writeFileSync(
      src,
      '#include <stdlib.h>\n#include <unistd.h>\nint main(void){ setenv("C_SET","yes",1); execl("/usr/bin/env","env",(char*)0); return 1; }\n',
    );
    expect(spawnSync("cc", ["-o", join(dir, "setenv"), src]).status).toBe(0);
    const r = recordCli(["--", join(dir, "setenv")]);
    const s = subjectOf(r.doc, "env");
    expect(variable(s, "C_SET").source).toMatchObject({
      kind: "runtime",
      mechanism: "setenv",
      actor: { comm: "setenv" },
      confidence: "certain",
    });
  });

  it("a shell eval the static engine cannot see: ENVT-RECORD-001", () => {
    const r = recordCli(["--", "sh", "-c", 'eval "$(printf "export HIDDEN_%s=1" X)"; exec env']);
    const s = subjectOf(r.doc, "env");
    expect(variable(s, "HIDDEN_X").source).toMatchObject({ kind: "runtime", actor: { comm: "sh" } });
    const f = s.findings.find((x: Json) => x.key === "HIDDEN_X");
    expect(f).toMatchObject({ id: "ENVT-RECORD-001", messageId: "record.static-missed" });
  });

  it("make: the recipe's shell gets the Makefile's exports from make", () => {
    if (!have("make")) return;
    const mk = join(dir, "mk");
    mkdirSync(mk, { recursive: true });
    writeFileSync(join(mk, "Makefile"), "export MK_VAR := from-make\nall:\n\t@env > /dev/null\n");
    const r = recordCli(["--", "make", "-s", "-C", mk]);
    const { s, v } = firstWith(r.doc, "MK_VAR");
    expect(s.details.argv).toEqual(["/bin/sh", "-c", "env > /dev/null"]);
    expect(v.source).toMatchObject({ kind: "runtime", actor: { comm: "make" }, confidence: "certain" });
    expect(variable(s, "MAKELEVEL")).toBeDefined();
  });

  it("npm run: npm_* are injected by npm", () => {
    if (!have("npm")) return;
    const pkg = join(dir, "pkg");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({ name: "p", version: "1.0.0", scripts: { show: "env > /dev/null" } }),
    );
    const r = recordCli(["--", "npm", "run", "--silent", "show"], {
      cwd: pkg,
      env: baseEnv({ npm_config_update_notifier: "false", npm_config_cache: join(dir, "npm-cache") }),
    });
    const { v } = firstWith(r.doc, "npm_lifecycle_event");
    expect(v).toBeDefined();
    // npm is node: the actor is the node program that ran npm's CLI.
    expect(v.source.actor.comm).toMatch(/^(node|npm)/);
    expect(v.source.kind).toBe("runtime");
  }, 90_000);

  it.skipIf(!isRoot || !have("sudo"))("sudo -E: SUDO_* set by sudo", () => {
    const r = recordCli(["--", "sudo", "-E", "/usr/bin/env"]);
    const s = subjectOf(r.doc, "env");
    const v = variable(s, "SUDO_COMMAND");
    expect(v).toBeDefined();
    expect(v.source.actor.comm).toBe("sudo");
  });

  it.skipIf(!isRoot || !have("su"))("su -c: the target user's shell runs the command", () => {
    const r = recordCli(["--", "su", "root", "-c", "exec /usr/bin/env"]);
    expect(r.code).toBe(0);
    const s = subjectOf(r.doc, "env");
    expect(s).toBeDefined();
    // su (or the shell it starts) set something the recording's environment did not have, or changed it.
    const actors = new Set(s.variables.map((v: Json) => v.source?.actor?.comm));
    expect([...actors].some((a) => a === "su" || a === "bash" || a === "sh")).toBe(true);
  });

  it("--no-values: changes found, no value anywhere in the report", () => {
    const r = recordCli([
      "--no-values",
      "--",
      "sh",
      "-c",
      "SECRETISH=zz-$(echo unique-value-42) exec env X=zz-$(echo unique-value-43) /bin/true",
    ]);
    const s = subjectOf(r.doc, "true");
    const v = variable(s, "SECRETISH");
    expect(v).toBeDefined();
    expect(JSON.stringify(r.doc)).not.toContain("zz-unique-value-42");
    // Assignments on a command line are values too: kept as KEY=… only.
    expect(JSON.stringify(r.doc)).not.toContain("zz-unique-value-43");
  });

  it("--attach PID follows the future execs of a running process", async () => {
    const flag = join(dir, "go");
    const child: ChildProcess = spawn(
      "sh",
      ["-c", `while [ ! -e ${flag} ]; do sleep 0.05; done; env ATTACHED=1 /bin/true; sleep 0.1`],
      { env: baseEnv(), stdio: "ignore" },
    );
    const out = join(dir, "attach.json");
    try {
      const rec = spawn(
        TSX,
        [join(dir, "cli.mts"), "record", "-o", "json", "--output", out, "--attach", String(child.pid)],
        {
          env: baseEnv(),
          stdio: "ignore",
        },
      );
      const done = new Promise<number | null>((r) => rec.once("exit", (c) => r(c)));
      // Let the child exec only once strace is attached (TracerPid set).
      for (let i = 0; i < 600; i++) {
        const tracer = /TracerPid:\s*(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
        if (tracer && tracer !== "0") break;
        await new Promise((r) => setTimeout(r, 50));
      }
      writeFileSync(flag, "");
      expect(await done).toBe(0);
      const doc = parseReport(readFileSync(out, "utf8"));
      const { v } = firstWith(doc, "ATTACHED");
      expect(v?.source).toMatchObject({ mechanism: "env:argv", actor: { comm: "env" } });
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);

  it("a daemonizing command is followed until its tree exits", () => {
    const r = recordCli(["--", "sh", "-c", "(sleep 0.5; env DAEMON_VAR=1 /bin/true) & exit 0"]);
    expect(r.code).toBe(0);
    expect(firstWith(r.doc, "DAEMON_VAR").v?.source).toMatchObject({ mechanism: "env:argv" });
  });

  it("--timeout stops following; the command's status is kept; TIMEOUT issue", () => {
    const t0 = Date.now();
    const r = recordCli([
      "--timeout",
      "1.5",
      "--",
      "sh",
      "-c",
      "(sleep 6; /bin/true) >/dev/null 2>&1 & exit 3",
    ]);
    expect(Date.now() - t0).toBeLessThan(5500);
    expect(r.code).toBe(3);
    expect(r.doc.subjects.length).toBeGreaterThan(0);
    expect(r.doc.issues.map((i: Json) => i.code)).toContain("TIMEOUT");
  });

  it("SIGTERM to envtrace is forwarded to the command", async () => {
    const rec = spawn(
      TSX,
      [
        join(dir, "cli.mts"),
        "record",
        "--output",
        join(dir, "sig.txt"),
        "--",
        "sh",
        "-c",
        'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done',
      ],
      { env: baseEnv(), stdio: ["ignore", "pipe", "ignore"] },
    );
    await new Promise<void>((r) =>
      rec.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && r()),
    );
    const code = new Promise<number | null>((r) => rec.once("exit", (c) => r(c)));
    rec.kill("SIGTERM");
    expect(await code).toBe(42);
  }, 60_000);

  it.skipIf(!isRoot || !have("podman") || !have("runc") || !existsSync("/bin/busybox"))(
    "podman run: the container's variables are passed on by runc init (runc's exec chain)",
    () => {
      const rootfs = join(dir, "rootfs");
      mkdirSync(join(rootfs, "bin"), { recursive: true });
      for (const d of ["etc", "proc", "dev", "sys", "tmp"]) mkdirSync(join(rootfs, d), { recursive: true });
      writeFileSync(join(rootfs, "bin/busybox"), readFileSync("/bin/busybox"), { mode: 0o755 });
      for (const a of ["sh", "env"]) symlinkSync("busybox", join(rootfs, "bin", a));
      const tag = `localhost/envtrace-record-test:${process.pid}`;
      const tar = execFileSync("tar", ["-C", rootfs, "-c", "."], { maxBuffer: 64 * 1024 * 1024 });
      const id = execFileSync("podman", ["import", "--change", "ENV IMG_A=from-image", "-", tag], {
        input: tar,
      })
        .toString()
        .trim()
        .split("\n")
        .pop()!;
      try {
        const r = recordCli(
          ["--", "podman", "run", "--rm", ...PODMAN_RUN_FLAGS, "-e", "RUN_X=cli", tag, "/bin/env"],
          {
            env: baseEnv({ HOME: "/root" }),
          },
        );
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^RUN_X=cli$/m);
        const { s, v } = firstWith(r.doc, "RUN_X");
        expect(s.details.exe).toBe("/bin/env");
        // runc init (re-exec'd through /proc/self/exe, then execveat) execs the container's process.
        expect(v.source.actor.comm).toBe("runc");
        expect(variable(s, "IMG_A")?.source.actor.comm).toBe("runc");
        expect(s.details.images.map((i: Json) => i.path.split("/").pop())).toContain("env");
      } finally {
        spawnSync("podman", ["rmi", "-f", id]);
      }
    },
    120_000,
  );
});
