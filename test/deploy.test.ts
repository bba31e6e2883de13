/**
 * The shipped manifests (deploy/kustomize): every overlay renders with the real `kubectl kustomize`, every
 * object validates offline against the Kubernetes OpenAPI schema (kubernetes-models' generated
 * validators), the promises the comments make hold (Pod Security levels, webhook selector and timeout,
 * least privilege), envtrace's own Kubernetes checks find nothing above `low` in them, and the agent's two
 * capabilities are the ones this machine's kernel really requires to read another user's environ.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parsePolicy } from "../src/fleet/admission.js";
import { explainManifests } from "../src/k8s/explain.js";
import { SEVERITY_RANK } from "../src/model/index.js";

const ROOT = new URL("..", import.meta.url).pathname;
const KUSTOMIZE = join(ROOT, "deploy/kustomize");
const OVERLAYS = ["base", "overlays/enforce", "overlays/agent-only"] as const;
const tmp = mkdtempSync(join(tmpdir(), "envtrace-deploy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field below
type Obj = Record<string, any>;

function render(overlay: string): { text: string; objects: Obj[] } {
  const r = spawnSync("kubectl", ["kustomize", join(KUSTOMIZE, overlay)], { encoding: "utf8" });
  if (r.error) throw new Error("kubectl is missing: run scripts/install-test-deps.sh");
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return { text: r.stdout, objects: parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj) };
}

/** The kubernetes-models class of an object (`apps/v1` + `DaemonSet` → kubernetes-models/apps/v1/DaemonSet). */
async function modelOf(o: Obj): Promise<new (data: Obj) => { validate(): void }> {
  const path = `kubernetes-models/${o.apiVersion}/${o.kind}`;
  const mod = (await import(path)) as Record<string, new (data: Obj) => { validate(): void }>;
  const cls = mod[o.kind];
  if (!cls) throw new Error(`no model ${path}`);
  return cls;
}

