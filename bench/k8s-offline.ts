/**
 * Figures (issues 5, 10): offline audit of ≥ 10,000 Pods — pods per second of `k8s explain`'s pipeline (load
 * with positions → index → kubelet assembly per container → checks → masking), next to a parse of the same
 * input without positions measured in the same run (`JSON.parse`; the `yaml` library's
 * `parseAllDocuments(...).toJS()`). Targets: ≥ 5,000 pods/s from `kubectl get -o json` output, ≥ 2,000 pods/s
 * from multi-document YAML, with the file:line of every env entry.
 *
 * The input is generated from the fixtures: the Pods of test/fixtures/k8s (the recorded Deployment chain
 * with managedFields, the istio-injected pod, the init-env-file pod, the kubernetes.io examples), cloned
 * under new names across namespaces, each namespace with its Deployments, ConfigMaps, Secrets and Services.
 * Each figure runs in a child process of its own, so that its peak RSS is its own (the input text, the
 * parsed objects and the results; Node itself is ~45 MB of it). Times are CPU time, best of ROUNDS, so that
 * other load on a shared machine does not count (CPU=0: wall time).
 * Run: `npx tsx bench/k8s-offline.ts` (PODS=20000 to change the size).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, stringify } from "yaml";
import { explainIndex } from "../src/k8s/explain.js";
import { loadManifest, Positions } from "../src/k8s/load.js";
import { ObjectIndex } from "../src/k8s/objects.js";
import { type Figure, printFigures } from "./lib.js";

const PODS = Number(process.env.PODS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const F = fileURLToPath(new URL("../test/fixtures/k8s", import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: generated test data is reshaped freely
type Obj = Record<string, any>;
const docs = (file: string): Obj[] =>
  parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as Obj)
    .flatMap((o) => (o?.kind === "List" ? o.items : [o]))
    .filter(Boolean);

function generate(): Obj[] {
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
  return out;
}

// The same objects twice: as multi-document YAML (`helm template` style) and as a JSON List
// (`kubectl get pods,cm,secrets,svc,deploy -A -o json`).
function inputs(): { yamlText: string; jsonText: string; objects: number } {
  const out = generate();
  return {
    yamlText: out.map((o) => stringify(o)).join("---\n"),
    jsonText: JSON.stringify({ apiVersion: "v1", kind: "List", items: out }, null, 4),
    objects: out.length,
  };
}

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

/** Best of ROUNDS, in ms: CPU time of this single-threaded process (CPU=0: wall time). */
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

type Job = "audit-json" | "audit-yaml" | "json-parse" | "yaml-parse";

/** One measurement in this (child) process: best ms and the process's peak RSS. */
function measure(job: Job, file: string): { ms: number; rssMB: number; check?: unknown } {
  const text = readFileSync(file, "utf8");
  let check: unknown;
  const ms = best(() => {
    if (job === "audit-json" || job === "audit-yaml") check = audit(text, file);
    else if (job === "json-parse") JSON.parse(text);
    else yamlParse(text);
  });
  return { ms, rssMB: process.resourceUsage().maxRSS / 1024, check };
}

function child(
  job: Job,
  file: string,
): { ms: number; rssMB: number; check?: { pods: number; findings: number } } {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--child", job, file],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: process.env.NODE_OPTIONS ? process.env : { ...process.env, NODE_OPTIONS: "--import tsx" },
      maxBuffer: 1 << 20,
    },
  );
  if (r.status !== 0) throw new Error(`bench child ${job} failed`);
  return JSON.parse(r.stdout.toString());
}

export async function bench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), "envtrace-bench-k8s-"));
  try {
    const { yamlText, jsonText, objects } = inputs();
    const jf = join(dir, "bench.json");
    const yf = join(dir, "bench.yaml");
    writeFileSync(jf, jsonText);
    writeFileSync(yf, yamlText);
    const aj = child("audit-json", jf);
    const ay = child("audit-yaml", yf);
    if (!aj.check || !ay.check || aj.check.pods < PODS || ay.check.pods < PODS)
      throw new Error(`only ${aj.check?.pods}/${ay.check?.pods} of ${PODS} pods were explained`);
    if (aj.check.findings !== ay.check.findings)
      throw new Error("YAML and JSON inputs gave different findings");
    const pj = child("json-parse", jf);
    const py = child("yaml-parse", yf);
    const mib = (t: string) => (t.length / 1024 / 1024).toFixed(1);
    console.log(
      `input: ${PODS} Pods (${aj.check.findings} findings) + ${objects - PODS} supporting objects; YAML ${mib(yamlText)} MiB, JSON ${mib(jsonText)} MiB; best of ${ROUNDS} (${process.env.CPU !== "0" ? "CPU time" : "wall time"}); load average ${loadavg()[0]!.toFixed(1)}`,
    );
    const rate = (ms: number) => PODS / (ms / 1000);
    const bound =
      "bounded by: garbage collection (~35%), assembling, checking and masking each container's variables (~40%), the parse with positions (~20%; YAML and JSON alike now) — node --cpu-prof";
    return [
      {
        name: "k8s explain offline, JSON List (pods/s)",
        value: rate(aj.ms),
        unit: "pod/s",
        anchor: "JSON.parse of the same JSON (no positions)",
        anchorValue: rate(pj.ms),
        target: "≥ 5000 pod/s",
        pass: rate(aj.ms) >= 5000,
        rssMB: aj.rssMB,
        note: bound,
      },
      {
        name: "k8s explain offline, multi-document YAML (pods/s)",
        value: rate(ay.ms),
        unit: "pod/s",
        anchor: "yaml parseAllDocuments().toJS() (no positions)",
        anchorValue: rate(py.ms),
        target: "≥ 2000 pod/s",
        pass: rate(ay.ms) >= 2000,
        rssMB: ay.rssMB,
        note: bound,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === "--child") {
    process.stdout.write(JSON.stringify(measure(process.argv[3] as Job, process.argv[4]!)));
  } else printFigures(await bench());
}
