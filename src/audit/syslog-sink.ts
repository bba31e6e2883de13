/**
 * Delivers RFC 5424 lines to a collector: `udp://host:514` (RFC 5426: one message per datagram, capped),
 * `tcp://host:601` (RFC 6587 octet counting: `LEN SP MSG`), `tls://host:6514` (RFC 5425: the same framing
 * over TLS; `?ca=FILE` trusted CA, `?cert=FILE&key=FILE` client certificate, `?servername=NAME` the name
 * the server's certificate must carry, default the host). `?timeout=MS` bounds the wait at the end of a run
 * (default 1000); `?queue=N` the messages held while disconnected (default 10000).
 *
 * A dead collector never blocks or fails a run: messages wait in a bounded queue (the oldest is dropped
 * when full), the connection is retried with exponential back-off (100 ms doubling to 5 s, with jitter),
 * sockets and timers never keep the process alive, and whatever is still queued when the run's wait is
 * over is counted as dropped. What the kernel accepted is counted as sent: TCP syslog has no
 * acknowledgements (RFC 6587 §3.4), and UDP cannot tell a listening collector from none.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { isIP, type Socket, connect as tcpConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";

export interface SyslogTarget {
  url: string;
  proto: "udp" | "tcp" | "tls";
  host: string;
  port: number;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
  timeoutMs: number;
  queueMax: number;
}

export class SyslogUrlError extends Error {}

const DEFAULT_PORT = { udp: 514, tcp: 601, tls: 6514 } as const;
/** The largest UDP payload over IPv4. */
const UDP_MAX = 65_507;

