import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeQuoted,
  type ExecEvent,
  parseLine,
  quoteHex,
  quotePlain,
  type TraceEvent,
  TraceParser,
} from "./parse.js";
import { ExecTree } from "./tree.js";

const hex = (s: string) => quoteHex(Buffer.from(s));

function execLine(pid: number, t: string, path: string, argv: string[], env: string[], ret = "= 0"): string {
  return `${pid} ${t} execve(${hex(path)}, [${argv.map(hex).join(", ")}], [${env.map(hex).join(", ")}]) ${ret}`;
}

function parseAll(text: string): TraceEvent[] {
  const out: TraceEvent[] = [];
  const p = new TraceParser((e) => out.push(e));
  p.push(Buffer.from(text, "latin1"));
  p.end();
  return out;
}

describe("strace line parser", () => {
  it("decodes an -xx execve with argv and env", () => {
    const e = parseLine(
      execLine(10, "1796359712.701282", "/usr/bin/env", ["env", "A=1", "x y"], ["HOME=/root", "B=a=b"]),
    ) as ExecEvent;
    expect(e.kind).toBe("exec");
    expect(e.pid).toBe(10);
    expect(e.time).toBeCloseTo(1796359712.701282, 5);
    expect(e.path).toBe("/usr/bin/env");
    expect(e.argv).toEqual(["env", "A=1", "x y"]);
    expect(e.env?.map((x) => [x.key, x.value])).toEqual([
      ["HOME", "/root"],
      ["B", "a=b"],
    ]);
    expect(e.ret).toBe(0);
  });

  it("plain escapes, failed execs, abbreviated env, execveat", () => {
    const e = parseLine(
      '7 1.5 execve("/x", ["a\\"b", "c\\nd\\\\", "\\303\\251\\1"], 0x7ffd /* 39 vars */) = -1 ENOENT (No such file or directory)',
    ) as ExecEvent;
    expect(e.argv).toEqual(['a"b', "c\nd\\", "é\u0001"]);
    expect(e.env).toBeNull();
    expect(e.ret).toBe(-1);
    expect(e.errno).toBe("ENOENT");
    const at = parseLine('7 1.5 execveat(3, "", ["p"], ["A=1"], AT_EMPTY_PATH) = 0') as ExecEvent;
    expect(at.syscall).toBe("execveat");
    expect(at.dirfd).toBe("3");
    expect(at.env?.[0]?.key).toBe("A");
  });

  it("a string cut at -s is marked truncated", () => {
    const e = parseLine('1 1.0 execve("/bin/sh", ["sh", "-c", "abc"...], ["A=1"]) = 0') as ExecEvent;
    expect(e.truncated).toBe(true);
    expect(e.argv[2]).toBe("abc");
  });

  it("clone, clone3 threads, vfork, exits, signals", () => {
    const ev = parseAll(
      [
        "5 1.0 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 6",
        "5 1.1 clone3({flags=CLONE_VM|CLONE_THREAD|CLONE_SETTLS, exit_signal=0, stack=0x7f, stack_size=0x9000}, 88) = 7",
        "5 1.2 vfork() = 8",
        "6 1.3 +++ exited with 3 +++",
        "8 1.4 +++ killed by SIGSEGV (core dumped) +++",
        "5 1.5 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6} ---",
        "garbage",
      ].join("\n"),
    );
    expect(ev.map((e) => e.kind)).toEqual(["clone", "clone", "clone", "exit", "exit", "signal", "unknown"]);
    expect(ev[0]).toMatchObject({ child: 6, thread: false });
    expect(ev[1]).toMatchObject({ child: 7, thread: true });
    expect(ev[2]).toMatchObject({ child: 8, syscall: "vfork" });
    expect(ev[3]).toMatchObject({ code: 3 });
    expect(ev[4]).toMatchObject({ signal: "SIGSEGV", core: true });
  });

  it("joins <unfinished ...> and <... resumed> across pids, whatever the chunking", () => {
    const text = [
      "11535 1.0 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD <unfinished ...>",
      `11533 1.1 execve(${hex("/bin/true")}, [${hex("true")}], [${hex("A=1")}] <unfinished ...>`,
      "11536 1.2 +++ exited with 0 +++",
      "11533 1.3 <... execve resumed>) = 0",
      "11535 1.4 <... clone resumed>, child_tidptr=0x7f82a0379a10) = 11536",
      "",
    ].join("\n");
    const whole = parseAll(text);
    expect(whole.map((e) => e.kind)).toEqual(["exit", "exec", "clone"]);
    expect(whole[1]).toMatchObject({ pid: 11533, time: 1.1, ret: 0, argv: ["true"] });
    expect(whole[2]).toMatchObject({ pid: 11535, child: 11536 });
    // Byte by byte gives the same events.
    const out: TraceEvent[] = [];
    const p = new TraceParser((e) => out.push(e));
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 7) p.push(bytes.subarray(i, i + 7));
    p.end();
    expect(out).toEqual(whole);
  });

  it("keys-only: values are replaced by the digest as they are parsed", () => {
    const e = parseLine(execLine(1, "1.0", "/x", ["x"], ["TOKEN=secret-value"]), {
      valueDigest: () => new Uint8Array([1, 2, 3]),
    }) as ExecEvent;
    expect(e.env?.[0]).toMatchObject({ key: "TOKEN", value: "" });
    expect([...(e.env?.[0]?.raw ?? [])]).toEqual([1, 2, 3]);
  });
});

