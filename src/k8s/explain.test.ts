import { describe, expect, it } from "vitest";
import { isSecretValue } from "../detect/secret-value.js";
import type { DisplayValue, ExplainResult, Lineage } from "../model/index.js";
import { renderResults } from "../report/index.js";
import { explainManifests } from "./explain.js";

const F = "test/fixtures/k8s";

function byName(results: ExplainResult<DisplayValue>[], name: string): ExplainResult<DisplayValue> {
  const r = results.find((x) => x.subject.name === name);
  if (!r) throw new Error(`no result ${name}; have ${results.map((x) => x.subject.name).join(", ")}`);
  return r;
}
function v(r: ExplainResult<DisplayValue>, key: string): Lineage<DisplayValue> {
  const l = r.variables.find((x) => x.key === key);
  if (!l) throw new Error(`no variable ${key}`);
  return l;
}
function loc(l: Lineage<DisplayValue>) {
  return l.winner?.location as { resource?: string; key?: string; file?: string; line?: number } | undefined;
}

describe("managed-fields/deployment-chain (Deployment → ReplicaSet → Pod)", async () => {
  const out = await explainManifests([`${F}/managed-fields/deployment-chain/cluster.yaml`]);
  const r = byName(out.results, "shop/api-7c9f8d6b5-klpv2/api");
  const file = `${F}/managed-fields/deployment-chain/cluster.yaml`;

  it("explains the Pod only, not the Deployment and ReplicaSet that own it", () => {
    expect(out.results.map((x) => x.subject)).toEqual([
      { kind: "pod", name: "shop/api-7c9f8d6b5-klpv2/api" },
    ]);
  });

  it("credits each env entry to the manager on the Deployment, with its time, not to kube-controller-manager", () => {
    const db = v(r, "DB_HOST");
    expect(db.winner?.kind).toBe("k8s-literal");
    expect(db.winner?.actor).toEqual({ fieldManager: "kubectl-client-side-apply", operation: "Update" });
    expect(db.winner?.time).toEqual({ at: "2025-04-19T19:48:18Z", what: "managed-fields" });
    expect(loc(db)).toEqual({ resource: "Deployment/shop/api", file, line: 99 });
    const ff = v(r, "FEATURE_FLAG");
    expect(ff.winner?.actor).toEqual({ fieldManager: "kubectl-set", operation: "Update" });
    expect(ff.winner?.time?.at).toBe("2025-05-02T08:15:00Z");
  });

  it("applies kubelet order: envFrom, then env (last duplicate wins), earlier values shadowed", () => {
    const ll = v(r, "LOG_LEVEL");
    expect(ll.value).toBe("debug");
    expect(ll.shadowed.map((s) => [s.value, s.attribution.kind])).toEqual([
      ["warn", "k8s-envfrom"],
      ["info", "k8s-literal"],
    ]);
    const ttl = v(r, "CACHE_TTL");
    expect(ttl.winner?.kind).toBe("k8s-envfrom");
    expect(ttl.winner?.mechanism).toBe("configMapRef");
    expect(loc(ttl)?.resource).toBe("ConfigMap/shop/api-config");
    expect(loc(ttl)?.key).toBe("CACHE_TTL");
    expect(r.variables.some((x) => x.key === "1BAD")).toBe(false);
    expect(r.issues.map((i) => [i.subject, i.code])).toContainEqual(["ConfigMap/shop/api-config", "PARSE"]);
  });

  it("expands $(VAR) against what is defined before", () => {
    const api = v(r, "API_URL");
    expect(api.value).toBe("http://postgres.shop.svc:8080/debug");
    expect(api.winner?.mechanism).toBe("value+expansion");
  });

  it("withholds Secret values: empty value, fingerprint note, never the data", async () => {
    const pw = v(r, "DB_PASSWORD");
    expect(pw.winner?.kind).toBe("k8s-secret");
    expect(loc(pw)).toMatchObject({ resource: "Secret/shop/api-db", key: "password" });
    expect(pw.value).toBe("");
    expect(pw.notes.join(" ")).toMatch(/value-withheld: .*hmac-sha256:[0-9a-f]{16}/);
    const json = await renderResults([r], "json");
    expect(json).not.toContain("s3cr3t-password-for-tests");
    expect(json).not.toContain("czNjcjN0LXBhc3N3b3JkLWZvci10ZXN0cw==");
  });

  it("flags the entry that is on the Pod only and owned by no manager as webhook-injected", () => {
    const dd = v(r, "DD_AGENT_HOST");
    expect(dd.winner?.kind).toBe("k8s-webhook");
    expect(dd.winner?.mechanism).toBe("mutating-webhook");
    expect(dd.winner?.actor).toBeUndefined();
    expect(dd.value).toBe("172.18.0.2"); // downward API resolved from the Pod's status
  });

  it("adds service links for Services with cluster IPs, master service included", () => {
    expect(v(r, "API_SERVICE_HOST").value).toBe("10.96.12.34");
    expect(v(r, "API_PORT_8080_TCP").value).toBe("tcp://10.96.12.34:8080");
    expect(v(r, "API_SERVICE_PORT_HTTP").value).toBe("8080");
    const k = v(r, "KUBERNETES_SERVICE_HOST");
    expect(k.value).toBe("10.96.0.1");
    expect(k.winner?.mechanism).toBe("master-service");
    expect(loc(k)?.resource).toBe("Service/default/kubernetes");
  });

  it("runs the checks with ids: secret via env (C-0207) and duplicate names (C-0295)", () => {
    expect(r.findings.map((f) => [f.id, f.messageId, f.key])).toEqual([
      ["ENVT-K8S-002", "secret-env.secretKeyRef", "DB_PASSWORD"],
      ["ENVT-K8S-003", "duplicate-env.env", "LOG_LEVEL"],
    ]);
    expect(r.findings[0]!.references).toContain("CKV_K8S_35");
  });
});

