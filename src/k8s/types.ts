/**
 * The slice of the Kubernetes object model envtrace reads. Inputs are untrusted (manifests, API
 * responses), so every field is optional and every reader checks types before use; nothing here assumes
 * a manifest is valid.
 */

/** Where an object or an entry inside it was read from (a manifest file and a 1-based line). */
export interface Pos {
  file: string;
  line: number;
}

/** A plain JSON-like value as produced by the manifest loader. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: JsonObject;
  subresource?: string;
}

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  creationTimestamp?: string;
}

/** One object from the inputs, with where it came from. */
export interface K8sObject {
  apiVersion?: string;
  kind: string;
  metadata: ObjectMeta;
  /** The whole object as parsed (spec, data, …). */
  raw: JsonObject;
  pos?: Pos;
}

/** Returns `v` when it is a plain object, else undefined. */
export function asObject(v: unknown): JsonObject | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : undefined;
}
export function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}
export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
/** Scalars as strings the way the API server would coerce them (numbers, booleans). */
export function scalarString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}
export function stringMap(v: unknown): Record<string, string> {
  const o = asObject(v);
  const out: Record<string, string> = {};
  if (!o) return out;
  for (const [k, val] of Object.entries(o)) {
    const s = scalarString(val);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** Reads ObjectMeta defensively from a parsed object. */
export function readMeta(raw: JsonObject): ObjectMeta {
  const m = asObject(raw.metadata) ?? {};
  const meta: ObjectMeta = {};
  const name = asString(m.name);
  if (name !== undefined) meta.name = name;
  const gen = asString(m.generateName);
  if (gen !== undefined) meta.generateName = gen;
  const ns = asString(m.namespace);
  if (ns !== undefined) meta.namespace = ns;
  const uid = asString(m.uid);
  if (uid !== undefined) meta.uid = uid;
  const ct = asString(m.creationTimestamp);
  if (ct !== undefined) meta.creationTimestamp = ct;
  if (m.labels !== undefined) meta.labels = stringMap(m.labels);
  if (m.annotations !== undefined) meta.annotations = stringMap(m.annotations);
  const owners = asArray(m.ownerReferences)
    .map(asObject)
    .filter((o): o is JsonObject => !!o)
    .map((o) => {
      const r: OwnerReference = {};
      const s = (k: keyof OwnerReference & string) => asString(o[k]);
      if (s("apiVersion")) r.apiVersion = s("apiVersion");
      if (s("kind")) r.kind = s("kind");
      if (s("name")) r.name = s("name");
      if (s("uid")) r.uid = s("uid");
      if (o.controller === true) r.controller = true;
      return r;
    });
  if (owners.length > 0) meta.ownerReferences = owners;
  const mf = asArray(m.managedFields)
    .map(asObject)
    .filter((o): o is JsonObject => !!o)
    .map((o) => {
      const e: ManagedFieldsEntry = {};
      for (const k of ["manager", "operation", "apiVersion", "time", "fieldsType", "subresource"] as const) {
        const s = asString(o[k]);
        if (s !== undefined) e[k] = s;
      }
      const f = asObject(o.fieldsV1);
      if (f) e.fieldsV1 = f;
      return e;
    });
  if (mf.length > 0) meta.managedFields = mf;
  return meta;
}

/** Workload kinds whose `spec.template` (or `spec.jobTemplate.spec.template`) is a pod template. */
export const WORKLOAD_KINDS = [
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "ReplicationController",
] as const;

/** The pod template spec of a workload and the FieldsV1 path prefix that addresses it. */
export function podTemplateOf(
  obj: K8sObject,
): { metadata: JsonObject; spec: JsonObject; fieldsPrefix: string[] } | undefined {
  const spec = asObject(obj.raw.spec);
  if (!spec) return undefined;
  if (obj.kind === "Pod")
    return { metadata: asObject(obj.raw.metadata) ?? {}, spec, fieldsPrefix: ["f:spec"] };
  if (obj.kind === "CronJob") {
    const jt = asObject(asObject(spec.jobTemplate)?.spec);
    const t = asObject(jt?.template);
    const ts = asObject(t?.spec);
    if (!t || !ts) return undefined;
    return {
      metadata: asObject(t.metadata) ?? {},
      spec: ts,
      fieldsPrefix: ["f:spec", "f:jobTemplate", "f:spec", "f:template", "f:spec"],
    };
  }
  if ((WORKLOAD_KINDS as readonly string[]).includes(obj.kind) || obj.kind === "PodTemplate") {
    const t = obj.kind === "PodTemplate" ? asObject(obj.raw.template) : asObject(spec.template);
    const ts = asObject(t?.spec);
    if (!t || !ts) return undefined;
    return {
      metadata: asObject(t.metadata) ?? {},
      spec: ts,
      fieldsPrefix:
        obj.kind === "PodTemplate" ? ["f:template", "f:spec"] : ["f:spec", "f:template", "f:spec"],
    };
  }
  return undefined;
}

export function objectRef(kind: string, namespace: string | undefined, name: string | undefined): string {
  return namespace ? `${kind}/${namespace}/${name ?? "?"}` : `${kind}/${name ?? "?"}`;
}
