import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../test/helpers/cli.js";

const F = "test/fixtures/k8s";

describe("envtrace k8s explain (offline)", () => {
  it("prints JSON with sources, actors and findings, and exits 1 at --fail-on", async () => {
    const r = await runCli([
      "k8s",
      "explain",
      "-f",
      `${F}/managed-fields/deployment-chain/cluster.yaml`,
      "--format",
      "json",
      "--fail-on",
      "medium",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const doc = report.subjects[0];
    expect(doc).toMatchObject({
      kind: "pod-container",
      name: "shop/api-7c9f8d6b5-klpv2/api",
      details: { namespace: "shop", pod: "api-7c9f8d6b5-klpv2", container: "api" },
    });
    const ff = doc.variables.find((x: { key: string }) => x.key === "FEATURE_FLAG");
    expect(ff.source).toMatchObject({
      kind: "k8s-literal",
      resource: "Deployment/shop/api",
      line: 112,
      actor: { fieldManager: "kubectl-set", operation: "Update" },
      time: { at: "2025-05-02T08:15:00Z", what: "managed-fields" },
    });
    expect(doc.findings.map((f: { id: string }) => f.id)).toEqual(["ENVT-K8S-002", "ENVT-K8S-003"]);
    const issues = [...report.issues, ...doc.issues];
    expect(issues.map((i: { code: string }) => i.code)).toContain("PARSE");
  });

  it("exits 0 below --fail-on and reads manifests from stdin", async () => {
    const text = readFileSync(`${F}/offline/k8s-docs/dependent-envars.yaml`, "utf8");
    const r = await runCli(["k8s", "explain", "-f", "-", "--fail-on", "low"], { stdin: text });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("default/dependent-envars-demo/dependent-envars-demo");
    expect(r.stdout).toMatch(/SERVICE_ADDRESS\s+https:\/\/172\.17\.0\.1:80\s+k8s-literal:value\+expansion/);
  });

  it("masks literal secrets in text output", async () => {
    const r = await runCli([
      "k8s",
      "explain",
      "-f",
      `${F}/init-env-file/sourced/pod.yaml`,
      "--container",
      "web",
    ]);
    expect(r.stdout).toContain("ghp_********");
    expect(r.stdout).not.toContain("0123456789abcdef");
  });

  it("usage errors are one line and exit 2", async () => {
    const none = await runCli(["k8s", "explain"]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split("\n")).toHaveLength(1);
    const missing = await runCli(["k8s", "explain", "-f", `${F}/nope.yaml`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^envtrace: test\/fixtures\/k8s\/nope\.yaml: .*nothing to explain\n$/);
    const pod = await runCli([
      "k8s",
      "explain",
      "-f",
      `${F}/offline/wordpress/wordpress-deployment.yaml`,
      "--pod",
      "x",
    ]);
    expect(pod.code).toBe(2);
    expect(pod.stderr).toMatch(/--pod x/);
    const rs = await runCli([
      "k8s",
      "explain",
      "-f",
      `${F}/offline/wordpress/wordpress-deployment.yaml`,
      "--resolve-secrets",
    ]);
    expect(rs.code).toBe(2);
  });
});
