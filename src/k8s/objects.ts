/**
 * The set of objects one audit looks at (manifests or API responses), indexed by kind/namespace/name and
 * uid, and the ownerReferences walk Pod → ReplicaSet → Deployment (StatefulSet, DaemonSet, Job → CronJob).
 *
 * Secrets are reduced to key → fingerprint when they enter the index: their values are dropped from the
 * parsed object, so nothing downstream can print them.
 */
import type { CollectionIssue } from "../model/index.js";
import { valueFingerprint } from "./fingerprint.js";
import type { Positions } from "./load.js";
import { asObject, type JsonObject, type K8sObject, type Pos, podTemplateOf, scalarString } from "./types.js";

/** Namespace assumed for namespaced objects that name none (what `kubectl apply` would use). */
export const DEFAULT_NAMESPACE = "default";

export interface SecretKeyInfo {
  fingerprint: string;
  pos?: Pos;
}

export interface OwnerLink {
  obj: K8sObject;
  /** How the link was established. */
  via: "ownerReference" | "pod-template-hash" | "selector";
}

export function nsOf(o: K8sObject): string {
  return o.metadata.namespace ?? DEFAULT_NAMESPACE;
}

export class ObjectIndex {
  readonly all: K8sObject[] = [];
  private readonly byKey = new Map<string, K8sObject>();
  private readonly byUid = new Map<string, K8sObject>();
  private readonly byKind = new Map<string, K8sObject[]>();
  private readonly byKindNs = new Map<string, K8sObject[]>();
  private readonly secretKeys = new WeakMap<K8sObject, Map<string, SecretKeyInfo>>();
  /** ownerChain results; reset whenever an object is added (a new object can complete a chain). */
  private chains = new WeakMap<K8sObject, OwnerLink[]>();
  readonly issues: CollectionIssue[] = [];

  constructor(readonly positions?: Positions) {}

  static key(kind: string, ns: string, name: string): string {
    return `${kind}\0${ns}\0${name}`;
  }

  add(o: K8sObject): void {
    if (o.kind === "Secret") this.scrubSecret(o);
    this.chains = new WeakMap();
    this.all.push(o);
    for (const [map, k] of [
      [this.byKind, o.kind],
      [this.byKindNs, `${o.kind}\0${nsOf(o)}`],
    ] as const) {
      const same = map.get(k);
      if (same) same.push(o);
      else map.set(k, [o]);
    }
    const name = o.metadata.name;
    if (name !== undefined) this.byKey.set(ObjectIndex.key(o.kind, nsOf(o), name), o);
    if (o.metadata.uid) this.byUid.set(o.metadata.uid, o);
  }

  get(kind: string, ns: string, name: string): K8sObject | undefined {
    return this.byKey.get(ObjectIndex.key(kind, ns, name));
  }

  list(kind: string, ns?: string): K8sObject[] {
    return (ns === undefined ? this.byKind.get(kind) : this.byKindNs.get(`${kind}\0${ns}`)) ?? [];
  }

  /** Keys of a Secret with value fingerprints (values themselves are never kept). */
  secretData(o: K8sObject): Map<string, SecretKeyInfo> {
    return this.secretKeys.get(o) ?? new Map();
  }

  private scrubSecret(o: K8sObject): void {
    const keys = new Map<string, SecretKeyInfo>();
    for (const field of ["data", "stringData"] as const) {
      const d = asObject(o.raw[field]);
      if (!d) continue;
      for (const [k, v] of Object.entries(d)) {
        const s = scalarString(v);
        if (s === undefined) continue;
        const bytes = field === "data" ? Buffer.from(s, "base64") : Buffer.from(s, "utf8");
        const info: SecretKeyInfo = { fingerprint: valueFingerprint(bytes) };
        const pos = this.positions?.get(d);
        if (pos) info.pos = pos;
        // stringData overrides data on write, as the API server does.
        keys.set(k, info);
        d[k] = "";
      }
    }
    this.secretKeys.set(o, keys);
  }

