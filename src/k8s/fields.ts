/**
 * managedFields reader: walks the FieldsV1 trie of each entry to find which field managers own a field,
 * and when each last changed the fields it owns (the time is per manager entry, not per field —
 * facts/provenance.md §2.1).
 *
 * FieldsV1 keys: `.` (the field itself), `f:<name>`, `v:<value>`, `i:<index>`, `k:<json of key fields>`.
 * Container env is a list keyed by `name`: `f:spec/f:containers/k:{"name":"app"}/f:env/k:{"name":"FOO"}`
 * on a Pod, under `f:spec/f:template/f:spec/…` on a workload.
 *
 * Contract: never throws, whatever the shape of `managedFields` (it is untrusted input).
 */
import type { ManagedFieldsEntry } from "./types.js";

export interface FieldOwner {
  manager: string;
  operation?: string;
  /** ISO 8601; the last time this manager changed any field it owns. */
  time?: string;
  subresource?: string;
}

/** `k:{"name":"…"}` for a list item keyed by name. */
export function keyedByName(name: string): string {
  return `k:${JSON.stringify({ name })}`;
}

function child(node: unknown, seg: string): unknown {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
  const o = node as Record<string, unknown>;
  if (Object.hasOwn(o, seg)) return o[seg];
  // Keyed segments: the API server's JSON may order or space key fields differently.
  if (!seg.startsWith("k:")) return undefined;
  let want: unknown;
  try {
    want = JSON.parse(seg.slice(2));
  } catch {
    return undefined;
  }
  for (const k of Object.keys(o)) {
    if (!k.startsWith("k:")) continue;
    try {
      if (sameKey(JSON.parse(k.slice(2)), want)) return o[k];
    } catch {
      /* not JSON: not a match */
    }
  }
  return undefined;
}

function sameKey(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameKey((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** True when the trie contains the node at `path` (so its manager owns that field or part of it). */
export function fieldsHas(fields: unknown, path: readonly string[]): boolean {
  let node: unknown = fields;
  for (const seg of path) {
    node = child(node, seg);
    if (node === undefined) return false;
  }
  return node !== null && typeof node === "object";
}

/** Every manager whose entry contains `path`, latest time first. */
export function ownersOf(
  managed: readonly ManagedFieldsEntry[] | undefined,
  path: readonly string[],
): FieldOwner[] {
  if (!Array.isArray(managed)) return [];
  const out: FieldOwner[] = [];
  for (const e of managed) {
    if (!e || typeof e !== "object") continue;
    if (!fieldsHas(e.fieldsV1, path)) continue;
    const o: FieldOwner = { manager: typeof e.manager === "string" && e.manager ? e.manager : "unknown" };
    if (typeof e.operation === "string") o.operation = e.operation;
    if (typeof e.time === "string") o.time = e.time;
    if (typeof e.subresource === "string" && e.subresource) o.subresource = e.subresource;
    out.push(o);
  }
  return out.sort((a, b) => (b.time ?? "").localeCompare(a.time ?? ""));
}

export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";

/** FieldsV1 path of one env entry of one container, under a pod-spec prefix (`["f:spec"]` on a Pod). */
export function envEntryPath(
  prefix: readonly string[],
  list: ContainerList,
  container: string,
  envName: string,
): string[] {
  return [...prefix, `f:${list}`, keyedByName(container), "f:env", keyedByName(envName)];
}

/** FieldsV1 path of a container's `envFrom` (an atomic list: owned whole). */
export function envFromPath(prefix: readonly string[], list: ContainerList, container: string): string[] {
  return [...prefix, `f:${list}`, keyedByName(container), "f:envFrom"];
}

/** FieldsV1 path of a whole container. */
export function containerPath(prefix: readonly string[], list: ContainerList, container: string): string[] {
  return [...prefix, `f:${list}`, keyedByName(container)];
}
