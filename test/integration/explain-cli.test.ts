/**
 * The CLI against real processes: a child started with a known environment, the default subject (the shell
 * that ran envtrace, through npx), a real permission failure (an unprivileged user reading root's process),
 * and the published JSON schema.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { killAll, startProcess, waitForDescendant } from "../helpers/processes.js";
import { single } from "../helpers/report.js";

const exec = promisify(execFile);
const TOKEN = `ghp_${"A1b2C3d4E5".repeat(3)}Z9y8x7`;

let sleepPid: number;
beforeAll(async () => {
  const child = startProcess("sleep", ["300"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", FOO_FROM_NODE: "bar", GITHUB_TOKEN: TOKEN },
  });
  sleepPid = await waitForDescendant(child.pid!, "sleep");
});
afterAll(killAll);

describe("envtrace explain --pid", () => {
  it("attributes variables the parent program set before exec to that program, and masks secrets", async () => {
    const r = await runCli(["explain", "--pid", String(sleepPid), "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = single(r.stdout);
    expect(doc.subject).toMatchObject({ pid: sleepPid, comm: "sleep" });
    const foo = doc.variables.find((v: { key: string }) => v.key === "FOO_FROM_NODE");
    expect(foo.source).toMatchObject({ kind: "runtime", actor: { pid: process.pid }, confidence: "likely" });
    expect(foo.source.time.what).toBe("process-start");
    const tok = doc.variables.find((v: { key: string }) => v.key === "GITHUB_TOKEN");
    expect(tok).toMatchObject({ masked: true, value: `ghp_********(${TOKEN.length})` });
    expect(r.stdout).not.toContain(TOKEN);
    expect(doc.findings.map((f: { id: string; key: string }) => [f.id, f.key])).toContainEqual([
      "ENVT-SECRET-001",
      "GITHUB_TOKEN",
    ]);
  });

  it("filters by key, reveals only on request, and fails on findings when asked", async () => {
    const text = await runCli(["explain", "--pid", String(sleepPid), "FOO_FROM_NODE", "GITHUB_TOKEN"]);
    expect(text.stdout).toMatch(/FOO_FROM_NODE\s+bar\s+runtime/);
    expect(text.stdout).toContain("ghp_********");
    expect(text.stdout).not.toContain("PATH ");
    const revealed = await runCli([
      "explain",
      "--pid",
      String(sleepPid),
      "GITHUB_TOKEN",
      "--reveal",
      "--fail-on",
      "high",
    ]);
    expect(revealed.stdout).toContain(TOKEN);
    expect(revealed.stdout).toContain("values revealed");
    expect(revealed.code).toBe(1);
  });

  it("with KUBERNETES_SERVICE_HOST but no service-account mount, stays on the host path", async () => {
    const r = await runCli(["explain", "--format", "json"], {
      env: { NO_COLOR: "1", KUBERNETES_SERVICE_HOST: "10.0.0.1" },
    });
    expect(r.code).toBe(0);
    const doc = single(r.stdout);
    expect(doc.subject.kind).toBe("process");
    expect(typeof doc.subject.pid).toBe("number");
    expect(doc.variables.length).toBeGreaterThan(0);
  });

  it("gives a one-line error and exit 2 for a process that does not exist or a bad pid", async () => {
    const r = await runCli(["explain", "--pid", "4194303"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/no process with pid 4194303/);
    const huge = await runCli(["explain", "--pid", "18446744073709551617"]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain("18446744073709551617");
    const bad = await runCli(["explain", "--pid", "abc"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--pid expects a process id/);
  });
});

const built = existsSync(new URL("../../dist/cli/run.js", import.meta.url));

describe.runIf(built)("the installed CLI (needs `npm run build`)", () => {
  it("explains the invoking shell by default, walking past npx", async () => {
    const { stdout } = await exec(
      "bash",
      ["-c", "export FROM_BASH=yes; npx --no-install envtrace explain FROM_BASH --format json; :"],
      { cwd: new URL("../..", import.meta.url).pathname, env: { ...process.env, NO_COLOR: "1" } },
    );
    const doc = single(stdout);
    expect(doc.subject.comm).toBe("bash");
    expect(doc.subject.envPid).toBeGreaterThan(0);
    expect(doc.subject.envPid).not.toBe(doc.subject.pid);
    expect(doc.variables).toHaveLength(1);
    expect(doc.variables[0].source.actor).toMatchObject({ pid: doc.subject.pid, comm: "bash" });
  });

  it("walks past every wrapper to the shell: time, timeout, env, nice, nohup, sudo, su -c, strace, script", async () => {
    const cli = "node bin/envtrace.js explain FROM_BASH -o json";
    const wrapped = [
      `/usr/bin/time -o /dev/null ${cli}`,
      `timeout 60 env EXTRA=1 nice -n 1 ${cli}`,
      `nohup ${cli} 2>/dev/null`,
      `sudo -E ${cli}`,
      `su -p -c '${cli}' root`,
      `strace -f -qq -o /dev/null ${cli}`,
      `script -qec '${cli}' /dev/null | tr -d '\\r'`,
    ];
    for (const w of wrapped) {
      // `echo $$` first: the pid of the bash that runs the wrapped command.
      const { stdout } = await exec("bash", ["-c", `export FROM_BASH=yes; echo $$; ${w}; :`], {
        cwd: new URL("../..", import.meta.url).pathname,
        env: { ...process.env, NO_COLOR: "1" },
      });
      const [pid, ...rest] = stdout.split("\n");
      const doc = single(rest.join("\n"));
      expect(doc.subject, w).toMatchObject({ pid: Number(pid), comm: "bash" });
    }
  });

  it("reports a real permission failure as an issue, and a subject with nothing readable exits 2", async () => {
    // The target belongs to another user; envtrace runs as root with every capability dropped (so the
    // checkout itself stays readable wherever it was cloned, a 0700 mktemp directory included).
    const other = startProcess("setpriv", [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      "sleep",
      "300",
    ]);
    const otherPid = await waitForDescendant(other.pid!, "sleep");
    const failed = await exec(
      "setpriv",
      [
        "--inh-caps=-all",
        "--bounding-set=-all",
        "node",
        "bin/envtrace.js",
        "explain",
        "--pid",
        String(otherPid),
        "--format",
        "json",
      ],
      { cwd: new URL("../..", import.meta.url).pathname },
    ).then(
      () => {
        throw new Error("expected exit 2");
      },
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed.code, failed.stderr).toBe(2);
    expect(failed.stderr.trim().split("\n")).toHaveLength(1);
    // Running as root, the hint names what is really missing.
    expect(failed.stderr).toMatch(
      /^envtrace: nothing of sleep \(pid \d+\) could be read: .*permission denied; this root lacks CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH/,
    );
    const doc = single(failed.stdout);
    expect(doc.subject).toMatchObject({ pid: otherPid, comm: "sleep" });
    expect(doc.variables).toEqual([]);
    expect(doc.issues.map((i: { code: string; subject: string }) => [i.subject, i.code])).toContainEqual([
      `pid ${otherPid}`,
      "EACCES",
    ]);
  });
});
