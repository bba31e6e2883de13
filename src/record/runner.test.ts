import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diagnosePtrace, RecordError, record, straceArgs } from "./runner.js";

const dir = mkdtempSync(join(tmpdir(), "envtrace-runner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<RecordError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RecordError) return err;
    throw err;
  }
  throw new Error("no error");
}

describe("record runner errors", () => {
  it("strace missing names the Debian package", async () => {
    const e = await failure(record({ argv: ["true"], env: { PATH: join(dir, "empty") } }));
    expect(e.kind).toBe("strace-missing");
    expect(e.message).toMatch(/Debian package `strace`/);
  });

  it("a command not found is 127, not executable 126", async () => {
    const fake = join(dir, "strace");
    writeFileSync(fake, "#!/bin/sh\nexit 0\n");
    chmodSync(fake, 0o755);
    const e = await failure(record({ argv: ["no-such-cmd-envtrace"], strace: fake, env: { PATH: dir } }));
    expect([e.kind, e.exitCode]).toEqual(["not-found", 127]);
    const plain = join(dir, "plain");
    writeFileSync(plain, "x");
    const e2 = await failure(record({ argv: [plain], strace: fake, env: { PATH: dir } }));
    expect([e2.kind, e2.exitCode]).toEqual(["not-executable", 126]);
  });

  it("ptrace refused: strace's complaint and the host's reasons", async () => {
    const fake = join(dir, "strace-denied");
    writeFileSync(
      fake,
      "#!/bin/sh\necho 'strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted' >&2\nexit 1\n",
    );
    chmodSync(fake, 0o755);
    const e = await failure(record({ argv: ["/bin/true"], strace: fake, env: { PATH: "/usr/bin:/bin" } }));
    expect(e.kind).toBe("ptrace-denied");
    expect(e.message).toMatch(/strace said: .*Operation not permitted/);
    expect(diagnosePtrace({ attach: 1 })).toBeTypeOf("string");
  });

  it("strace options: -f, -q, -v, -xx, -ttt, seccomp only when not detaching early", () => {
    const a = straceArgs({ fifo: "/f", seccomp: true });
    expect(a).toEqual(expect.arrayContaining(["-f", "-q", "-v", "-xx", "-ttt", "--seccomp-bpf", "-o", "/f"]));
    expect(straceArgs({ fifo: "/f", seccomp: false, attach: 7 })).toEqual(
      expect.arrayContaining(["-p", "7"]),
    );
    expect(straceArgs({ fifo: "/f", seccomp: false })).not.toContain("--seccomp-bpf");
  });
});
