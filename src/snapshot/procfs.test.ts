import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { FakeHost } from "../../test/helpers/fake-proc.js";
import { createHostFs } from "./host-fs.js";
import { ProcReader, parseCmdline, parseStat } from "./procfs.js";

let host: FakeHost | undefined;
afterEach(() => host?.cleanup());

describe("parseStat", () => {
  it("takes fields after the last ')' so a comm with spaces and parens parses", () => {
    const s = parseStat("42 (my (weird) proc) S 7 42 42 34816 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 0\n");
    expect(s).toMatchObject({ comm: "my (weird) proc", ppid: 7, ttyNr: 34816, startTicks: 12345 });
  });
  it("never throws on arbitrary text (property)", () => {
    fc.assert(fc.property(fc.string(), (t) => void parseStat(t)));
    fc.assert(fc.property(fc.uint8Array(), (b) => void parseCmdline(b)));
  });
});

describe("ProcReader", () => {
  it("reads identity, exec-time env, cgroup and wall-clock start time", async () => {
    host = new FakeHost().process({ pid: 1, ppid: 0, comm: "init", env: { HOME: "/" } }).process({
      pid: 10,
      ppid: 1,
      comm: "bash",
      cmdline: ["-bash"],
      exe: "/usr/bin/bash",
      env: { HOME: "/root", A: "1" },
      ttyNr: 34816,
      startTicks: 500,
      uid: 1000,
      cgroup: ["0::/user.slice/session-1.scope"],
    });
    const r = await new ProcReader(createHostFs(host.root)).read(10);
    expect(r.issues).toEqual([]);
    expect(r.snapshot?.info).toMatchObject({
      pid: 10,
      ppid: 1,
      comm: "bash",
      cmdline: ["-bash"],
      exe: "/usr/bin/bash",
      uid: 1000,
      ttyNr: 34816,
      cgroup: ["0::/user.slice/session-1.scope"],
      startTime: new Date((1700000000 + 5) * 1000).toISOString(),
    });
    expect(r.snapshot?.env?.get("A")?.value).toBe("1");
  });

  it("turns a kernel thread, a vanished process and a missing environ into issues", async () => {
    host = new FakeHost()
      .process({ pid: 2, ppid: 0, comm: "kthreadd", env: {}, flags: 0x00208040 })
      .process({ pid: 30, ppid: 1, comm: "gone", env: null });
    const reader = new ProcReader(createHostFs(host.root));
    expect((await reader.read(2)).issues.map((i) => i.code)).toEqual(["KTHREAD"]);
    expect((await reader.read(2)).snapshot?.env).toBeNull();
    const gone = await reader.read(30);
    expect(gone.snapshot?.env).toBeNull();
    expect(gone.issues.map((i) => i.code)).toEqual(["ESRCH"]);
    const missing = await reader.read(999);
    expect(missing.snapshot).toBeNull();
    expect(missing.issues.map((i) => i.code)).toEqual(["ESRCH"]);
  });

  it("walks the ancestry outermost first and stops at an unreadable parent", async () => {
    host = new FakeHost()
      .process({ pid: 1, ppid: 0, comm: "init" })
      .process({ pid: 5, ppid: 1, comm: "sshd" })
      .process({ pid: 9, ppid: 5, comm: "bash" })
      .process({ pid: 12, ppid: 9, comm: "sleep" })
      .process({ pid: 20, ppid: 77, comm: "orphan" });
    const reader = new ProcReader(createHostFs(host.root));
    const { chain } = await reader.ancestry(12);
    expect(chain.map((p) => p.info.pid)).toEqual([1, 5, 9, 12]);
    const broken = await reader.ancestry(20);
    expect(broken.chain.map((p) => p.info.pid)).toEqual([20]);
    expect(broken.issues.map((i) => i.code)).toEqual(["ESRCH"]);
  });

  it("lists numeric pids only, sorted", async () => {
    host = new FakeHost().process({ pid: 30, ppid: 1, comm: "a" }).process({ pid: 4, ppid: 1, comm: "b" });
    host.file("/proc/self/stat", "");
    expect(await new ProcReader(createHostFs(host.root)).listPids()).toEqual([4, 30]);
  });
});
