/**
 * Live mode: `envtrace k8s explain --live ns/pod`. Reads the Pod, its owners (ReplicaSet → Deployment,
 * StatefulSet, DaemonSet, Job → CronJob), the ConfigMaps it references and the Services of its namespace
 * (plus `kubernetes` in `default`) from the API server, with the credentials `@kubernetes/client-node` finds
 * (explicit kubeconfig, `$KUBECONFIG`, `~/.kube/config`, or the in-cluster service account).
 *
 * Secrets are read only with `resolveSecrets`, and then reduced to key → keyed fingerprint as they arrive
 * (see {@link ObjectIndex}); their values are never kept, compared only by fingerprint, never printed.
 * Every failed read (403, 404, timeout) is a {@link CollectionIssue} naming the RBAC rule it needs; only a
 * failure to read the Pod itself is fatal (returned as `fatal`).
 */
import * as http from "node:http";
import * as https from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import type { CollectionIssue, IssueCode } from "../model/index.js";
import { loadParsed } from "./load.js";
import { ObjectIndex } from "./objects.js";
import { asArray, asObject, asString, type K8sObject, podTemplateOf } from "./types.js";

export interface LiveOptions {
  /** Path of a kubeconfig file; default: `$KUBECONFIG`, `~/.kube/config`, then in-cluster. */
  kubeconfig?: string;
  /** kubeconfig context to use instead of current-context. */
  context?: string;
  /** Read referenced Secrets (values are fingerprinted on arrival, never kept). */
  resolveSecrets?: boolean;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Environment used to find the kubeconfig (`KUBECONFIG`, `HOME`). */
  env?: NodeJS.ProcessEnv;
}

export interface LiveResult {
  index: ObjectIndex;
  /** The pod as `ns/name`. */
  pod: string;
  /** Set when the Pod itself could not be read: one line naming the cause and the fix. */
  fatal?: string;
}

/** What each resource read needs in RBAC terms (docs/k8s/rbac.md). */
const RBAC: Record<string, string> = {
  pods: 'get pods (apiGroup "")',
  replicasets: 'get replicasets (apiGroup "apps")',
  deployments: 'get deployments (apiGroup "apps")',
  statefulsets: 'get statefulsets (apiGroup "apps")',
  daemonsets: 'get daemonsets (apiGroup "apps")',
  jobs: 'get jobs (apiGroup "batch")',
  cronjobs: 'get cronjobs (apiGroup "batch")',
  replicationcontrollers: 'get replicationcontrollers (apiGroup "")',
  configmaps: 'get configmaps (apiGroup "")',
  services: 'list services (apiGroup "")',
  secrets: 'get secrets (apiGroup ""), only with --resolve-secrets',
};

const OWNER_PATHS: Record<string, [string, string]> = {
  ReplicaSet: ["/apis/apps/v1", "replicasets"],
  Deployment: ["/apis/apps/v1", "deployments"],
  StatefulSet: ["/apis/apps/v1", "statefulsets"],
  DaemonSet: ["/apis/apps/v1", "daemonsets"],
  Job: ["/apis/batch/v1", "jobs"],
  CronJob: ["/apis/batch/v1", "cronjobs"],
  ReplicationController: ["/api/v1", "replicationcontrollers"],
};

/** Parses `ns/pod` (or `pod`, in namespace `defaultNs`). */
export function parsePodRef(
  ref: string,
  defaultNs = "default",
): { namespace: string; name: string } | undefined {
  const parts = ref.split("/");
  const ok = (s: string | undefined) => !!s && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s) && s.length <= 253;
  if (parts.length === 1 && ok(parts[0])) return { namespace: defaultNs, name: parts[0]! };
  if (parts.length === 2 && ok(parts[0]) && ok(parts[1])) return { namespace: parts[0]!, name: parts[1]! };
  return undefined;
}

interface Got {
  status: number;
  body?: unknown;
  error?: string;
}

/** Builds a reader bound to one kubeconfig; exported for the in-pod path. */
export async function apiReader(kc: KubeConfig, timeoutMs: number): Promise<(path: string) => Promise<Got>> {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new Error("the kubeconfig names no cluster server");
  const base = new URL(cluster.server);
  return async (path: string): Promise<Got> => {
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const url = new URL(base.pathname.replace(/\/$/, "") + path, base);
    const mod = url.protocol === "http:" ? http : https;
    return new Promise<Got>((resolve) => {
      const req = mod.request(
        url,
        {
          ...opts,
          method: "GET",
          headers: { ...(opts.headers ?? {}), Accept: "application/json" },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size <= 64 * 1024 * 1024) chunks.push(c);
          });
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
          res.on("error", (e) => resolve({ status: 0, error: e.message }));
        },
      );
      req.on("timeout", () => {
        req.destroy();
        resolve({ status: 0, error: "TIMEOUT" });
      });
      req.on("error", (e) => resolve({ status: 0, error: e.message.split("\n")[0] }));
      req.end();
    });
  };
}

function issueFor(what: string, resource: string, g: Got): CollectionIssue {
  let code: IssueCode = "EIO";
  let detail: string;
  if (g.status === 401 || g.status === 403) {
    code = "EACCES";
    detail = `the API server refused (HTTP ${g.status}); grant ${RBAC[resource] ?? `get ${resource}`} (docs/k8s/rbac.md)`;
  } else if (g.status === 404) {
    code = "ENOENT";
    detail = "not found on the API server";
  } else if (g.error === "TIMEOUT") {
    code = "TIMEOUT";
    detail = "the API server did not answer in time";
  } else {
    detail = g.error ? `request failed: ${g.error}` : `unexpected HTTP ${g.status}`;
  }
  return { subject: what, code, detail };
}