/** Parses and checks a `--syslog` URL (reading its CA and certificate files). */
export function parseSyslogUrl(s: string): SyslogTarget {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new SyslogUrlError(
      `--syslog ${s}: not a URL: use udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT`,
    );
  }
  const proto = u.protocol.replace(/:$/, "");
  if (proto !== "udp" && proto !== "tcp" && proto !== "tls")
    throw new SyslogUrlError(`--syslog ${s}: unknown transport '${proto}': use udp, tcp or tls`);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new SyslogUrlError(`--syslog ${s}: no host`);
  const port = u.port ? Number(u.port) : DEFAULT_PORT[proto];
  const read = (name: string) => {
    const f = u.searchParams.get(name);
    if (!f) return undefined;
    try {
      return readFileSync(f);
    } catch (err) {
      throw new SyslogUrlError(
        `--syslog ${u.protocol}//${u.host}: cannot read ${name} file ${f} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  };
  const num = (name: string, def: number, min: number) => {
    const v = u.searchParams.get(name);
    if (v === null) return def;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min)
      throw new SyslogUrlError(`--syslog ${u.protocol}//${u.host}: ${name}=${v} is not an integer ≥ ${min}`);
    return n;
  };
  const t: SyslogTarget = {
    url: `${proto}://${u.host}`,
    proto,
    host,
    port,
    timeoutMs: num("timeout", 1000, 0),
    queueMax: num("queue", 10_000, 1),
  };
  if (proto === "tls") {
    const ca = read("ca");
    const cert = read("cert");
    const key = read("key");
    if (ca) t.ca = ca;
    if (cert) t.cert = cert;
    if (key) t.key = key;
    if (!!cert !== !!key) throw new SyslogUrlError(`--syslog ${t.url}: give both cert= and key=, or neither`);
    const sn = u.searchParams.get("servername");
    if (sn) t.servername = sn;
  }
  return t;
}

export interface SinkStats {
  url: string;
  sent: number;
  dropped: number;
  /** The last connection or write error (a code such as ECONNREFUSED). */
  lastError?: string;
  connects: number;
}

/** One collector. `send` never throws and never waits. */
export class SyslogSink {
  readonly stats: SinkStats;
  private queue: string[] = [];
  private head = 0;
  private sock: Socket | undefined;
  private udp: UdpSocket | undefined;
  private connected = false;
  private connecting = false;
  private attempts = 0;
  private retry: NodeJS.Timeout | undefined;
  private inflight = 0;
  private closed = false;
  private waiters: Array<() => void> = [];
  /** Messages handed to the kernel on the current connection (unconfirmed until it closes cleanly). */
  private connSent = 0;

  constructor(
    readonly target: SyslogTarget,
    private readonly maxMessageBytes = 8192,
  ) {
    this.stats = { url: target.url, sent: 0, dropped: 0, connects: 0 };
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  send(line: string): void {
    if (this.closed) {
      this.stats.dropped++;
      return;
    }
    if (this.target.proto === "udp") {
      this.sendUdp(line);
      return;
    }
    if (this.queued >= this.target.queueMax) {
      this.head++;
      this.stats.dropped++;
    }
    this.queue.push(line);
    if (this.connected) this.pump();
    else if (!this.connecting && !this.retry) this.connect();
  }

  private sendUdp(line: string): void {
    if (!this.udp) {
      this.udp = createSocket(isIP(this.target.host) === 6 ? "udp6" : "udp4");
      this.udp.unref();
      this.udp.on("error", (err) => {
        this.stats.lastError = (err as NodeJS.ErrnoException).code ?? err.message;
      });
    }
    let buf = Buffer.from(line, "utf8");
    const cap = Math.min(UDP_MAX, this.maxMessageBytes);
    if (buf.length > cap) buf = buf.subarray(0, cap); // formatSyslog already keeps lines within the cap
    this.inflight++;
    this.udp.send(buf, this.target.port, this.target.host, (err) => {
      if (this.closed) return;
      this.inflight--;
      if (err) {
        this.stats.dropped++;
        this.stats.lastError = (err as NodeJS.ErrnoException).code ?? err.message;
      } else this.stats.sent++;
      this.wake();
    });
  }

  private connect(): void {
    if (this.closed) return;
    this.connecting = true;
    const t = this.target;
    const sock: Socket =
      t.proto === "tls"
        ? tlsConnect({
            host: t.host,
            port: t.port,
            ...(t.ca ? { ca: t.ca } : {}),
            ...(t.cert && t.key ? { cert: t.cert, key: t.key } : {}),
            ...(t.servername ? { servername: t.servername } : isIP(t.host) ? {} : { servername: t.host }),
            rejectUnauthorized: true,
          })
        : tcpConnect({ host: t.host, port: t.port });
    this.sock = sock;
    sock.unref();
    sock.setNoDelay(true);
    sock.setTimeout(Math.max(1000, t.timeoutMs), () => {
      if (!this.connected) sock.destroy(Object.assign(new Error("connect timeout"), { code: "ETIMEDOUT" }));
    });
    sock.once(t.proto === "tls" ? "secureConnect" : "connect", () => {
      this.connecting = false;
      this.connected = true;
      this.attempts = 0;
      this.connSent = 0;
      this.stats.connects++;
      sock.setTimeout(0);
      this.pump();
    });
    sock.on("drain", () => this.pump());
    // A collector does not talk back; reading keeps a half-closed connection from going unnoticed.
    sock.on("data", () => {});
    sock.on("error", (err) => {
      this.stats.lastError = (err as NodeJS.ErrnoException).code ?? err.message;
      // The collector aborted the connection (a refused client certificate is only seen after the
      // handshake): what was written on it is not known to have arrived.
      this.stats.sent -= this.connSent;
      this.stats.dropped += this.connSent;
      this.connSent = 0;
    });
    sock.on("close", () => {
      if (this.sock !== sock) return;
      this.sock = undefined;
      this.connected = false;
      this.connecting = false;
      if (!this.closed) this.scheduleRetry();
      this.wake();
    });
  }

  private scheduleRetry(): void {
    if (this.retry || this.closed) return;
    const delay = Math.min(5000, 100 * 2 ** this.attempts) * (0.75 + Math.random() * 0.5);
    this.attempts = Math.min(this.attempts + 1, 10);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.queued > 0 && !this.connected && !this.connecting) this.connect();
    }, delay);
    this.retry.unref();
  }

  private pump(): void {
    const sock = this.sock;
    while (sock && this.connected && this.queued > 0 && !sock.writableNeedDrain) {
      const msg = this.queue[this.head++]!;
      const frame = `${Buffer.byteLength(msg, "utf8")} ${msg}`;
      this.inflight++;
      sock.write(frame, (err) => {
        if (this.closed) return;
        this.inflight--;
        if (err) this.stats.dropped++;
        else {
          this.stats.sent++;
          if (this.sock === sock) this.connSent++;
        }
        this.wake();
      });
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.wake();
  }

  private wake(): void {
    if (this.queued === 0 && this.inflight === 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
  }

  /** Waits until everything queued was handed to the kernel, or `ms` passed. */
  flush(ms = this.target.timeoutMs): Promise<void> {
    if (this.queued === 0 && this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      // Not unref'd: while a run waits for delivery, this timer keeps the process alive (sockets are unref'd).
      const timer = setTimeout(done, ms);
      this.waiters.push(done);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /**
   * Drops what is still queued (counted) and closes the connection gracefully, waiting at most `ms` for the
   * collector to close its side: an abort instead (an error) turns this connection's messages into drops.
   */
  async close(ms = 300): Promise<SinkStats> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.stats.dropped += this.queued + this.inflight;
    this.queue = [];
    this.head = 0;
    this.inflight = 0;
    const s = this.sock;
    if (s) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        s.once("close", done);
        s.end();
        function done() {
          clearTimeout(timer);
          resolve();
        }
      });
      this.sock = undefined;
      s.destroy();
    }
    if (this.udp) {
      this.udp.close();
      this.udp = undefined;
    }
    return { ...this.stats };
  }
}
