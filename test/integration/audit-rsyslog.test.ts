/**
 * The audit trail delivered to a real collector: Debian's rsyslog (imudp, imtcp with octet counting, imtcp
 * over gtls) started in the foreground on loopback, writing what it parsed to files. Every record of a run
 * must arrive over every transport with its RFC 5424 header and structured data intact; with rsyslog
 * stopped a run still ends in normal time with the drops counted; after a restart delivery resumes; the
 * capture then serves as the witness for `audit verify`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syslogEventOf } from "../../src/audit/deliver.js";
import type { AuditRecord } from "../../src/audit/record.js";
import { formatSyslog, parseSyslog } from "../../src/report/syslog.js";
import { runCli } from "../helpers/cli.js";
import { type Collector, collector, RSYSLOGD, until } from "../helpers/rsyslog.js";

let dir: string;
let c: Collector;
let child: ChildProcess;
const SECRET = `ghp_${"Zr8Lq2Xm4Np6".repeat(3)}`;
let env: NodeJS.ProcessEnv;

const records = (f: string): AuditRecord[] =>
  readFileSync(f, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const sdParams = (sd: string) => new Map(parseSyslog(`<13>1 - - - - - ${sd}`).sd[0]!.params);

beforeAll(async () => {
  if (!RSYSLOGD) throw new Error("rsyslogd not found: run scripts/install-test-deps.sh");
  dir = mkdtempSync(join(tmpdir(), "envtrace-rsyslog-"));
  c = await collector(join(dir, "collector"));
  await c.start();
  child = spawn("sh", ["-c", "sleep 120; :"], {
    env: { PATH: "/usr/bin:/bin", APP_MODE: "prod", GITHUB_TOKEN: SECRET, WEIRD: 'a"b]c\\d é' },
    stdio: "ignore",
  });
  env = { NO_COLOR: "1", ENVTRACE_FINGERPRINT_KEY_FILE: join(dir, "fp.key"), PATH: process.env.PATH };
  await new Promise((r) => setTimeout(r, 100));
}, 60_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  await c?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("syslog delivery to a real rsyslog", () => {
  const log = () => join(dir, "audit.log");
  const all = () => ["--syslog", c.urls.udp, "--syslog", c.urls.tcp, "--syslog", c.urls.tls];

  it("every record arrives over UDP, TCP and TLS with header and structured data intact", async () => {
    const r = await runCli(
      ["explain", "--pid", String(child.pid), "--audit-log", log(), ...all(), "-o", "json"],
      {
        env,
      },
    );
    expect(r.stderr).toMatch(/head seq=\d+ hash=[0-9a-f]{64}/);
    expect(r.stderr).not.toMatch(/not delivered/);
    expect(r.code).toBe(0);
    const recs = records(log());
    expect(recs.length).toBeGreaterThan(4);
    for (const kind of ["udp", "tcp", "tls"] as const) {
      await until(() => c.received(kind).length >= recs.length, 10_000, `${recs.length} lines over ${kind}`);
      const got = c.received(kind);
      expect(got).toHaveLength(recs.length);
      const bySeq = new Map(got.map((g) => [sdParams(g.sd).get("seq"), g]));
      for (const rec of recs) {
        const g = bySeq.get(String(rec.seq));
        expect(g, `${kind} seq ${rec.seq}`).toBeDefined();
        const sent = parseSyslog(formatSyslog(syslogEventOf(rec)));
        expect(g!.hostname).toBe(rec.host);
        expect(g!.app).toBe("envtrace");
        expect(g!.msgid).toBe(sent.msgId);
        expect(Number(g!.pri)).toBe(sent.pri);
        expect(new Date(g!.timestamp).toISOString()).toBe(rec.time);
        expect(sdParams(g!.sd)).toEqual(new Map(sent.sd[0]!.params));
        expect(g!.msg).toBe(sent.msg);
        expect(sdParams(g!.sd).get("hash")).toBe(rec.hash);
      }
      expect(readFileSync(c.file(kind), "utf8")).not.toContain(SECRET);
    }
    // The value with quotes, backslash, bracket and UTF-8 came through the escaping unchanged.
    const weird = c.received("tls").find((g) => sdParams(g.sd).get("key") === "WEIRD")!;
    expect(sdParams(weird.sd).get("value")).toBe('a"b]c\\d é');
    // The run-end carries the head; the capture is a witness for audit verify.
    const end = c.received("tcp").find((g) => g.msgid === "run-end")!;
    expect(sdParams(end.sd).get("hash")).toBe(recs.at(-1)!.hash);
    const v = await runCli(["audit", "verify", log(), "--witness", c.file("tcp")], { env });
    expect(v.code).toBe(0);
    const cut = join(dir, "cut.log");
    writeFileSync(cut, `${readFileSync(log(), "utf8").split("\n").slice(0, 3).join("\n")}\n`);
    const t = await runCli(["audit", "verify", cut, "--witness", c.file("tcp")], { env });
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/^envtrace: audit verify: .*cut\.log line 4.*truncated: the witness/);
  }, 60_000);

  it("a wrong server name is refused (TLS name check): drops counted, the run still succeeds", async () => {
    const bad = c.urls.tls.replace("servername=localhost", "servername=not-this-host.example");
    const r = await runCli(["explain", "--pid", String(child.pid), "--syslog", `${bad}&timeout=300`], {
      env,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /syslog tls:\/\/127\.0\.0\.1:\d+: \d+ of \d+ messages not delivered \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
    );
  });

  it("TLS with a client certificate: refused without it, delivered with it", async () => {
    const args = ["explain", "--pid", String(child.pid)];
    // rsyslog refuses a missing client certificate only after the handshake: on a loaded machine its abort
    // can come later than 0.5 s, so the sink waits up to 3 s for the collector's side before it counts.
    const without = await runCli([...args, "--syslog", `${c.urls.mtls}&timeout=3000`], { env });
    expect(without.code).toBe(0);
    expect(without.stderr).toMatch(/syslog tls:\/\/127\.0\.0\.1:\d+: \d+ of \d+ messages not delivered/);
    const cert = `&cert=${encodeURIComponent(join(c.dir, "client.pem"))}&key=${encodeURIComponent(join(c.dir, "client.key"))}`;
    const n = c.received("mtls").length;
    const r = await runCli([...args, "--syslog", `${c.urls.mtls}${cert}`, "-o", "jsonl"], { env });
    expect(r.stderr).not.toMatch(/not delivered/);
    const events = r.stdout.trimEnd().split("\n").length;
    // run-start + events + run-end
    await until(() => c.received("mtls").length >= n + events + 2, 10_000, "mTLS delivery");
  }, 30_000);

  it("with rsyslog stopped a run ends in normal time, drops counted; after a restart delivery resumes", async () => {
    await c.stop();
    const before = c.received("tcp").length;
    const t0 = performance.now();
    const r = await runCli(
      [
        "explain",
        "--pid",
        String(child.pid),
        "--audit-log",
        log(),
        "--syslog",
        c.urls.tcp,
        "--syslog",
        c.urls.tls,
        "-o",
        "json",
      ],
      { env },
    );
    const ms = performance.now() - t0;
    expect(r.code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(r.stderr).toMatch(
      /syslog tcp:\/\/127\.0\.0\.1:\d+: (\d+) of \1 messages not delivered \(ECONNREFUSED\)/,
    );
    const doc = JSON.parse(r.stdout);
    const issues = doc.issues.filter((i: { code: string }) => i.code === "UNAVAILABLE");
    expect(issues.map((i: { subject: string }) => i.subject)).toEqual([
      `syslog tcp://127.0.0.1:${c.ports.tcp}`,
      `syslog tls://127.0.0.1:${c.ports.tls}`,
    ]);
    const end = records(log()).at(-1)!;
    expect(end.type).toBe("run-end");
    const s = end.payload.syslog as { sent: number; dropped: number };
    expect(s.sent).toBe(0);
    expect(s.dropped).toBe(2 * ((end.payload.records as number) - 1));
    await c.start();
    const r2 = await runCli(
      ["explain", "--pid", String(child.pid), "--audit-log", log(), "--syslog", c.urls.tcp],
      {
        env,
      },
    );
    expect(r2.stderr).not.toMatch(/not delivered/);
    const n = records(log()).filter((x) => x.run === records(log()).at(-1)!.run).length;
    await until(() => c.received("tcp").length >= before + n, 10_000, "delivery after the restart");
    expect((await runCli(["audit", "verify", log()], { env })).code).toBe(0);
  }, 60_000);
});
