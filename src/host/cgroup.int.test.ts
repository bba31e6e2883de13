/**
 * The cgroup check against the real kernel and a real Go program: the test makes a CPU cgroup with a
 * 0.5-CPU quota (and, in a second case, a cpuset of one CPU) on this machine, starts a Go program built by
 * the real `go` inside it, and compares the GOMAXPROCS the Go runtime itself chose with envtrace's
 * prediction. Needs root, a writable cpu (and cpuset) controller and `go`; skipped otherwise.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cgroupCheck } from "./cgroup.js";
import { cgroupMounts, parseMountinfo } from "./cgroup-fs.js";
import { parseGoVersion } from "./go-release.js";
import { runHostChecks } from "./index.js";

const goVersion = (() => {
  try {
    return execFileSync("go", ["version"], { encoding: "utf8" });
  } catch {
    return undefined;
  }
})();
const { v1, v2 } = cgroupMounts(parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8")));
const cpuV1 = v1.find((m) => m.superOptions.includes("cpu") && m.root === "/");
const cpusetV1 = v1.find((m) => m.superOptions.includes("cpuset") && m.root === "/");
const unified = v2.find((m) => m.root === "/");
const v2HasCpu =
  !!unified && readFileSync(path.join(unified.mountPoint, "cgroup.controllers"), "utf8").includes("cpu");
const canRun = process.getuid?.() === 0 && !!goVersion && (!!cpuV1 || v2HasCpu);

const dir = mkdtempSync(path.join(tmpdir(), "envtrace-gmp-"));
const made: string[] = [];
const procs: ChildProcess[] = [];
let bin = "";

function makeCgroup(mountPoint: string, name: string): string {
  const d = path.join(mountPoint, name);
  mkdirSync(d);
  made.unshift(d);
  return d;
}

/** Starts the Go program inside the given cgroups (the shell joins them, then execs Go). */
async function startIn(cgroups: string[]): Promise<{ pid: number; gomaxprocs: number }> {
  const join = cgroups.map((c) => `echo $$ > ${c}/cgroup.procs`).join("; ");
  const child = spawn("sh", ["-c", `${join}; exec ${bin}`], { stdio: ["ignore", "pipe", "inherit"] });
  procs.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
    child.on("exit", () => reject(new Error(`go program exited: ${out}`)));
  });
  return { pid: child.pid!, gomaxprocs: Number(line.trim()) };
}

beforeAll(async () => {
  if (!canRun) return;
  writeFileSync(path.join(dir, "go.mod"), "module example.com/gmp\n\ngo 1.19\n");
  writeFileSync(
    path.join(dir, "main.go"),
    'package main\n\nimport (\n\t"fmt"\n\t"runtime"\n\t"time"\n)\n\nfunc main() {\n\tfmt.Println(runtime.GOMAXPROCS(0))\n\ttime.Sleep(time.Minute)\n}\n',
  );
  bin = path.join(dir, "gmp");
  execFileSync("go", ["build", "-o", bin, "."], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      GOCACHE: path.join(dir, "cache"),
      GOPATH: path.join(dir, "gopath"),
      GOPROXY: "off",
      GOTOOLCHAIN: "local",
      GOFLAGS: "",
      CGO_ENABLED: "0",
    },
  });
}, 120_000);

afterAll(async () => {
  // A cgroup can be removed only once its processes have exited.
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once("exit", () => resolve());
          p.kill("SIGKILL");
        }),
    ),
  );
  for (const d of made) {
    for (let i = 0; i < 50 && existsSync(d); i++) {
      try {
        rmdirSync(d);
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(canRun)("cgroup check vs the real Go runtime", () => {
  const go = parseGoVersion(goVersion ?? "", "go version")!;

  it("a 0.5-CPU quota: predicts Go's own GOMAXPROCS and flags it above the quota (Go < 1.25)", async () => {
    let cg: string;
    if (cpuV1) {
      cg = makeCgroup(cpuV1.mountPoint, `envtrace-quota-${process.pid}`);
      writeFileSync(path.join(cg, "cpu.cfs_quota_us"), "50000");
    } else {
      cg = makeCgroup(unified!.mountPoint, `envtrace-quota-${process.pid}`);
      writeFileSync(path.join(cg, "cpu.max"), "50000 100000");
    }
    const { pid, gomaxprocs } = await startIn([cg]);
    const r = (await runHostChecks({ pid, goVersion: go, checks: [cgroupCheck], env: {} })).checks[0]!;
    const f = r.facts as {
      cpu: { dir: string; leafLimit: { cpus: number } };
      gomaxprocs: { predicted: number; goBefore125: number; go125AndLater: number };
    };
    expect(f.cpu.dir).toBe(cg);
    expect(f.cpu.leafLimit.cpus).toBe(0.5);
    expect(f.gomaxprocs.predicted).toBe(gomaxprocs); // what the real runtime chose
    expect(f.gomaxprocs.go125AndLater).toBe(Math.min(gomaxprocs, 2));
    const ids = r.findings.map((x) => x.messageId);
    if (gomaxprocs > 1) expect(ids).toContain("cgroup.gomaxprocs-exceeds-quota");
    else expect(ids).toEqual([]);
  });

  it.runIf(!!cpusetV1)("a one-CPU cpuset: affinity shrinks and Go follows it", async () => {
    const cs = makeCgroup(cpusetV1!.mountPoint, `envtrace-cpuset-${process.pid}`);
    writeFileSync(path.join(cs, "cpuset.cpus"), "0");
    writeFileSync(
      path.join(cs, "cpuset.mems"),
      readFileSync(path.join(cpusetV1!.mountPoint, "cpuset.mems"), "utf8").trim() || "0",
    );
    const { pid, gomaxprocs } = await startIn([cs]);
    expect(gomaxprocs).toBe(1);
    const r = (await runHostChecks({ pid, goVersion: go, checks: [cgroupCheck], env: {} })).checks[0]!;
    const f = r.facts as { cpuset: { cpus: string; count: number }; gomaxprocs: { predicted: number } };
    expect(f.cpuset).toMatchObject({ cpus: "0", count: 1 });
    expect(f.gomaxprocs.predicted).toBe(1);
    expect(r.findings).toEqual([]);
  });
});
