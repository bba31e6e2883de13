/**
 * `envtrace k8s explain --live` against recorded API responses.
 *
 * No Kubernetes API server can run on this machine (no container runtime with the privileges kind or k3s
 * need, no network), so the API is a loopback HTTP server that answers the real client's GETs with the
 * recorded objects in test/fixtures/k8s/live/api-chain/responses/ and a real-shaped `Status` for 403/404.
 * Everything else is real: the kubeconfig is loaded and applied by @kubernetes/client-node (bearer token),
 * the CLI runs in-process, and we check which requests it made.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { single } from "../helpers/report.js";

const ROOT = "test/fixtures/k8s/live/api-chain/responses";
const TOKEN = "test-bearer-token-for-loopback";

interface Seen {
  path: string;
  auth: string | undefined;
}

let server: Server;
let dir: string;
let kubeconfig: string;
const seen: Seen[] = [];
const forbidden = new Set<string>();

function status(code: number, reason: string, message: string) {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    seen.push({ path, auth: req.headers.authorization });
    res.setHeader("Content-Type", "application/json");
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 401;
      res.end(JSON.stringify(status(401, "Unauthorized", "Unauthorized")));
      return;
    }
    const kind = path.split("/").at(-2) ?? "";
    if ([...forbidden].some((f) => path.includes(`/${f}/`) || path.endsWith(`/${f}`))) {
      res.statusCode = 403;
      res.end(
        JSON.stringify(
          status(
            403,
            "Forbidden",
            `${kind} is forbidden: User "system:serviceaccount:shop:envtrace" cannot get resource "${kind}"`,
          ),
        ),
      );
      return;
    }
    try {
      res.end(readFileSync(join(ROOT, `${path}.json`)));
    } catch {
      res.statusCode = 404;
      res.end(JSON.stringify(status(404, "NotFound", `${kind} not found`)));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  dir = mkdtempSync(join(tmpdir(), "envtrace-k8s-live-"));
  kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: loopback
  cluster:
    server: http://127.0.0.1:${port}
    insecure-skip-tls-verify: true
users:
- name: envtrace
  user:
    token: ${TOKEN}
contexts:
- name: loopback
  context: {cluster: loopback, user: envtrace, namespace: shop}
current-context: loopback
`,
  );
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const POD = "shop/api-7c9f8d6b5-klpv2";

describe("k8s explain --live (recorded API responses on loopback)", () => {
  it("reads the pod, its owners, ConfigMaps and Services — never Secrets without --resolve-secrets", async () => {
    seen.length = 0;
    const r = await runCli(["k8s", "explain", "--live", POD, "--format", "json"], {
      env: { NO_COLOR: "1", KUBECONFIG: kubeconfig },
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(seen.every((s) => s.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(seen.map((s) => s.path)).toEqual([
      "/api/v1/namespaces/shop/pods/api-7c9f8d6b5-klpv2",
      "/apis/apps/v1/namespaces/shop/replicasets/api-7c9f8d6b5",
      "/apis/apps/v1/namespaces/shop/deployments/api",
      "/api/v1/namespaces/shop/configmaps/api-config",
      "/api/v1/namespaces/shop/services",
      "/api/v1/namespaces/default/services/kubernetes",
    ]);
    const doc = single(r.stdout);
    expect(doc.subject).toMatchObject({ kind: "pod-container", name: "shop/api-7c9f8d6b5-klpv2/api" });
    const db = doc.variables.find((v: { key: string }) => v.key === "DB_HOST");
    expect(db.source).toMatchObject({
      kind: "k8s-literal",
      resource: "Deployment/shop/api",
      actor: { fieldManager: "kubectl-client-side-apply" },
    });
    const dd = doc.variables.find((v: { key: string }) => v.key === "DD_AGENT_HOST");
    expect(dd.source.kind).toBe("k8s-webhook");
    expect(doc.issues).toContainEqual(
      expect.objectContaining({ subject: "Secret/shop/api-db", code: "UNAVAILABLE" }),
    );
  });

  it("with --resolve-secrets, reads the Secret and only fingerprints it", async () => {
    seen.length = 0;
    const r = await runCli(
      ["k8s", "explain", "--live", POD, "--resolve-secrets", "--format", "json", "--reveal"],
      {
        env: { NO_COLOR: "1", KUBECONFIG: kubeconfig },
      },
    );
    expect(r.code).toBe(0);
    expect(seen.map((s) => s.path)).toContain("/api/v1/namespaces/shop/secrets/api-db");
    expect(r.stdout).not.toContain("s3cr3t-password-for-tests");
    expect(r.stdout).not.toContain("czNjcjN0LXBhc3N3b3JkLWZvci10ZXN0cw==");
    const doc = single(r.stdout);
    const pw = doc.variables.find((v: { key: string }) => v.key === "DB_PASSWORD");
    expect(pw.value).toBe("");
    expect(pw.notes.join(" ")).toMatch(/hmac-sha256:[0-9a-f]{16}/);
  });

  it("a 403 on ConfigMaps becomes an EACCES issue naming the RBAC rule; the audit goes on", async () => {
    forbidden.add("configmaps");
    try {
      const r = await runCli(["k8s", "explain", "--live", POD, "--format", "json"], {
        env: { NO_COLOR: "1", KUBECONFIG: kubeconfig },
      });
      expect(r.code).toBe(0);
      const doc = single(r.stdout);
      const i = doc.issues.find((x: { subject: string }) => x.subject === "ConfigMap/shop/api-config");
      expect(i.code).toBe("EACCES");
      expect(i.detail).toContain("get configmaps");
      expect(doc.variables.some((v: { key: string }) => v.key === "DB_HOST")).toBe(true);
    } finally {
      forbidden.clear();
    }
  });

  it("a pod it cannot read is a one-line error, exit 2", async () => {
    const r = await runCli(["k8s", "explain", "--live", "shop/missing"], {
      env: { NO_COLOR: "1", KUBECONFIG: kubeconfig },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^envtrace: cannot read the live pod: cannot read Pod\/shop\/missing: not found on the API server\n$/,
    );
    const bad = await runCli(["k8s", "explain", "--live", "shop/x"], {
      env: { NO_COLOR: "1", KUBECONFIG: join(dir, "missing-kubeconfig") },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")).toHaveLength(2);
    expect(bad.stderr).toMatch(/no usable kubeconfig/);
  });
});
