/**
 * Figure (issue 5): offline audit of ≥ 10,000 Pods — pods per second of `k8s explain`'s pipeline (load
 * with positions → index → kubelet assembly per container → checks → masking), next to a plain `yaml`
 * parse of the same input (`parseAllDocuments(...).toJS()`) measured in the same run. Target ≥ 5,000 pods/s.
 *
 * The input is generated from the fixtures: the Pods of test/fixtures/k8s (the recorded Deployment chain
 * with managedFields, the istio-injected pod, the init-env-file pod, the kubernetes.io examples), cloned
 * under new names across namespaces, each namespace with its Deployments, ConfigMaps, Secrets and Services.
 * Run: `npx tsx bench/k8s-offline.ts` (PODS=20000 to change the size).
 */
import { readFileSync } from "node:fs";
import { parseAllDocuments, stringify } from "yaml";
import { explainIndex } from "../src/k8s/explain.js";
import { loadManifest, Positions } from "../src/k8s/load.js";
import { ObjectIndex } from "../src/k8s/objects.js";
import { row } from "./lib.js";

const PODS = Number(process.env.PODS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const F = "test/fixtures/k8s";

// biome-ignore lint/suspicious/noExplicitAny: generated test data is reshaped freely
type Obj = Record<string, any>;
const docs = (file: string): Obj[] =>
  parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as Obj)
    .flatMap((o) => (o?.kind === "List" ? o.items : [o]))
    .filter(Boolean);

const all = [
  ...docs(`${F}/managed-fields/deployment-chain/cluster.yaml`),
  ...docs(`${F}/webhook/istio/hello.yaml`),
  ...docs(`${F}/webhook/istio/pod.yaml`),
  ...docs(`${F}/init-env-file/sourced/pod.yaml`),
  ...[
    "dependent-envars.yaml",
    "dapi-envars-container.yaml",
    "pod-secret-envFrom.yaml",
    "secret.yaml",
    "envFrom.yaml",
    "configmap-envFrom.yaml",
  ].flatMap((f) => docs(`${F}/offline/k8s-docs/${f}`)),
];
const templates = all.filter((o) => o.kind === "Pod");
const support = all.filter((o) => o.kind !== "Pod" && o.kind !== "ReplicaSet");

// One namespace per 100 pods: its own copy of every supporting object, so that lookups stay per namespace.
const out: Obj[] = [];
const namespaces = Math.max(1, Math.ceil(PODS / 100));
for (let n = 0; n < namespaces; n++) {
  const ns = `bench-${n}`;
  for (const s of support) {
    const c = structuredClone(s);
    c.metadata = { ...c.metadata, namespace: c.metadata?.name === "kubernetes" ? "default" : ns };
    if (c.metadata.name === "kubernetes" && n > 0) continue;
    out.push(c);
  }
}
for (let i = 0; i < PODS; i++) {
  const t = structuredClone(templates[i % templates.length]!);
  const ns = `bench-${Math.floor(i / 100)}`;
  t.metadata = { ...t.metadata, name: `${t.metadata.name}-${i}`, namespace: ns, uid: `uid-${i}` };
  if (t.metadata.ownerReferences) {
    // Point at the namespace's copy of the owner (ReplicaSets are left out: matched by pod-template-hash).
    t.metadata.ownerReferences = t.metadata.ownerReferences.map((r: Obj) => ({
      ...r,
      uid: `${r.uid}-${ns}`,
    }));
  }
  out.push(t);
}
// The same objects twice: as multi-document YAML (`helm template` style) and as a JSON List
// (`kubectl get pods,cm,secrets,svc,deploy -A -o json`).
const yamlText = out.map((o) => stringify(o)).join("---\n");
const jsonText = JSON.stringify({ apiVersion: "v1", kind: "List", items: out }, null, 4);
if (process.env.DUMP) {
  (await import("node:fs")).writeFileSync(process.env.DUMP, jsonText);
  process.exit(0);
}
const mib = (t: string) => (t.length / 1024 / 1024).toFixed(1);

function yamlParse(text: string): number {
  let n = 0;
  for (const d of parseAllDocuments(text)) {
    const v = d.toJS() as Obj;
    n += v?.kind === "List" ? v.items.length : 1;
  }
  return n;
}

function audit(text: string, file: string): { pods: number; containers: number; findings: number } {
  const positions = new Positions();
  const index = new ObjectIndex(positions);
  const r = loadManifest(text, file, positions);
  for (const o of r.objects) index.add(o);
  const res = explainIndex(index);
  const pods = new Set(res.results.map((x) => x.subject.name?.split("/").slice(0, 2).join("/")));
  return {
    pods: pods.size,
    containers: res.results.length,
    findings: res.results.reduce((a, x) => a + x.findings.length, 0),
  };
}

/**
 * Best of ROUNDS, in ms. With CPU=1 (default) the figure is CPU time of this single-threaded process, so
 * that other load on a shared machine does not count; CPU=0 measures wall time.
 */
function best(fn: () => unknown): number {
  const useCpu = process.env.CPU !== "0";
  let b = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ROUNDS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const c = process.cpuUsage(c0);
    b = Math.min(b, useCpu ? (c.user + c.system) / 1000 : performance.now() - t0);
  }
  return b;
}

const check = audit(jsonText, "bench.json");
const checkY = audit(yamlText, "bench.yaml");
if (check.pods < PODS || checkY.pods < PODS)
  throw new Error(`only ${check.pods}/${checkY.pods} of ${PODS} pods were explained`);
if (check.findings !== checkY.findings) throw new Error("YAML and JSON inputs gave different findings");
console.log(
  `input: ${PODS} Pods (${check.containers} containers, ${check.findings} findings) + ${out.length - PODS} supporting objects; ` +
    `YAML ${mib(yamlText)} MiB, JSON ${mib(jsonText)} MiB; best of ${ROUNDS} (${process.env.CPU !== "0" ? "CPU time" : "wall time"}); load average ${(await import("node:os")).loadavg()[0]!.toFixed(1)}`,
);
const rate = (ms: number) => PODS / (ms / 1000);
const tJson = best(() => audit(jsonText, "bench.json"));
const tJsonYamlParse = best(() => yamlParse(jsonText));
const tJsonParse = best(() => JSON.parse(jsonText));
row(
  "audit, JSON List input (pods/s)",
  rate(tJson),
  "pod/s",
  "plain yaml parse of the same JSON",
  rate(tJsonYamlParse),
  "≥ 5000 pod/s",
);
row("audit, JSON List input (pods/s)", rate(tJson), "pod/s", "JSON.parse of the same JSON", rate(tJsonParse));
const tYaml = best(() => audit(yamlText, "bench.yaml"));
const tYamlParse = best(() => yamlParse(yamlText));
row(
  "audit, multi-document YAML input (pods/s)",
  rate(tYaml),
  "pod/s",
  "plain yaml parse of the same YAML",
  rate(tYamlParse),
);
