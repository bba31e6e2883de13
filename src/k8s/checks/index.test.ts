import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { explainManifests } from "../explain.js";
import { k8sChecks } from "./index.js";

const F = "test/fixtures/k8s";

describe("k8s check registry", () => {
  it("has unique, sorted ids, references and a doc page for each check", () => {
    const ids = k8sChecks.map((c) => c.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const c of k8sChecks) {
      expect(c.meta.references.length).toBeGreaterThan(0);
      expect(existsSync(`docs/k8s/${c.meta.id}.md`), `docs/k8s/${c.meta.id}.md`).toBe(true);
    }
  });

  it("every check fires on at least one real-world fixture", async () => {
    const out = await explainManifests([
      `${F}/managed-fields/deployment-chain/cluster.yaml`,
      `${F}/init-env-file/sourced/pod.yaml`,
      `${F}/offline/guestbook/guestbook-all-in-one.yaml`,
      `${F}/offline/wordpress/wordpress-deployment.yaml`,
    ]);
    const fired = new Set(out.results.flatMap((r) => r.findings.map((f) => f.id)));
    for (const c of k8sChecks) expect(fired.has(c.meta.id), c.meta.id).toBe(true);
  });

  it("a vendor's documentation key or a setting under a sensitive name raises no finding; a literal credential does", async () => {
    const { loadManifest } = await import("../load.js");
    const { ObjectIndex } = await import("../objects.js");
    const { explainIndex } = await import("../explain.js");
    const index = new ObjectIndex();
    const text = `kind: Pod
metadata: {name: p, namespace: default}
spec:
  containers:
  - name: c
    env:
    - {name: AWS_ACCESS_KEY_ID, value: AKIAIOSFODNN7EXAMPLE}
    - {name: REAL_TOKEN, value: ghp_${"Zx9Lq2Wm4R".repeat(3)}Ab12Cd}
    - {name: JWT_POLICY, value: third-party-jwt}
    - {name: SECRET_TTL, value: 86400s}
    - {name: TOKEN_FILE, value: /var/run/secrets/tokens/istio-token}
    - {name: DB_PASSWORD, value: "Hunter2-Prod-Pw"}
`;
    for (const o of loadManifest(text, "p.yaml").objects) index.add(o);
    const out = explainIndex(index, {});
    const keys = out.results.flatMap((r) =>
      r.findings.filter((f) => f.id === "ENVT-K8S-001").map((f) => f.key),
    );
    // Istio's settings under sensitive-looking names are not credentials; a password still is.
    expect(keys.sort()).toEqual(["DB_PASSWORD", "REAL_TOKEN"]);
    const v = out.results[0]!.variables.find((x) => x.key === "AWS_ACCESS_KEY_ID")!;
    expect(String(v.value)).toBe("AKIA********(example)");
  });

  it("reports a collision between an app variable and a service-link name", async () => {
    const { loadManifest } = await import("../load.js");
    const { ObjectIndex } = await import("../objects.js");
    const { explainIndex } = await import("../explain.js");
    const index = new ObjectIndex();
    const text = `kind: Service
metadata: {name: app}
spec: {clusterIP: 10.0.0.5, ports: [{port: 80}]}
---
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    env:
    - {name: APP_PORT, value: "8080"}
`;
    for (const o of loadManifest(text, "c.yaml").objects) index.add(o);
    const r = explainIndex(index).results[0]!;
    expect(r.findings.map((f) => [f.id, f.messageId, f.key])).toEqual([
      ["ENVT-K8S-004", "service-link.collision", "APP_PORT"],
    ]);
    expect(r.variables.find((v) => v.key === "APP_PORT")?.value).toBe("8080");
  });
});
