/**
 * The Kubernetes audit join (`--k8s-audit-log FILE`): kube-apiserver audit events (`audit.k8s.io/v1`
 * Event, one JSON object per line as the log backend writes them) tell, for a Secret or ConfigMap a
 * variable came from, who last created, updated or patched it and when, who read it (get, or list/watch
 * of its kind in its namespace), and so whether the pod's service account read it.
 *
 * Only completed, successful requests count (stage ResponseComplete when a stage is given; no
 * responseStatus.code ≥ 400). A line that is not an audit event is a collection issue; the run goes on.
 */
import type { CollectionIssue } from "../model/index.js";
import type { AuditFacts } from "./bindings.js";

const WRITE_VERBS = new Set(["create", "update", "patch"]);
const READ_VERBS = new Set(["get", "list", "watch"]);
const RESOURCES: Record<string, string> = { Secret: "secrets", ConfigMap: "configmaps" };

interface Write {
  user: string;
  verb: string;
  time: string;
}

export interface AuditIndex {
  /** `secrets/ns/name` → the last write. */
  writes: Map<string, Write>;
  /** `secrets/ns/name` → users that got it. */
  reads: Map<string, Set<string>>;
  /** `secrets/ns` → users that listed or watched the kind in the namespace. */
  lists: Map<string, Set<string>>;
  events: number;
  issues: CollectionIssue[];
}

type Json = Record<string, unknown>;
const obj = (x: unknown): Json | undefined =>
  x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Json) : undefined;
const str = (x: unknown): string | undefined => (typeof x === "string" && x !== "" ? x : undefined);

/** Indexes an audit log's text (JSON lines). */
export function parseAuditLog(text: string, file: string): AuditIndex {
  const ix: AuditIndex = { writes: new Map(), reads: new Map(), lists: new Map(), events: 0, issues: [] };
  let bad = 0;
  let firstBad = 0;
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let e: Json | undefined;
    try {
      e = obj(JSON.parse(line));
    } catch {
      e = undefined;
    }
    if (e?.kind !== "Event" || !String(e.apiVersion ?? "").startsWith("audit.k8s.io/")) {
      if (bad++ === 0) firstBad = i + 1;
      return;
    }
    ix.events++;
    if (e.stage !== undefined && e.stage !== "ResponseComplete") return;
    const code = obj(e.responseStatus)?.code;
    if (typeof code === "number" && code >= 400) return;
    const ref = obj(e.objectRef);
    const resource = str(ref?.resource);
    if (!resource || !Object.values(RESOURCES).includes(resource) || str(ref?.subresource)) return;
    const ns = str(ref?.namespace) ?? "";
    const verb = str(e.verb) ?? "";
    const user = str(obj(e.user)?.username) ?? "";
    const name =
      str(ref?.name) ??
      str(obj(obj(e.responseObject)?.metadata)?.name) ??
      str(obj(obj(e.requestObject)?.metadata)?.name);
    const time = str(e.stageTimestamp) ?? str(e.requestReceivedTimestamp) ?? "";
    if (WRITE_VERBS.has(verb) && name) {
      const k = `${resource}/${ns}/${name}`;
      const prev = ix.writes.get(k);
      if (!prev || prev.time <= time) ix.writes.set(k, { user, verb, time });
    } else if (READ_VERBS.has(verb)) {
      if (name && verb === "get") add(ix.reads, `${resource}/${ns}/${name}`, user);
      else if (!name) add(ix.lists, `${resource}/${ns}`, user);
      else add(ix.reads, `${resource}/${ns}/${name}`, user);
    }
  });
  if (bad > 0)
    ix.issues.push({
      subject: file,
      code: "PARSE",
      detail: `${bad} line(s) are not kube-apiserver audit events (first: line ${firstBad}); they were skipped`,
    });
  return ix;
}

function add(m: Map<string, Set<string>>, k: string, user: string): void {
  if (!user) return;
  const s = m.get(k) ?? new Set<string>();
  m.set(k, s);
  s.add(user);
}

/**
 * Facts about the object a variable came from (`Secret/ns/name`, `ConfigMap/ns/name`), for a pod running
 * as `serviceAccount` (`ns/name` or the full `system:serviceaccount:ns:name`); undefined for other sources.
 */
export function auditFacts(
  ix: AuditIndex,
  resourceRef: string | undefined,
  serviceAccount: string | undefined,
): AuditFacts | undefined {
  const m = /^(Secret|ConfigMap)\/([^/]*)\/(.+)$/.exec(resourceRef ?? "");
  if (!m) return undefined;
  const resource = RESOURCES[m[1]!]!;
  const [ns, name] = [m[2]!, m[3]!];
  const k = `${resource}/${ns}/${name}`;
  const w = ix.writes.get(k);
  const readers = new Set([...(ix.reads.get(k) ?? []), ...(ix.lists.get(`${resource}/${ns}`) ?? [])]);
  const sa = serviceAccount
    ? serviceAccount.startsWith("system:serviceaccount:")
      ? serviceAccount
      : `system:serviceaccount:${serviceAccount.includes("/") ? serviceAccount.replace("/", ":") : `${ns}:${serviceAccount}`}`
    : "";
  return {
    found: !!w || readers.size > 0,
    user: w?.user ?? "",
    verb: w?.verb ?? "",
    time: w?.time ?? "",
    readBy: [...readers].sort(),
    serviceAccount: sa,
    serviceAccountRead: sa !== "" && readers.has(sa),
  };
}