describe("webhook/istio (sidecar injected, ReplicaSet absent)", async () => {
  const out = await explainManifests([`${F}/webhook/istio/hello.yaml`, `${F}/webhook/istio/pod.yaml`]);
  const proxy = byName(out.results, "default/hello-5d9b8c6f7d-x2x7q/istio-proxy");
  const app = byName(out.results, "default/hello-5d9b8c6f7d-x2x7q/hello");

  it("finds the Deployment by pod-template-hash + selector and explains only the Pod", () => {
    expect(out.results.every((x) => x.subject.kind === "pod")).toBe(true);
    expect(v(app, "KUBERNETES_SERVICE_HOST").winner?.kind).toBe("k8s-service-link");
  });

  it("attributes every env entry of the injected sidecar to istio's injector", () => {
    const envKeys = proxy.variables.filter((x) => !x.key.startsWith("KUBERNETES_"));
    expect(envKeys.length).toBe(19);
    for (const l of envKeys) {
      expect(l.winner?.kind).toBe("k8s-webhook");
      expect(l.winner?.mechanism).toBe("istio-sidecar-injector");
      expect(l.winner?.confidence).toBe("certain");
    }
    expect(loc(v(proxy, "JWT_POLICY"))).toMatchObject({ file: `${F}/webhook/istio/pod.yaml`, line: 50 });
  });

  it("resolves downward-API values from the Pod object", () => {
    expect(v(proxy, "INSTANCE_IP").value).toBe("10.244.0.17");
    expect(v(proxy, "POD_NAME").value).toBe("hello-5d9b8c6f7d-x2x7q");
    expect(v(proxy, "SERVICE_ACCOUNT").value).toBe("default");
  });

  it("without a Service for kubernetes, synthesises its link names with run-time values", () => {
    const k = v(app, "KUBERNETES_SERVICE_HOST");
    expect(k.value).toBe("");
    expect(k.winner?.confidence).toBe("likely");
    expect(k.notes.join(" ")).toMatch(/^value-unknown: /);
    expect(v(app, "KUBERNETES_SERVICE_PORT").value).toBe("443");
  });
});

