import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../test/helpers/cli.js";

let dir: string;
let pid: string;
let kill: () => void;
let env: NodeJS.ProcessEnv;
const log = () => join(dir, "audit.log");
const oneLine = (s: string) => {
  expect(s.trimEnd().split("\n")).toHaveLength(1);
  expect(s).not.toMatch(/\n\s+at /);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "envtrace-audit-cli-"));
  env = { NO_COLOR: "1", ENVTRACE_FINGERPRINT_KEY_FILE: join(dir, "fp.key") };
  const child = spawn("sh", ["-c", "sleep 60; :"], {
    env: { PATH: "/usr/bin:/bin", APP_MODE: "prod", GITHUB_TOKEN: `ghp_${"Qw3Er5Ty7Ui9".repeat(3)}` },
    stdio: "ignore",
  });
  pid = String(child.pid);
  kill = () => child.kill("SIGKILL");
  await new Promise((r) => setTimeout(r, 100));
});
afterAll(() => {
  kill?.();
  rmSync(dir, { recursive: true, force: true });
});

describe("envtrace audit", () => {
  let jsonl: string;
  it("--audit-log on a report command; audit show --run prints what the run printed", async () => {
    const r = await runCli(["explain", "--pid", pid, "-o", "jsonl", "--audit-log", log()], { env });
    expect(r.code).toBe(0);
    jsonl = r.stdout;
    const run = JSON.parse(jsonl.split("\n")[0]!).run;
    const s = await runCli(["audit", "show", log(), "--run", run, "-o", "jsonl"], { env });
    expect(s.code).toBe(0);
    // The same events (records keep their fields in canonical order, so compare parsed).
    const parse = (t: string) =>
      t
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l));
    expect(parse(s.stdout)).toEqual(parse(jsonl));
    await runCli(["explain", "--pid", pid, "--audit-log", log()], { env });
    const all = await runCli(["audit", "show", log(), "-o", "json"], { env });
    expect(JSON.parse(all.stdout).subjects).toHaveLength(2);
  });

  it("verify in text says what the log holds and whether the chain is intact", async () => {
    const t = await runCli(["audit", "verify", log()], { env });
    expect(t.stdout).toMatch(/^\d+ record\(s\), 2 run\(s\) in /m);
    expect(t.stdout).toMatch(/^head: seq \d+ hash [0-9a-f]{64}$/m);
    expect(t.stdout).toMatch(/^chain intact$/m);
  });

  it("verify: exit 0 and the head when intact; a Report in every format", async () => {
    const v = await runCli(["audit", "verify", log(), "-o", "json"], { env });
    expect(v.code).toBe(0);
    expect(v.stderr).toMatch(
      /^envtrace: audit verify: intact: \d+ records, 2 runs, head seq=\d+ hash=[0-9a-f]{64}\n$/,
    );
    const doc = JSON.parse(v.stdout);
    expect(doc.subjects[0]).toMatchObject({
      kind: "audit-log",
      details: { intact: true, runs: 2 },
      findings: [],
    });
    for (const f of ["sarif", "junit", "syslog", "text"]) {
      expect((await runCli(["audit", "verify", log(), "-o", f], { env })).code, f).toBe(0);
    }
  });

  it("verify: exit 1 naming line, seq and damage; findings by id in SARIF", async () => {
    const ls = readFileSync(log(), "utf8").split("\n");
    const bad = join(dir, "edited.log");
    const at = ls.findIndex((l) => l.includes('"prod"'));
    writeFileSync(bad, ls.map((l, i) => (i === at ? l.replace('"prod"', '"dev"') : l)).join("\n"));
    const v = await runCli(["audit", "verify", bad, "-o", "sarif"], { env });
    expect(v.code).toBe(1);
    oneLine(v.stderr);
    expect(v.stderr).toMatch(new RegExp(`edited\\.log line ${at + 1} \\(seq ${at}\\): edited: `));
    const sarif = JSON.parse(v.stdout);
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: "ENVT-AUDIT-001", level: "error" });
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(at + 1);
  });

  it("bad input: one line, exit 1 for damage, exit 2 when nothing can be judged", async () => {
    const cases: Array<[string, string | Buffer, number, RegExp, string[]?]> = [
      [
        "binary.log",
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 10, 0xff, 10]),
        1,
        /line 1: corrupted: not a JSON record/,
      ],
      ["empty.log", "", 1, /empty\.log line 1: truncated: the file is empty/],
      ["huge.log", `${"x".repeat(1_100_000)}\n`, 1, /line 1: corrupted: the line is longer than/],
      [
        "future.log",
        `${JSON.stringify({ v: 7, seq: 0, hash: "0".repeat(64) })}\n`,
        1,
        /line 1 \(seq 0\): unknown-schema: record of schema v7/,
      ],
    ];
    for (const [name, content, code, re, extra] of cases) {
      const f = join(dir, name);
      writeFileSync(f, content);
      const r = await runCli(["audit", "verify", f, ...(extra ?? [])], { env });
      expect(r.code, name).toBe(code);
      oneLine(r.stderr);
      expect(r.stderr, name).toMatch(re);
    }
    const missing = await runCli(["audit", "verify", join(dir, "nope.log")], { env });
    expect(missing.code).toBe(2);
    oneLine(missing.stderr);
    expect(missing.stderr).toMatch(/nope\.log: cannot read the audit log \(ENOENT\)/);
    const head = await runCli(["audit", "verify", log(), "--expect-head", "xyz"], { env });
    expect(head.code).toBe(2);
    expect(head.stderr).toMatch(/--expect-head xyz: not a SHA-256 hash/);
  });

  it("keys: MACs written with --audit-key-file; wrong key exit 1, missing key exit 2, short key exit 2", async () => {
    const key = join(dir, "key");
    writeFileSync(key, `${"s".repeat(40)}\n`);
    const mlog = join(dir, "mac.log");
    expect(
      (await runCli(["explain", "--pid", pid, "--audit-log", mlog, "--audit-key-file", key], { env })).code,
    ).toBe(0);
    expect((await runCli(["audit", "verify", mlog, "--key-file", key], { env })).code).toBe(0);
    const viaEnv = await runCli(["audit", "verify", mlog], {
      env: { ...env, ENVTRACE_AUDIT_KEY: "s".repeat(40) },
    });
    expect(viaEnv.code).toBe(0);
    const wrong = join(dir, "wrong");
    writeFileSync(wrong, "w".repeat(40));
    const w = await runCli(["audit", "verify", mlog, "--key-file", wrong], { env });
    expect(w.code).toBe(1);
    oneLine(w.stderr);
    expect(w.stderr).toMatch(
      /mac\.log line 1 \(seq 0\): bad-mac: the record was MACed with key id [0-9a-f]{16}, not with this key/,
    );
    const none = await runCli(["audit", "verify", mlog], { env });
    expect(none.code).toBe(2);
    oneLine(none.stderr);
    expect(none.stderr).toMatch(/mac\.log line 1 \(seq 0\): the records carry MACs: give the key/);
    expect((await runCli(["audit", "verify", mlog, "--no-mac"], { env })).code).toBe(0);
    const short = join(dir, "short");
    writeFileSync(short, "abc");
    const s = await runCli(["audit", "verify", mlog, "--key-file", short], { env });
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/3 bytes, fewer than 16/);
    expect(s.stderr + w.stderr + none.stderr).not.toContain("s".repeat(20));
  });

  it("refuses before the scan: a missing directory, a bad --syslog URL, --reveal", async () => {
    for (const [argv, re] of [
      [["--audit-log", join(dir, "no", "a.log")], /--audit-log: .*does not exist/],
      [["--syslog", "http://x"], /--syslog: --syslog http:\/\/x: unknown transport 'http'/],
      [["--syslog", "tls://127.0.0.1:1?ca=/nonexistent"], /cannot read ca file/],
      [["--audit-log", log(), "--reveal"], /--reveal cannot be combined with --audit-log/],
      [
        ["--syslog-max-line", "100", "-o", "syslog"],
        /--syslog-max-line 100: give an integer of at least 480/,
      ],
    ] as Array<[string[], RegExp]>) {
      const r = await runCli(["explain", "--pid", pid, ...argv], { env });
      expect(r.code, argv.join(" ")).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe("");
    }
  });

  it("-o syslog honours --syslog-pen and --syslog-max-line", async () => {
    const r = await runCli(
      ["explain", "--pid", pid, "-o", "syslog", "--syslog-pen", "4711", "--syslog-max-line", "600"],
      {
        env,
      },
    );
    expect(r.code).toBe(0);
    for (const line of r.stdout.trimEnd().split("\n")) {
      expect(line).toContain("[envtrace@4711 ");
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(600);
    }
  });
});