/** Loads a KubeConfig the way kubectl would; throws a one-line Error when none can be found. */
export function loadKubeConfig(opts: LiveOptions): KubeConfig {
  const kc = new KubeConfig();
  const file = opts.kubeconfig ?? opts.env?.KUBECONFIG?.split(":")[0];
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  if (opts.context) kc.setCurrentContext(opts.context);
  return kc;
}

export async function fetchLive(ref: string, opts: LiveOptions = {}): Promise<LiveResult> {
  const index = new ObjectIndex();
  const p = parsePodRef(ref);
  if (!p) return { index, pod: ref, fatal: `--live expects NAMESPACE/POD, got '${ref}'` };
  const podName = `${p.namespace}/${p.name}`;
  let get: (path: string) => Promise<Got>;
  try {
    const kc = loadKubeConfig(opts);
    get = await apiReader(kc, opts.timeoutMs ?? 10_000);
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return {
      index,
      pod: podName,
      fatal: `no usable kubeconfig (${why}); set KUBECONFIG or run inside a pod`,
    };
  }
  const add = (body: unknown, source: string) => {
    const r = loadParsed(body, source);
    index.issues.push(...r.issues);
    for (const o of r.objects) index.add(o);
    return r.objects;
  };
  const ns = encodeURIComponent(p.namespace);
  const podPath = `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(p.name)}`;
  const podGot = await get(podPath);
  if (podGot.status !== 200 || !asObject(podGot.body)) {
    const i = issueFor(`Pod/${podName}`, "pods", podGot);
    return { index, pod: podName, fatal: `cannot read Pod/${podName}: ${i.detail}` };
  }
  const [pod] = add(podGot.body, podPath);
  if (!pod) return { index, pod: podName, fatal: `Pod/${podName}: the API server's answer is not a Pod` };

  // Owners, nearest first (guarded against cycles).
  let cur: K8sObject = pod;
  const seen = new Set<string>();
  for (let hop = 0; hop < 6; hop++) {
    const refs = cur.metadata.ownerReferences ?? [];
    const o = refs.find((r) => r.controller) ?? refs[0];
    if (!o?.kind || !o.name || !OWNER_PATHS[o.kind] || seen.has(`${o.kind}/${o.name}`)) break;
    seen.add(`${o.kind}/${o.name}`);
    const [prefix, plural] = OWNER_PATHS[o.kind]!;
    const path = `${prefix}/namespaces/${ns}/${plural}/${encodeURIComponent(o.name)}`;
    const g = await get(path);
    if (g.status !== 200) {
      index.issues.push(issueFor(`${o.kind}/${podName.split("/")[0]}/${o.name}`, plural, g));
      break;
    }
    const [owner] = add(g.body, path);
    if (!owner) break;
    cur = owner;
  }

  // Referenced ConfigMaps and Secrets, over all containers.
  const spec = podTemplateOf(pod)?.spec ?? {};
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    for (const c of asArray(spec[list])) {
      const co = asObject(c);
      for (const e of asArray(co?.env)) {
        const vf = asObject(asObject(e)?.valueFrom);
        const cm = asString(asObject(vf?.configMapKeyRef)?.name);
        const s = asString(asObject(vf?.secretKeyRef)?.name);
        if (cm) configMaps.add(cm);
        if (s) secrets.add(s);
      }
      for (const ef of asArray(co?.envFrom)) {
        const cm = asString(asObject(asObject(ef)?.configMapRef)?.name);
        const s = asString(asObject(asObject(ef)?.secretRef)?.name);
        if (cm) configMaps.add(cm);
        if (s) secrets.add(s);
      }
    }
  }
  for (const name of [...configMaps].sort()) {
    const path = `/api/v1/namespaces/${ns}/configmaps/${encodeURIComponent(name)}`;
    const g = await get(path);
    if (g.status === 200) add(g.body, path);
    else index.issues.push(issueFor(`ConfigMap/${p.namespace}/${name}`, "configmaps", g));
  }
  for (const name of [...secrets].sort()) {
    if (!opts.resolveSecrets) {
      index.issues.push({
        subject: `Secret/${p.namespace}/${name}`,
        code: "UNAVAILABLE",
        detail:
          "not read: pass --resolve-secrets to list its keys and fingerprint its values (values are never printed)",
      });
      continue;
    }
    const path = `/api/v1/namespaces/${ns}/secrets/${encodeURIComponent(name)}`;
    const g = await get(path);
    if (g.status === 200) add(g.body, path);
    else index.issues.push(issueFor(`Secret/${p.namespace}/${name}`, "secrets", g));
  }

  // Services: the namespace's (service links) and the master service.
  if (spec.enableServiceLinks !== false) {
    const path = `/api/v1/namespaces/${ns}/services`;
    const g = await get(path);
    if (g.status === 200) add(g.body, path);
    else index.issues.push(issueFor(`Service/${p.namespace}/*`, "services", g));
  }
  if (!index.get("Service", "default", "kubernetes")) {
    const path = "/api/v1/namespaces/default/services/kubernetes";
    const g = await get(path);
    if (g.status === 200) add(g.body, path);
    else index.issues.push(issueFor("Service/default/kubernetes", "services", g));
  }
  return { index, pod: podName };
}