  /** The controller owner of `o`, by ownerReference (uid, then name), else by labels; undefined if none. */
  ownerOf(o: K8sObject): OwnerLink | undefined {
    const ns = nsOf(o);
    const refs = o.metadata.ownerReferences ?? [];
    const ref = refs.find((r) => r.controller) ?? refs[0];
    if (ref) {
      const byUid = ref.uid ? this.byUid.get(ref.uid) : undefined;
      if (byUid) return { obj: byUid, via: "ownerReference" };
      if (ref.kind && ref.name) {
        const byName = this.get(ref.kind, ns, ref.name);
        if (byName) return { obj: byName, via: "ownerReference" };
      }
      // The ReplicaSet is not among the inputs: its Deployment is `<rs name minus -<pod-template-hash>>`,
      // confirmed by the selector.
      if (ref.kind === "ReplicaSet" && ref.name) {
        const hash = o.metadata.labels?.["pod-template-hash"];
        const dname = hash && ref.name.endsWith(`-${hash}`) ? ref.name.slice(0, -hash.length - 1) : undefined;
        const d = dname ? this.get("Deployment", ns, dname) : undefined;
        if (d && selectorMatches(d, o)) return { obj: d, via: "pod-template-hash" };
        const bySel = this.list("Deployment", ns).find((x) => selectorMatches(x, o));
        if (bySel) return { obj: bySel, via: "selector" };
      }
      if (ref.kind === "Job" && ref.name) {
        const cj = this.list("CronJob", ns).find(
          (x) => x.metadata.name && ref.name!.startsWith(`${x.metadata.name}-`),
        );
        if (cj) return { obj: cj, via: "selector" };
      }
      return undefined;
    }
    // No ownerReferences (a hand-written Pod next to its Deployment): match by pod-template-hash + selector.
    if (o.kind === "Pod" && o.metadata.labels?.["pod-template-hash"]) {
      const rs = this.list("ReplicaSet", ns).find(
        (x) =>
          x.metadata.labels?.["pod-template-hash"] === o.metadata.labels?.["pod-template-hash"] &&
          selectorMatches(x, o),
      );
      if (rs) return { obj: rs, via: "pod-template-hash" };
      const d = this.list("Deployment", ns).find((x) => selectorMatches(x, o));
      if (d) return { obj: d, via: "selector" };
    }
    return undefined;
  }

  /** Owners of `o`, nearest first, stopping at cycles and after 8 hops. */
  ownerChain(o: K8sObject): OwnerLink[] {
    const cached = this.chains.get(o);
    if (cached) return cached;
    const chain: OwnerLink[] = [];
    const seen = new Set<K8sObject>([o]);
    let cur: K8sObject = o;
    for (let i = 0; i < 8; i++) {
      const next = this.ownerOf(cur);
      if (!next || seen.has(next.obj)) break;
      chain.push(next);
      seen.add(next.obj);
      cur = next.obj;
    }
    this.chains.set(o, chain);
    return chain;
  }
}

/** Does the workload's `spec.selector.matchLabels` (and matchExpressions `In`) select the pod's labels? */
export function selectorMatches(workload: K8sObject, pod: K8sObject): boolean {
  const sel = asObject(asObject(workload.raw.spec)?.selector);
  const labels = pod.metadata.labels ?? {};
  if (!sel) {
    // Without a selector, fall back to the template labels (old extensions/v1beta1 defaulting).
    const tl = asObject(podTemplateOf(workload)?.metadata.labels);
    if (!tl || Object.keys(tl).length === 0) return false;
    return Object.entries(tl).every(([k, v]) => labels[k] === scalarString(v));
  }
  const ml = asObject(sel.matchLabels) ?? (workload.kind === "ReplicationController" ? sel : undefined);
  let matched = false;
  if (ml) {
    for (const [k, v] of Object.entries(ml)) {
      if (labels[k] !== scalarString(v)) return false;
      matched = true;
    }
  }
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  for (const e of exprs) {
    const ex = asObject(e) as JsonObject | undefined;
    const key = scalarString(ex?.key);
    const op = scalarString(ex?.operator);
    const values = Array.isArray(ex?.values) ? ex.values.map(scalarString) : [];
    if (!key || !op) continue;
    const has = Object.hasOwn(labels, key);
    if (op === "In" && !(has && values.includes(labels[key]))) return false;
    if (op === "NotIn" && has && values.includes(labels[key])) return false;
    if (op === "Exists" && !has) return false;
    if (op === "DoesNotExist" && has) return false;
    matched = true;
  }
  return matched;
}