describe("init-env-file/sourced (init container env file, Vault agent template, bank-vaults)", async () => {
  const out = await explainManifests([`${F}/init-env-file/sourced/pod.yaml`]);
  const r = byName(out.results, "payments/web/web");

  it("an env file written by the init container and sourced by the command overrides the spec", () => {
    const mode = v(r, "APP_MODE");
    expect(mode.value).toBe("production");
    expect(mode.winner?.kind).toBe("k8s-file");
    expect(mode.winner?.mechanism).toBe("init-container-env-file");
    expect(mode.winner?.confidence).toBe("likely");
    expect(mode.shadowed.map((s) => [s.value, s.attribution.kind])).toEqual([["development", "k8s-literal"]]);
    expect(v(r, "REGION").value).toBe("eu-west-1");
    expect(v(r, "START_TS").value).toBe(""); // computed at run time
    expect(r.variables.some((x) => x.key === "IGNORED")).toBe(false); // written to another file
  });

  it("reads the Vault agent template annotation for the sourced /vault/secrets file", () => {
    const k = v(r, "api_key");
    expect(k.winner?.mechanism).toBe("vault-agent-template");
    expect(k.value).toBe("");
  });

  it("a bank-vaults vault: placeholder is replaced at exec: runtime value differs from the spec", () => {
    const pw = v(r, "DB_PASSWORD");
    expect(pw.winner?.kind).toBe("k8s-webhook");
    expect(pw.winner?.mechanism).toBe("bank-vaults-vault-env");
    expect(pw.shadowed[0]?.attribution.kind).toBe("k8s-literal");
  });

  it("masks a literal token and reports C-0012 without the value", async () => {
    const t = v(r, "GITHUB_TOKEN");
    expect(isSecretValue(t.value)).toBe(true);
    expect(String(t.value)).toMatch(/^ghp_\*{4,}/);
    expect(r.findings.map((f) => [f.id, f.key])).toEqual(
      expect.arrayContaining([
        ["ENVT-K8S-001", "GITHUB_TOKEN"],
        ["ENVT-SECRET-001", "GITHUB_TOKEN"],
      ]),
    );
    const all = `${await renderResults(out.results, "json")}${await renderResults([r], "text")}`;
    expect(all).not.toContain("0123456789abcdefABCDEF");
  });

  it("honours enableServiceLinks: false but keeps the master service variables", () => {
    expect(r.variables.filter((x) => x.winner?.mechanism === "enableServiceLinks")).toEqual([]);
    expect(v(r, "KUBERNETES_SERVICE_HOST").winner?.mechanism).toBe("master-service");
  });
});

