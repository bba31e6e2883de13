import { describe, expect, it } from "vitest";
import type { DisplayValue, ExplainResult, Lineage } from "../model/index.js";
import { renderResults } from "../report/index.js";
import { createHostFs } from "../snapshot/host-fs.js";
import { indexFiles } from "./explain.js";
import { detectInPod, explainInPod } from "./in-pod.js";

const ROOT = "test/fixtures/k8s/in-pod/api/root";
const CLUSTER = "test/fixtures/k8s/managed-fields/deployment-chain/cluster.yaml";
const ENV = { KUBERNETES_SERVICE_HOST: "10.96.0.1", HOSTNAME: "api-7c9f8d6b5-klpv2" };
const fetch = async (ref: string) => ({ index: await indexFiles([CLUSTER]), pod: ref });

function v(r: ExplainResult<DisplayValue>, key: string): Lineage<DisplayValue> {
  const l = r.variables.find((x) => x.key === key);
  if (!l) throw new Error(`no ${key}`);
  return l;
}

describe("explain inside a pod", async () => {
  const fs = createHostFs(ROOT);
  const r = (await explainInPod({ fs, env: ENV, selfPid: 4242, fetch }))!;

  it("detects the pod from KUBERNETES_SERVICE_HOST + the service-account mount, and only then", async () => {
    expect(await detectInPod(ENV, fs)).toEqual({ namespace: "shop", podName: "api-7c9f8d6b5-klpv2" });
    expect(await detectInPod({ HOSTNAME: "x" }, fs)).toBeNull();
    expect(await detectInPod(ENV, createHostFs("test/fixtures/k8s/offline"))).toBeNull();
    expect(await explainInPod({ env: {}, fetch })).toBeNull();
  });

  it("names the container it runs in", () => {
    expect(r.subject).toEqual({ kind: "pod", name: "shop/api-7c9f8d6b5-klpv2/api", pid: 4242 });
  });

  it("spec variables are verified against the runtime value", () => {
    const db = v(r, "DB_HOST");
    expect(db.winner?.kind).toBe("k8s-literal");
    expect(db.winner?.confidence).toBe("certain");
    expect(db.winner?.actor).toEqual({ fieldManager: "kubectl-client-side-apply", operation: "Update" });
    expect(v(r, "API_SERVICE_HOST").winner?.kind).toBe("k8s-service-link");
  });

  it("a Secret-sourced value is matched by fingerprint and masked", async () => {
    const pw = v(r, "DB_PASSWORD");
    expect(pw.winner?.kind).toBe("k8s-secret");
    expect(pw.winner?.evidence[0]).toMatch(/^verified by fingerprint/);
    expect(pw.value).toBe(""); // withheld: Secret data is never printed, even when seen at run time
    const out = await renderResults([r], "json");
    expect(out).not.toContain("s3cr3t-password-for-tests");
  });

  it("tells the image/runtime from the spec and from an entrypoint script", () => {
    expect(v(r, "HOSTNAME").winner?.kind).toBe("container-runtime");
    expect(v(r, "LANG").winner?.kind).toBe("container-image");
    const ll = v(r, "LOG_LEVEL");
    expect(ll.value).toBe("trace");
    expect(ll.winner?.mechanism).toBe("entrypoint-script");
    expect(ll.shadowed.at(-1)?.value).toBe("debug");
    expect(ll.shadowed.at(-1)?.attribution.kind).toBe("k8s-literal");
    expect(v(r, "JAVA_OPTS").winner?.mechanism).toBe("entrypoint-script");
  });

  it("a pod the API does not return is an issue, not a crash", async () => {
    const none = await explainInPod({
      fs,
      env: ENV,
      selfPid: 4242,
      fetch: async (ref) => ({
        index: await indexFiles([]),
        pod: ref,
        fatal: "cannot read Pod/shop/x: not found",
      }),
    });
    expect(none?.variables).toEqual([]);
    expect(none?.issues.map((i) => i.code)).toEqual(["UNAVAILABLE"]);
  });
});
