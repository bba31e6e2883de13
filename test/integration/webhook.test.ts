/**
 * The admission webhook over real HTTPS on loopback: a certificate made with `openssl`, AdmissionReview
 * requests built from public projects' manifests (test/fixtures/admission), dry-run, every bad input of
 * issue 15 (malformed JSON, wrong apiVersion, a kind that is not Pod-bearing, a 3 MB body, a slow client)
 * with the server still answering afterwards, certificate rotation, and the CLI as a process (SIGTERM).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import type { X509Certificate } from "node:crypto";
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdmissionEvent, severityEvaluator } from "../../src/fleet/admission.js";
import { startWebhookServer, type WebhookServer } from "../../src/fleet/webhook.js";
import { reviewOf, servingCert, workload } from "../helpers/admission.js";

const ROOT = new URL("../..", import.meta.url).pathname;
let dir = "";
let srv: WebhookServer;
const events: AdmissionEvent[] = [];
const logs: string[] = [];

const makeCert = (name: string, cn: string) => servingCert(dir, name, cn);

interface Reply {
  status: number;
  body: string;
  json(): {
    response: {
      uid: string;
      allowed: boolean;
      status?: { code: number; message: string };
      warnings?: string[];
    };
  };
}

function post(body: string | Buffer, path = "/validate", method = "POST", port = srv.port): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method,
        rejectUnauthorized: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const review = (obj: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  JSON.stringify(reviewOf(obj, over));

function peerCert(port = srv.port): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const s: TLSSocket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      const raw = s.getPeerX509Certificate();
      s.end();
      if (raw) resolve(raw);
      else reject(new Error("no peer certificate"));
    });
    s.on("error", reject);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "envtrace-webhook-"));
  const { cert, key } = makeCert("serving", "envtrace-webhook-1");
  srv = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    certFile: cert,
    keyFile: key,
    evaluator: severityEvaluator(),
    run: "it",
    headersTimeoutMs: 1_000,
    requestTimeoutMs: 2_000,
    reloadIntervalMs: 100,
    onEvent: (e) => events.push(e),
    log: (l) => logs.push(l),
  });
});

afterAll(async () => {
  await srv?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("envtrace webhook over HTTPS (loopback)", () => {
  it("denies the kubernetes.io MySQL Deployment with 403 naming rule, container and variable", async () => {
    const r = await post(review(workload("mysql-deployment.yaml")));
    expect(r.status).toBe(200);
    const res = r.json().response;
    expect(res.uid).toBe("uid-Deployment");
    expect(res.allowed).toBe(false);
    expect(res.status?.code).toBe(403);
    expect(res.status?.message).toMatch(/ENVT-K8S-001 env MYSQL_ROOT_PASSWORD of container mysql/);
    expect(r.body).not.toMatch(/"password"/);
  });

  it("allows checkoutservice and the StatefulSet; warns on a Secret through env; one event each", async () => {
    const before = events.length;
    expect((await post(review(workload("checkoutservice.yaml")))).json().response).toEqual({
      uid: "uid-Deployment",
      allowed: true,
    });
    expect((await post(review(workload("mysql-statefulset.yaml")))).json().response.allowed).toBe(true);
    const w = (await post(review(workload("pod-single-secret-env-variable.yaml")))).json().response;
    expect(w.allowed).toBe(true);
    expect(w.warnings?.[0]).toMatch(/ENVT-K8S-002 .*SECRET_USERNAME/);
    expect(events.slice(before).map((e) => e.code)).toEqual(["allow", "allow", "warn"]);
  });

  it("a dryRun request gets the same answer and no audit event", async () => {
    const before = events.length;
    const r = (await post(review(workload("mysql-deployment.yaml"), { dryRun: true }))).json().response;
    expect(r.allowed).toBe(false);
    expect(events.length).toBe(before);
  });

  it("bad input: malformed JSON, wrong apiVersion, not Pod-bearing, 3 MB body — answers, then keeps serving", async () => {
    const bad = await post('{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionRev');
    expect(bad.status).toBe(400);
    expect(bad.json().response.allowed).toBe(false);

    const old = await post(
      JSON.stringify({
        ...reviewOf(workload("checkoutservice.yaml")),
        apiVersion: "admission.k8s.io/v1beta1",
      }),
    );
    expect(old.status).toBe(400);
    expect(old.json().response.uid).toBe("uid-Deployment");

    const cm = await post(review({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: {} }));
    expect(cm.status).toBe(200);
    expect(cm.json().response.allowed).toBe(true);
    expect(cm.json().response.warnings?.[0]).toMatch(/not evaluated: kind ConfigMap/);

    const big = reviewOf(workload("checkoutservice.yaml"));
    (big.request as Record<string, unknown>).pad = "x".repeat(3 * 1024 * 1024);
    const huge = await post(JSON.stringify(big));
    expect(huge.status).toBe(413);
    expect(huge.json().response.status?.code).toBe(413);

    expect((await post("", "/validate", "GET")).status).toBe(405);
    expect((await post("", "/nope", "GET")).status).toBe(404);
    expect((await post(review(workload("checkoutservice.yaml")))).json().response.allowed).toBe(true);
    expect((await post("", "/healthz", "GET")).body).toBe("ok\n");
  });

  it("a 3 MB body streamed without Content-Length is cut at the cap (413)", async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: srv.port, path: "/validate", method: "POST", rejectUnauthorized: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", (e) => ((e as NodeJS.ErrnoException).code === "ECONNRESET" ? resolve(-1) : reject(e)));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 48; i++) req.write(chunk);
      req.end();
    });
    expect([413, -1]).toContain(r);
    expect((await post(review(workload("checkoutservice.yaml")))).status).toBe(200);
  });

  it("a slow client (headers never finished; body never finished) is disconnected, others are served meanwhile", async () => {
    const slow = (payload: string) =>
      new Promise<{ ms: number; data: string }>((resolve) => {
        const t0 = Date.now();
        let data = "";
        const s = connect({ host: "127.0.0.1", port: srv.port, rejectUnauthorized: false }, () =>
          s.write(payload),
        );
        s.on("data", (d) => (data += d));
        s.on("close", () => resolve({ ms: Date.now() - t0, data }));
        s.on("error", () => {});
      });
    const headers = slow("POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: applic");
    const body = slow('POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"apiVersion"');
    // Meanwhile a real request is answered at once.
    const t0 = Date.now();
    expect((await post(review(workload("checkoutservice.yaml")))).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1_000);
    const [h, b] = await Promise.all([headers, body]);
    expect(h.ms).toBeLessThan(5_000);
    expect(b.ms).toBeLessThan(5_000);
    expect(h.data).toMatch(/^HTTP\/1.1 408|^$/);
    expect(b.data).toMatch(/^HTTP\/1.1 408|^$/);
    expect((await post("", "/healthz", "GET")).status).toBe(200);
  }, 15_000);

  it("a client that connects and never starts the TLS handshake is dropped", async () => {
    const { connect: tcp } = await import("node:net");
    const t0 = Date.now();
    await new Promise<void>((resolve) => {
      const s = tcp(srv.port, "127.0.0.1");
      s.on("close", () => resolve());
      s.on("error", () => {});
    });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect((await post("", "/healthz", "GET")).status).toBe(200);
  }, 15_000);

  it("reloads a rotated certificate; a mismatched pair keeps the previous one", async () => {
    const first = await peerCert();
    expect(first.subject).toContain("envtrace-webhook-1");
    const next = makeCert("next", "envtrace-webhook-2");
    const live = { cert: join(dir, "serving.crt"), key: join(dir, "serving.key") };
    // Mid-rotation: the new cert with the old key does not load; the old pair stays in service.
    writeFileSync(live.cert, readFileSync(next.cert));
    await new Promise((r) => setTimeout(r, 400));
    expect((await peerCert()).subject).toContain("envtrace-webhook-1");
    expect(logs.some((l) => l.includes("not reloaded"))).toBe(true);
    writeFileSync(live.key, readFileSync(next.key));
    let now = await peerCert();
    for (let i = 0; i < 20 && !now.subject.includes("envtrace-webhook-2"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = await peerCert();
    }
    expect(now.subject).toContain("envtrace-webhook-2");
    expect((await post(review(workload("checkoutservice.yaml")))).status).toBe(200);
  });
});

describe("envtrace webhook /metrics", () => {
  it("counts decisions, verdicts by rule, refused bodies, reloads; exposes the certificate's expiry", async () => {
    const r = await post("", "/metrics", "GET");
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/envtrace_webhook_requests_total\{decision="deny",dry_run="false"\} [1-9]/);
    expect(r.body).toMatch(/envtrace_webhook_requests_total\{decision="deny",dry_run="true"\} 1/);
    expect(r.body).toMatch(/envtrace_webhook_requests_total\{decision="error",dry_run="false"\} [1-9]/);
    expect(r.body).toMatch(/envtrace_webhook_verdicts_total\{rule="ENVT-K8S-001",action="deny"\} [1-9]/);
    expect(r.body).toMatch(/envtrace_webhook_refused_total\{reason="too_large"\} [1-9]/);
    expect(r.body).toMatch(/envtrace_webhook_certificate_reloads_total\{result="ok"\} [1-9]/);
    expect(r.body).toMatch(/envtrace_webhook_certificate_reloads_total\{result="failed"\} [1-9]/);
    const expiry = Number(/envtrace_webhook_certificate_expiry_timestamp_seconds (\d+)/.exec(r.body)?.[1]);
    expect(expiry * 1000).toBeGreaterThan(Date.now());
    expect(r.body).toMatch(/envtrace_webhook_review_duration_seconds_count [1-9]/);
  });
});

describe("envtrace webhook as a process", () => {
  it("serves, prints one JSON line per decision (masked), stops on SIGTERM; --review answers from a file", async () => {
    const { cert, key } = makeCert("cli", "envtrace-cli");
    const child: ChildProcess = spawn(
      "node",
      ["bin/envtrace.js", "webhook", "--cert", cert, "--key", key, "--listen", "127.0.0.1:0"],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    for (let i = 0; i < 100 && !/https:\/\/[^:]+:(\d+)/.test(err); i++)
      await new Promise((r) => setTimeout(r, 100));
    const port = Number(/https:\/\/[^:]+:(\d+)/.exec(err)?.[1]);
    expect(port).toBeGreaterThan(0);
    const token = `ghp_${"Wh00kTok3n".repeat(3)}Ab12Cd`;
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "leaky", namespace: "shop" },
      spec: { containers: [{ name: "app", image: "busybox", env: [{ name: "API_TOKEN", value: token }] }] },
    };
    const r = await post(review(pod), "/validate", "POST", port);
    expect(r.json().response.allowed).toBe(false);
    for (let i = 0; i < 50 && !out.includes("\n"); i++) await new Promise((r) => setTimeout(r, 50));
    const line = JSON.parse(out.split("\n")[0]!) as AdmissionEvent;
    expect(line).toMatchObject({ type: "admission", code: "deny" });
    expect(out + err + r.body).not.toContain(token);
    const exit = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);

    const file = join(dir, "review.json");
    writeFileSync(file, review(pod));
    const cli = spawn("node", ["bin/envtrace.js", "webhook", "--review", file], { cwd: ROOT });
    let text = "";
    cli.stdout.on("data", (d) => (text += d));
    const code = await new Promise<number | null>((resolve) => cli.on("exit", resolve));
    expect(code).toBe(1);
    expect(JSON.parse(text).response.status.message).toContain("ENVT-K8S-001 env API_TOKEN");
    expect(text).not.toContain(token);
  }, 30_000);

  it("keeps answering when stdout is not read (events wait in a bounded queue, flushed at exit)", async () => {
    const { cert, key } = makeCert("stalled", "envtrace-stalled");
    // stdout is a pipe nobody reads (a FIFO whose read end this test holds and leaves alone): it fills
    // after 64 KiB; what follows waits in the webhook's bounded queue (src/fleet/event-lines.ts).
    const fifo = join(dir, "stalled-stdout");
    execFileSync("mkfifo", [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY);
    const child: ChildProcess = spawn(
      "node",
      ["bin/envtrace.js", "webhook", "--cert", cert, "--key", key, "--listen", "127.0.0.1:0"],
      { cwd: ROOT, stdio: ["ignore", writer, "pipe"] },
    );
    closeSync(writer);
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    for (let i = 0; i < 100 && !/https:\/\/[^:]+:(\d+)/.test(err); i++)
      await new Promise((r) => setTimeout(r, 100));
    const port = Number(/https:\/\/[^:]+:(\d+)/.exec(err)?.[1]);
    expect(port).toBeGreaterThan(0);
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "shop", labels: { pad: "x".repeat(60) } },
      spec: { containers: [{ name: "app", image: "busybox", env: [{ name: "MODE", value: "prod" }] }] },
    };
    const body = review(pod);
    let answered = 0;
    for (let i = 0; i < 600; i++) {
      const r = await Promise.race([
        post(body, "/validate", "POST", port),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`request ${i} stalled`)), 10_000),
        ),
      ]);
      if (r.status === 200) answered++;
    }
    expect(answered).toBe(600);
    // Nothing was dropped (600 events are far below the 8 MiB queue; drops: src/fleet/event-lines.test.ts):
    // on SIGTERM the queue is flushed, every event whole, one JSON line each.
    const exit = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    let out = "";
    const buf = Buffer.alloc(1 << 16);
    const read = () => {
      for (;;) {
        try {
          const n = readSync(reader, buf);
          if (n === 0) return;
          out += buf.subarray(0, n).toString("utf8");
        } catch {
          return; // EAGAIN: nothing more for now
        }
      }
    };
    const reading = setInterval(read, 5);
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    clearInterval(reading);
    read();
    closeSync(reader);
    const lines = out.split("\n").filter(Boolean);
    expect(lines.length).toBe(600);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ type: "admission" });
  }, 120_000);
});
