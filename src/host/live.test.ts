/**
 * The live machine, for what it has: the layout, kernel, glibc, shells and hardening the real /proc, /sys
 * and /etc show, compared with independent readings (uname via os, `getconf`, `getent`, the raw status).
 * Nothing here assumes this machine's layout: each expectation is derived from the machine first.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { createHostFs } from "../snapshot/host-fs.js";
import { runCommand } from "./exec.js";
import { parseGoVersion } from "./go-release.js";
import { runHostChecks } from "./index.js";
import { createXattrReader } from "./xattr.js";

const have = (cmd: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

describe("envtrace host on this machine", async () => {
  const report = await runHostChecks({
    pid: process.pid,
    goVersion: parseGoVersion("1.22.0"),
    env: process.env,
  });
  const byDim = Object.fromEntries(report.checks.map((c) => [c.dimension, c]));

  it("detects the cgroup layout the mount table really has", () => {
    const mi = readFileSync("/proc/self/mountinfo", "utf8").split("\n");
    const v1 = mi.some((l) => / - cgroup /.test(l));
    const v2 = mi.some((l) => / - cgroup2 /.test(l));
    const expected = v1 && v2 ? "hybrid" : v2 ? "v2" : v1 ? "v1" : "none";
    expect(byDim.cgroup!.facts.layout).toBe(expected);
    if (expected === "hybrid") {
      const unified = mi.find((l) => / - cgroup2 /.test(l))!.split(" ")[4];
      expect(byDim.cgroup!.facts.mounts).toContainEqual({ version: "v2", mountPoint: unified });
    }
    const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    expect((byDim.cgroup!.facts.affinity as { cpus: string }).cpus).toBe(allowed);
  });

  it("reads the kernel release uname reports", () => {
    expect(byDim.kernel!.facts.release).toBe(os.release());
    expect(byDim.kernel!.facts.arch).toBe(os.machine());
  });

  it.runIf(have("getconf"))("reads the glibc version getconf reports", () => {
    const out = execFileSync("getconf", ["GNU_LIBC_VERSION"], { encoding: "utf8" });
    const m = /glibc (\S+)/.exec(out);
    if (!m) return; // not glibc
    expect(byDim.glibc!.facts.version).toBe(m[1]);
    expect(byDim.glibc!.facts.how).not.toBe("getconf GNU_LIBC_VERSION"); // read from the library itself
  });

  it.runIf(have("readelf"))(
    "reads the glibc versions this process's executable needs, as readelf -V does",
    () => {
      const exe = readlinkSync(`/proc/${process.pid}/exe`);
      const out = execFileSync("readelf", ["-V", exe], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      const needs = out.slice(out.indexOf("Version needs section")).match(/GLIBC_\d+(\.\d+)+/g) ?? [];
      const highest = needs
        .map((n) => n.slice(6).split(".").map(Number))
        .sort((a, b) => {
          for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (b[i] ?? 0) - (a[i] ?? 0);
          return 0;
        })[0];
      const bin = byDim.glibc!.facts.binary as { path: string; needsGlibc: string | null } | undefined;
      expect(bin?.path).toBe(exe);
      expect(bin?.needsGlibc ?? null).toBe(highest ? highest.join(".") : null);
    },
  );

  it.runIf(have("getent"))("lists root with the login shell getent reports", () => {
    const shell = execFileSync("getent", ["passwd", "root"], { encoding: "utf8" }).trim().split(":")[6];
    const users = byDim.shells!.facts.users as Array<{ user: string; shell: string }>;
    if (shell && !/nologin|false$/.test(shell))
      expect(users.find((u) => u.user === "root")?.shell).toBe(shell);
  });

  it("decodes this process's own capability sets and seccomp mode", () => {
    const status = readFileSync(`/proc/${process.pid}/status`, "utf8");
    const eff = /CapEff:\s*([0-9a-f]+)/.exec(status)![1]!;
    const seccomp = /Seccomp:\s*(\d)/.exec(status)?.[1];
    const f = byDim.hardening!.facts as {
      capabilities: { CapEff: { hex: string; names: string[] } };
      seccomp: string;
    };
    expect(f.capabilities.CapEff.hex).toBe(eff);
    expect(f.capabilities.CapEff.names.length).toBe(
      [...BigInt(`0x${eff}`).toString(2)].filter((b) => b === "1").length,
    );
    if (seccomp !== undefined)
      expect(f.seccomp).toBe({ "0": "disabled", "1": "strict", "2": "filter" }[seccomp]);
  });

  it("says SELinux is not present exactly when selinuxfs is absent", () => {
    const mounted = readFileSync("/proc/self/mountinfo", "utf8").includes(" - selinuxfs ");
    expect(byDim.selinux!.facts.present).toBe(mounted);
    if (!mounted) expect(byDim.selinux!.summary).toMatch(/not present|disabled/);
  });
});

describe("Go detection", () => {
  it.runIf(have("go"))(
    "asks the go on PATH for its version (in an empty directory, with a timeout)",
    async () => {
      const out = execFileSync("go", ["version"], { encoding: "utf8" });
      const r = await runHostChecks({ pid: process.pid, env: process.env, checks: [] });
      expect(r.go).toEqual({ version: parseGoVersion(out)!.raw, source: "go version" });
    },
  );
  it("finds no Go when PATH has none", async () => {
    const r = await runHostChecks({ pid: process.pid, env: { PATH: "/nonexistent" }, checks: [] });
    expect(r.go).toBeNull();
  });
});

describe("xattr reader with the real getfattr", () => {
  const file = path.join(os.tmpdir(), `envtrace-xattr-${process.pid}`);
  afterAll(() => rmSync(file, { force: true }));
  it.runIf(have("getfattr") && have("setfattr"))(
    "reads an xattr value and reports a missing one as absent",
    async () => {
      writeFileSync(file, "x");
      // security.* needs SELinux; a user.* attribute exercises the same getfattr path unprivileged.
      execFileSync("setfattr", ["-n", "user.envtrace", "-v", "system_u:object_r:usr_t:s0", file]);
      const issues: import("../model/index.js").CollectionIssue[] = [];
      const read = await createXattrReader(
        createHostFs("/"),
        (f, a, t) => runCommand(f, a, { timeoutMs: t }),
        issues,
      );
      expect(await read(file, "user.envtrace")).toBe("system_u:object_r:usr_t:s0");
      expect(await read(file, "user.absent")).toBeUndefined();
      expect(issues).toEqual([]);
    },
  );
});

describe("envtrace host CLI", () => {
  const fixtures = path.resolve(import.meta.dirname, "../../test/fixtures/host");
  it("prints JSON with every check and exits 1 at --fail-on", async () => {
    const r = await runCli([
      "host",
      "--root",
      path.join(fixtures, "ENVT-HOST-006/privileged"),
      "--pid",
      "4002",
      "--go-version",
      "1.22",
      "--format",
      "json",
      "--fail-on",
      "high",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const full = JSON.parse(r.stdout);
    expect(full.schemaVersion).toBe(2);
    const doc = full.subjects[0] as {
      checks: Array<{ id: string }>;
      findings: Array<{ id: string; messageId: string }>;
    };
    expect(doc.checks.map((c) => c.id)).toEqual([
      "ENVT-HOST-001",
      "ENVT-HOST-002",
      "ENVT-HOST-003",
      "ENVT-HOST-004",
      "ENVT-HOST-005",
      "ENVT-HOST-006",
    ]);
    expect(doc.findings.filter((f) => f.id === "ENVT-HOST-006").map((f) => f.messageId)).toContain(
      "hardening.dangerous-capabilities",
    );
  });

  it("exits 0 below --fail-on and prints the text report", async () => {
    const r = await runCli([
      "host",
      "--root",
      path.join(fixtures, "ENVT-HOST-006/docker-default"),
      "--pid",
      "4001",
      "--go-version",
      "go1.22.1",
      "--fail-on",
      "low",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ENVT-HOST-006\s+hardening\s+ok/m);
  });

  it("defaults to the invoking process on the live root", async () => {
    const r = await runCli(["host", "--format", "json", "--go-version", "1.22"]);
    expect(r.code).toBe(0);
    const subject = JSON.parse(r.stdout).subjects[0];
    const doc = { ...subject.details, checks: subject.checks } as {
      pid: number;
      root: string;
      checks: unknown[];
    };
    expect(doc.root).toBe("/");
    expect(doc.checks).toHaveLength(6);
    // The subject is an ancestor of this test process (or the process itself).
    let p = process.pid;
    const chain = new Set<number>();
    while (p > 0 && !chain.has(p)) {
      chain.add(p);
      p = Number(/PPid:\s*(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    }
    expect(chain.has(doc.pid)).toBe(true);
  });

  it("names a pid that does not exist in one line, exit 2", async () => {
    const r = await runCli(["host", "--pid", "4194303", "--go-version", "1.22"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^envtrace: no process with pid 4194303/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("rejects a bad --go-version with one line and exit 2", async () => {
    const r = await runCli(["host", "--go-version", "latest", "--pid", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--go-version/);
  });
});