const find = (objs: Obj[], kind: string, name?: string) =>
  objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe.each(OVERLAYS)("deploy/kustomize/%s", (overlay) => {
  const { text, objects } = render(overlay);

  it("renders, and every object validates against the Kubernetes OpenAPI schema", async () => {
    expect(objects.length).toBeGreaterThan(5);
    for (const o of objects) {
      const Model = await modelOf(o);
      expect(() => new Model(o).validate(), `${o.kind}/${o.metadata?.name}`).not.toThrow();
    }
  });

  it("envtrace's own k8s checks find nothing above low in it", async () => {
    const file = join(tmp, `${overlay.replace("/", "-")}.yaml`);
    writeFileSync(file, text);
    const out = await explainManifests([file]);
    expect(out.issues).toEqual([]);
    const above = out.results
      .flatMap((r) => r.findings)
      .filter((f) => SEVERITY_RANK[f.severity] > SEVERITY_RANK.low)
      .map((f) => `${f.id} ${f.subject} ${f.key ?? ""}`);
    expect(above).toEqual([]);
    // The two workloads were really looked at.
    expect(out.results.map((r) => r.subject.name).sort()).toEqual(
      overlay === "overlays/agent-only"
        ? ["envtrace-agent/DaemonSet:envtrace-agent/agent"]
        : [
            "envtrace-agent/DaemonSet:envtrace-agent/agent",
            "envtrace-system/Deployment:envtrace-webhook/webhook",
          ],
    );
  });

  it("the agent: hostPID, read-only host mounts, root with only DAC_READ_SEARCH and SYS_PTRACE, no API token", () => {
    const [ds] = find(objects, "DaemonSet", "envtrace-agent");
    const pod = ds!.spec.template.spec;
    expect(pod.hostPID).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    const c = pod.containers[0];
    expect(c.securityContext.capabilities).toEqual({ drop: ["ALL"], add: ["DAC_READ_SEARCH", "SYS_PTRACE"] });
    expect(c.securityContext.privileged).toBe(false);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    for (const m of c.volumeMounts)
      if (m.mountPath.startsWith("/host")) expect(m.readOnly, m.mountPath).toBe(true);
    // No runtime socket: /run itself is not mounted.
    expect(pod.volumes.map((v: Obj) => v.hostPath?.path)).not.toContain("/run");
    expect(c.resources.limits.memory).toBeDefined();
    const [ns] = find(objects, "Namespace", "envtrace-agent");
    expect(ns!.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
  });

  it("RBAC: no binding for the components; each verbs line of rbac.yaml has its reason above it", () => {
    expect(find(objects, "ClusterRoleBinding")).toEqual([]);
    expect(find(objects, "RoleBinding")).toEqual([]);
    for (const sa of find(objects, "ServiceAccount")) expect(sa.automountServiceAccountToken).toBe(false);
    const lines = readFileSync(join(KUSTOMIZE, "base/rbac.yaml"), "utf8").split("\n");
    lines.forEach((l, i) => {
      if (/^\s*verbs:/.test(l)) expect(lines[i - 1], `rbac.yaml:${i + 1}`).toMatch(/^\s*#/);
    });
  });
});

describe("the webhook's objects", () => {
  const base = render("base").objects;
  const enforce = render("overlays/enforce").objects;
  const agentOnly = render("overlays/agent-only").objects;

  it("ValidatingWebhookConfiguration: v1 reviews, excludes kube-system and its own namespaces, 5 s timeout, NoneOnDryRun", () => {
    const [vwc] = find(base, "ValidatingWebhookConfiguration");
    const w = vwc!.webhooks[0];
    expect(w.admissionReviewVersions).toEqual(["v1"]);
    expect(w.timeoutSeconds).toBeLessThanOrEqual(5);
    expect(w.sideEffects).toBe("NoneOnDryRun");
    expect(w.failurePolicy).toBe("Ignore");
    expect(w.clientConfig.service).toMatchObject({
      namespace: "envtrace-system",
      name: "envtrace-webhook",
      path: "/validate",
    });
    const excluded = w.namespaceSelector.matchExpressions.find(
      (e: Obj) => e.key === "kubernetes.io/metadata.name",
    );
    expect(excluded.operator).toBe("NotIn");
    expect(excluded.values).toEqual(
      expect.arrayContaining(["kube-system", "envtrace-system", "envtrace-agent"]),
    );
    const resources = w.rules.flatMap((r: Obj) => r.resources).sort();
    expect(resources).toEqual([
      "cronjobs",
      "daemonsets",
      "deployments",
      "jobs",
      "pods",
      "replicasets",
      "replicationcontrollers",
      "statefulsets",
    ]);
    expect(find(enforce, "ValidatingWebhookConfiguration")[0]!.webhooks[0].failurePolicy).toBe("Fail");
  });

  it("the webhook Pod meets Pod Security restricted; its namespace enforces it; PDB keeps one replica", () => {
    const [d] = find(base, "Deployment", "envtrace-webhook");
    const pod = d!.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits).toBeDefined();
    }
    expect(pod.hostPID ?? false).toBe(false);
    expect(pod.volumes.every((v: Obj) => !v.hostPath)).toBe(true);
    const [ns] = find(base, "Namespace", "envtrace-system");
    expect(ns!.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(find(base, "PodDisruptionBudget", "envtrace-webhook")[0]!.spec.minAvailable).toBe(1);
    expect(find(enforce, "Deployment", "envtrace-webhook")[0]!.spec.replicas).toBe(3);
  });

  it("the policy ConfigMap parses with the webhook's own loader: warn in base, enforce in the overlay", () => {
    const policyOf = (objs: Obj[]) =>
      parsePolicy(find(objs, "ConfigMap", "envtrace-webhook-policy")[0]!.data["policy.yaml"]);
    expect(policyOf(base).mode).toBe("warn");
    expect(policyOf(enforce).mode).toBe("enforce");
    expect(policyOf(enforce).exemptNamespaces).toContain("kube-system");
  });

  it("agent-only has no webhook object and no envtrace-system namespace; the CRDs stay", () => {
    const names = agentOnly.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names.filter((n) => n.includes("webhook") || n.includes("envtrace-system"))).toEqual([]);
    expect(find(agentOnly, "CustomResourceDefinition").length).toBe(2);
    expect(find(agentOnly, "DaemonSet").length).toBe(1);
  });
});

/**
 * The capability finding behind the agent's `add:` list, measured on this kernel: a uid-1000 process is the
 * target; the reader is root with a bounding set of just the capabilities under test (setpriv).
 */
describe("capabilities needed to read another user's /proc/PID/environ", () => {
  const canRun = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;
  it.skipIf(!canRun)(
    "DAC_READ_SEARCH alone: no; SYS_PTRACE alone: no; both: yes (and nothing less than both)",
    () => {
      const target = spawnSync(
        "sh",
        [
          "-c",
          // A uid-1000 sleeper; print its pid, then read its environ under each capability set.
          `setpriv --reuid 1000 --regid 1000 --clear-groups env ENVTRACE_CAP_MARK=1 sleep 30 & t=$!; sleep 0.2
         for caps in -all -all,+dac_read_search -all,+sys_ptrace -all,+dac_read_search,+sys_ptrace; do
           if setpriv --bounding-set=$caps -- sh -c "grep -q ENVTRACE_CAP_MARK /proc/$t/environ" 2>/dev/null;
           then echo "$caps ok"; else echo "$caps denied"; fi
         done; kill $t`,
        ],
        { encoding: "utf8" },
      );
      expect(target.stdout.trim().split("\n")).toEqual([
        "-all denied",
        "-all,+dac_read_search denied",
        "-all,+sys_ptrace denied",
        "-all,+dac_read_search,+sys_ptrace ok",
      ]);
    },
  );
});
