/**
 * A real rsyslog (Debian's rsyslog + rsyslog-gnutls) in the foreground on loopback, for the audit tests and
 * bench: UDP, TCP (octet counting) and TLS (gtls, a CA and server certificate made here with openssl)
 * inputs, each writing what rsyslog parsed (RFC 5424 fields and structured data) as JSON lines to its own
 * file. Everything (config, work directory, pid file, certificates, output) lives in one temporary
 * directory; the system's rsyslog configuration is never read or touched.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";

export const RSYSLOGD = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"].find((p) => existsSync(p));

export interface Collector {
  dir: string;
  ports: { udp: number; tcp: number; tls: number; mtls: number };
  ca: string;
  /** `mtls` requires a client certificate signed by the test CA (`client.pem`, `client.key`). */
  urls: { udp: string; tcp: string; tls: string; mtls: string };
  file(kind: Kind): string;
  /** Parsed lines received so far on one input. */
  received(kind: Kind): ParsedByRsyslog[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type Kind = "udp" | "tcp" | "tls" | "mtls";

export interface ParsedByRsyslog {
  pri: string;
  timestamp: string;
  hostname: string;
  app: string;
  procid: string;
  msgid: string;
  sd: string;
  msg: string;
}

async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.bind(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function certificates(dir: string): void {
  const o = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  o([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=envtrace test CA",
  ]);
  o(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"]);
  writeFileSync(join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  o([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "san.ext",
  ]);
  o(["req", ...ec, "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=envtrace client"]);
  o([
    "x509",
    "-req",
    "-in",
    "client.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "client.pem",
    "-days",
    "2",
  ]);
}

function config(dir: string, ports: Collector["ports"]): string {
  const fields = ["pri", "timestamp", "hostname", "app", "procid", "msgid", "sd", "msg"];
  const props: Record<string, string> = {
    pri: "pri",
    timestamp: "timereported",
    hostname: "hostname",
    app: "app-name",
    procid: "procid",
    msgid: "msgid",
    sd: "structured-data",
    msg: "msg",
  };
  const tpl = fields
    .map(
      (f, i) =>
        `  property(name="${props[f]}" outname="${f}" format="jsonf"${f === "timestamp" ? ' dateFormat="rfc3339"' : ""})${i < fields.length - 1 ? '\n  constant(value=",")' : ""}`,
    )
    .join("\n");
  const rules = (["udp", "tcp", "tls", "mtls"] as const)
    .map(
      (k) =>
        `ruleset(name="${k}") { action(type="omfile" file="${join(dir, `${k}.jsonl`)}" template="parsed") }`,
    )
    .join("\n");
  return `global(
  workDirectory="${join(dir, "work")}"
  maxMessageSize="64k"
  defaultNetstreamDriverCAFile="${join(dir, "ca.pem")}"
  defaultNetstreamDriverCertFile="${join(dir, "server.pem")}"
  defaultNetstreamDriverKeyFile="${join(dir, "server.key")}"
)
module(load="imudp")
module(load="imtcp" maxSessions="100")
template(name="parsed" type="list") {
  constant(value="{")
${tpl}
  constant(value="}\\n")
}
${rules}
input(type="imudp" address="127.0.0.1" port="${ports.udp}" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="${ports.tcp}" ruleset="tcp" name="tcp")
input(type="imtcp" address="127.0.0.1" port="${ports.tls}" ruleset="tls" name="tls"
      streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="${ports.mtls}" ruleset="mtls" name="mtls"
      streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="x509/certvalid")
`;
}

async function waitPort(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export async function collector(dir: string): Promise<Collector> {
  if (!RSYSLOGD)
    throw new Error(
      "rsyslogd not found: run scripts/install-test-deps.sh (Debian packages rsyslog rsyslog-gnutls)",
    );
  mkdirSync(join(dir, "work"), { recursive: true });
  certificates(dir);
  const ports = {
    udp: await freeUdpPort(),
    tcp: await freeTcpPort(),
    tls: await freeTcpPort(),
    mtls: await freeTcpPort(),
  };
  const conf = join(dir, "rsyslog.conf");
  writeFileSync(conf, config(dir, ports));
  const check = spawnSync(RSYSLOGD, ["-N1", "-f", conf], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`rsyslog rejects the test config: ${check.stderr}`);
  let proc: ChildProcess | undefined;
  const ca = join(dir, "ca.pem");
  const c: Collector = {
    dir,
    ports,
    ca,
    urls: {
      udp: `udp://127.0.0.1:${ports.udp}`,
      tcp: `tcp://127.0.0.1:${ports.tcp}`,
      tls: `tls://127.0.0.1:${ports.tls}?ca=${encodeURIComponent(ca)}&servername=localhost`,
      mtls: `tls://127.0.0.1:${ports.mtls}?ca=${encodeURIComponent(ca)}&servername=localhost`,
    },
    file: (k) => join(dir, `${k}.jsonl`),
    received(k) {
      const f = join(dir, `${k}.jsonl`);
      if (!existsSync(f)) return [];
      return readFileSync(f, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    },
    async start() {
      proc = spawn(RSYSLOGD, ["-n", "-f", conf, "-i", join(dir, "rsyslogd.pid")], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      let err = "";
      proc.stderr?.on("data", (d) => (err += d));
      const up =
        (await waitPort(ports.tcp, 10_000)) &&
        (await waitPort(ports.tls, 10_000)) &&
        (await waitPort(ports.mtls, 10_000));
      if (!up) throw new Error(`rsyslogd did not listen: ${err.slice(0, 500)}`);
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once("exit", () => resolve());
        p.kill("SIGTERM");
      });
    },
  };
  return c;
}

/** Waits until `pred` holds (polling), or throws after `ms`. */
export async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