describe("offline/k8s-docs (kubernetes.io examples)", async () => {
  const dir = `${F}/offline/k8s-docs`;
  const out = await explainManifests(
    [
      "dependent-envars.yaml",
      "dapi-envars-container.yaml",
      "envars-file-container.yaml",
      "pod-secret-envFrom.yaml",
      "secret.yaml",
      "envFrom.yaml",
      "configmap-envFrom.yaml",
    ].map((f) => `${dir}/${f}`),
  );

  it("expands $(VAR) like the kubelet: later names stay verbatim, $$ escapes", () => {
    const r = byName(out.results, "default/dependent-envars-demo/dependent-envars-demo");
    expect(v(r, "UNCHANGED_REFERENCE").value).toBe("$(PROTOCOL)://172.17.0.1:80");
    expect(v(r, "SERVICE_ADDRESS").value).toBe("https://172.17.0.1:80");
    expect(v(r, "ESCAPED_REFERENCE").value).toBe("$(PROTOCOL)://172.17.0.1:80");
  });

  it("computes resourceFieldRef values with kubelet rounding (JSON-flavoured YAML input)", () => {
    const r = byName(out.results, "default/dapi-envars-resourcefieldref/test-container");
    expect(v(r, "MY_CPU_REQUEST").value).toBe("1");
    expect(v(r, "MY_CPU_LIMIT").value).toBe("1");
    expect(v(r, "MY_MEM_REQUEST").value).toBe(String(32 * 2 ** 20));
    expect(v(r, "MY_MEM_LIMIT").winner?.mechanism).toBe("resourceFieldRef");
  });

  it("fileKeyRef: k8s-file, value read at start, writer init container named; the \\' escape is tolerated", () => {
    const r = byName(out.results, "default/envfile-test-pod/use-envfile");
    const a = v(r, "DB_ADDRESS");
    expect(a.winner?.kind).toBe("k8s-file");
    expect(loc(a)?.key).toBe("config/config.env#DB_ADDRESS");
    expect(a.winner?.evidence.join(" ")).toContain("setup-envfile");
    expect(out.issues.map((i) => i.code)).toContain("PARSE");
  });

  it("envFrom expands a Secret's keys (values withheld) and a ConfigMap's keys with values", () => {
    const s = byName(out.results, "default/envfrom-secret/envars-test-container");
    expect(v(s, "password").winner?.kind).toBe("k8s-envfrom");
    expect(v(s, "password").value).toBe("");
    expect(s.findings.map((f) => [f.id, f.messageId])).toContainEqual(["ENVT-K8S-002", "secret-env.envFrom"]);
    const c = byName(out.results, "default/envfrom-demo/envar-demo-container");
    expect(v(c, "DEMO_GREETING").value).toBe("Hello from the environment");
    expect(loc(v(c, "DEMO_GREETING"))).toMatchObject({
      resource: "ConfigMap/default/envfrom-configmap",
      line: 1,
    });
  });
});

describe("offline workloads (guestbook, wordpress)", async () => {
  const out = await explainManifests([
    `${F}/offline/guestbook/guestbook-all-in-one.yaml`,
    `${F}/offline/wordpress/wordpress-deployment.yaml`,
  ]);

  it("explains Deployment templates as pod-template subjects", () => {
    expect(out.results.map((r) => r.subject.name)).toEqual([
      "default/Deployment:redis-master/master",
      "default/Deployment:redis-replica/replica",
      "default/Deployment:frontend/php-redis",
      "default/Deployment:wordpress/wordpress",
    ]);
    expect(out.results.every((r) => r.subject.kind === "pod-template")).toBe(true);
  });

  it("service links for every Service of the namespace, values known only at run time", () => {
    const r = byName(out.results, "default/Deployment:frontend/php-redis");
    const h = v(r, "REDIS_MASTER_SERVICE_HOST");
    expect(h.winner?.kind).toBe("k8s-service-link");
    expect(h.value).toBe("");
    expect(v(r, "REDIS_MASTER_SERVICE_PORT").value).toBe("6379");
    expect(loc(v(r, "GET_HOSTS_FROM"))).toMatchObject({ resource: "Deployment/default/frontend", line: 141 });
    expect(r.findings.map((f) => f.messageId)).toEqual(["service-link.noise"]);
  });

  it("filters by --pod (workload name) and --container", async () => {
    const only = await explainManifests([`${F}/offline/wordpress/wordpress-deployment.yaml`], {
      pod: "wordpress",
      container: "wordpress",
    });
    expect(only.results.map((r) => r.subject.name)).toEqual(["default/Deployment:wordpress/wordpress"]);
    const none = await explainManifests([`${F}/offline/wordpress/wordpress-deployment.yaml`], {
      pod: "nope",
    });
    expect(none.results).toEqual([]);
    expect(none.issues.map((i) => i.code)).toEqual(["ENOENT"]);
  });

  it("a missing file is an issue, not a crash", async () => {
    const r = await explainManifests([`${F}/does-not-exist.yaml`]);
    expect(r.issues.map((i) => i.code)).toEqual(["ENOENT"]);
  });
});
