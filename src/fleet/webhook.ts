/**
 * The HTTPS server of `envtrace webhook`: `POST /validate` answers AdmissionReviews through
 * {@link reviewAdmission}; `GET /healthz` and `/readyz` for the kubelet's probes, `GET /metrics` for Prometheus. The certificate and key
 * are re-read when either file changes (stat polling: a Secret volume swaps a `..data` symlink, which
 * `fs.watch` on the file misses), and a pair that does not load keeps the previous one in service.
 *
 * Bad clients cost little: bodies above the cap get 413 (from `Content-Length` before reading, or as soon
 * as the stream passes it), headers must arrive within `headersTimeoutMs`, the whole request within
 * `requestTimeoutMs`; an exception in a handler answers 500 and the server goes on.
 */
import { readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { createSecureContext } from "node:tls";
import {
  type AdmissionEvent,
  DEFAULT_MAX_BODY_BYTES,
  type ReviewOptions,
  type ReviewOutcome,
  reviewAdmission,
} from "./admission.js";
import { WebhookMetrics } from "./webhook-metrics.js";

export interface WebhookServerOptions extends ReviewOptions {
  host: string;
  port: number;
  certFile: string;
  keyFile: string;
  maxBodyBytes?: number;
  /** Time for a client to send its headers (default 5 s). */
  headersTimeoutMs?: number;
  /** Time for a client to send its whole request (default 10 s, the API server's default webhook timeout). */
  requestTimeoutMs?: number;
  /** How often the cert and key files are checked for a change (default 10 s). */
  reloadIntervalMs?: number;
  /** Every answered review (events of dry-run requests are absent). */
  onReview?(outcome: ReviewOutcome): void;
  onEvent?(event: AdmissionEvent): void;
  /** Operational messages (reloads, failures); never a value. */
  log?(line: string): void;
  /** Served at `/metrics` (a fresh one when absent). */
  metrics?: WebhookMetrics;
}

export interface WebhookServer {
  server: Server;
  metrics: WebhookMetrics;
  port: number;
  /** Re-reads the cert and key now; false when the pair did not load (the previous one stays). */
  reload(): boolean;
  close(): Promise<void>;
}

function fileStamp(f: string): string {
  try {
    const s = statSync(f);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return "missing";
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain" : "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function tooLarge(max: number): object {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    response: {
      uid: "",
      allowed: false,
      status: {
        code: 413,
        reason: "RequestEntityTooLarge",
        message: `envtrace: request body above ${max} bytes`,
      },
    },
  };
}

/** Starts the webhook; resolves once it listens. */
export function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  const max = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = o.log ?? (() => {});
  const metrics = o.metrics ?? new WebhookMetrics();
  const initial = { cert: readFileSync(o.certFile), key: readFileSync(o.keyFile) };
  createSecureContext(initial); // a bad pair at start is a start-up error, not a silent first failure
  metrics.certificate(initial.cert);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz" || path === "/readyz") {
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "method not allowed\n");
      return send(res, 200, "ok\n");
    }
    if (path === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
      metrics.text().then(
        (text) => {
          if (res.headersSent) return;
          res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text);
        },
        () => send(res, 500, "metrics unavailable\n"),
      );
      return;
    }
    if (path !== "/validate") return send(res, 404, "not found\n");
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return send(res, 405, "POST an AdmissionReview\n");
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > max) {
      metrics.refused.inc({ reason: "too_large" });
      send(res, 413, tooLarge(max));
      req.resume(); // drain what is in flight; the connection closes after the answer
      res.shouldKeepAlive = false;
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) {
        done = true;
        metrics.refused.inc({ reason: "too_large" });
        res.shouldKeepAlive = false;
        send(res, 413, tooLarge(max));
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on("error", () => {
      done = true;
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      const t0 = performance.now();
      const outcome = reviewAdmission(Buffer.concat(chunks).toString("utf8"), o);
      send(res, outcome.status, outcome.body);
      try {
        metrics.observe(outcome, (performance.now() - t0) / 1000, outcome.verdicts);
        o.onReview?.(outcome);
        if (outcome.event) o.onEvent?.(outcome.event);
      } catch (err) {
        log(`envtrace webhook: event sink failed: ${(err as Error).message}`);
      }
    });
  };

  const server = createServer(
    {
      ...initial,
      minVersion: "TLSv1.2",
      // A client that connects and never completes the TLS handshake (Node's default waits 120 s).
      handshakeTimeout: o.headersTimeoutMs ?? 5_000,
      headersTimeout: o.headersTimeoutMs ?? 5_000,
      requestTimeout: o.requestTimeoutMs ?? 10_000,
      // How often the two timeouts above are enforced (Node's default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, o.headersTimeoutMs ?? 1_000),
      keepAliveTimeout: 30_000,
    },
    (req, res) => {
      try {
        handle(req, res);
      } catch (err) {
        log(`envtrace webhook: handler failed: ${(err as Error).message}`);
        send(res, 500, "internal error\n");
      }
    },
  );
  server.on("tlsClientError", () => {}); // a client that fails the handshake is its own problem

  let stamp = `${fileStamp(o.certFile)}|${fileStamp(o.keyFile)}`;
  const reload = (): boolean => {
    try {
      const pair = { cert: readFileSync(o.certFile), key: readFileSync(o.keyFile) };
      createSecureContext(pair); // throws on a mismatched or half-written pair
      server.setSecureContext({ ...pair, minVersion: "TLSv1.2" });
      metrics.certificate(pair.cert);
      metrics.reloads.inc({ result: "ok" });
      log("envtrace webhook: certificate reloaded");
      return true;
    } catch (err) {
      metrics.reloads.inc({ result: "failed" });
      log(`envtrace webhook: certificate not reloaded (kept the previous one): ${(err as Error).message}`);
      return false;
    }
  };
  const timer = setInterval(() => {
    const now = `${fileStamp(o.certFile)}|${fileStamp(o.keyFile)}`;
    if (now === stamp) return;
    // Mid-rotation the key may not match the cert yet: retry on the next tick until the pair loads.
    if (reload()) stamp = now;
  }, o.reloadIntervalMs ?? 10_000);
  timer.unref();

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      const addr = server.address();
      resolve({
        server,
        metrics,
        port: typeof addr === "object" && addr ? addr.port : o.port,
        reload,
        close: () =>
          new Promise<void>((r) => {
            clearInterval(timer);
            server.close(() => r());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