describe("strace line parser (properties)", () => {
  const bytes = fc.uint8Array({ maxLength: 64 });
  it("quoting round trip: -xx and plain escapes decode to the same bytes", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        for (const q of [quoteHex(b), quotePlain(b)]) {
          const d = decodeQuoted(`${q}, rest`, 0);
          expect(d).not.toBeNull();
          expect([...d!.bytes]).toEqual([...b]);
          expect(`${q}, rest`.slice(d!.end)).toBe(", rest");
        }
      }),
    );
  });

  it("argv and env survive an execve line in both encodings", () => {
    const str = fc.uint8Array({ minLength: 1, maxLength: 24 }).filter((b) => !b.includes(0));
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
    fc.assert(
      fc.property(
        fc.array(str, { maxLength: 4 }),
        fc.array(fc.tuple(key, str), { maxLength: 4 }),
        (argv, env) => {
          for (const q of [quoteHex, quotePlain]) {
            const envBytes = env.map(([k, v]) => Buffer.concat([Buffer.from(`${k}=`), Buffer.from(v)]));
            const line = `3 1.0 execve(${q(Buffer.from("/p"))}, [${argv.map(q).join(", ")}], [${envBytes.map(q).join(", ")}]) = 0`;
            const e = parseLine(line) as ExecEvent;
            expect(e.kind).toBe("exec");
            expect(e.argv.length).toBe(argv.length);
            expect(e.env?.map((x) => Buffer.from(x.raw).toString("hex"))).toEqual(
              env.map(([, v]) => Buffer.from(v).toString("hex")),
            );
          }
        },
      ),
    );
  });

  it("never throws, on any line or chunking", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200 })), fc.integer({ min: 1, max: 50 }), (lines, step) => {
        const p = new TraceParser(() => {});
        const b = Buffer.from(lines.join("\n"));
        for (let i = 0; i < b.length; i += step) p.push(b.subarray(i, i + step));
        p.end();
        for (const l of lines) parseLine(l);
        for (const l of lines) parseLine(`1 2.0 execve(${l}`);
      }),
    );
  });
});

describe("exec tree", () => {
  it("links a child whose exec comes before its parent's clone returns; callers and exits", () => {
    const base = ExecTree.baselineImage(1, new Map());
    const tree = new ExecTree(base);
    const text = [
      execLine(10, "1.0", "/bin/bash", ["bash", "-c", "x"], ["A=1"]),
      "10 1.1 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>",
      execLine(11, "1.2", "/nope/true", ["true"], ["A=1", "B=2"], "= -1 ENOENT (No such file or directory)"),
      execLine(11, "1.3", "/bin/true", ["true"], ["A=1", "B=2"]),
      "10 1.4 <... clone resumed>, child_tidptr=0x1) = 11",
      "11 1.5 +++ exited with 0 +++",
      "",
    ].join("\n");
    for (const e of parseAll(text)) tree.add(e);
    const root = tree.procs.get(10)!;
    const child = tree.procs.get(11)!;
    expect(tree.root).toBe(root);
    expect(child.parent).toBe(root);
    const img = child.images[0]!;
    expect(img.caller).toBe(root.images[0]);
    expect(img.forked).toBe(true);
    expect(img.failed).toEqual([{ path: "/nope/true", errno: "ENOENT" }]);
    expect(child.exit?.code).toBe(0);
    expect(root.images[0]!.caller).toBe(base);
    expect(tree.ancestry(img).map((i) => i.pid)).toEqual([1, 10, 11]);
  });
});
