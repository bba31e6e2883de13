/**
 * What a rule's `when` sees: `v` (one attributed variable), `vars` (all of a subject's variables) and
 * `subject`, as CEL types (for the load-time check) and as CEL input maps (for evaluation).
 *
 * Every field is always present, with the zero value when unknown (`""`, `0`, `false`), as in proto3, so
 * that `v.source.file == ""` works and no rule fails at run time on a missing key. `v.value` is the
 * masked value when a secret rule flagged it — whatever `--reveal` says.
 */
import { isSecretValue } from "../detect/secret-value.js";
import {
  type Attribution,
  type DisplayValue,
  isProcessActor,
  type Lineage,
  type Subject,
} from "../model/index.js";
import { type CelT, list, obj, T } from "./cel-types.js";

/** The Kubernetes audit join of a variable's source object (see k8s-audit.ts). */
export interface AuditFacts {
  /** An audit record about the object was found. */
  found: boolean;
  /** Who last created, updated or patched it, with the verb and time. */
  user: string;
  verb: string;
  time: string;
  /** Users that read it (get, or list/watch in its namespace). */
  readBy: string[];
  /** The pod's service account (`system:serviceaccount:ns:name`), and whether it read the object. */
  serviceAccount: string;
  serviceAccountRead: boolean;
}

const AUDIT_T = obj("audit", {
  found: T.bool,
  user: T.string,
  verb: T.string,
  time: T.string,
  readBy: list(T.string),
  serviceAccount: T.string,
  serviceAccountRead: T.bool,
});

const ACTOR_T = obj("actor", {
  comm: T.string,
  pid: T.int,
  exe: T.string,
  fieldManager: T.string,
  operation: T.string,
});

export const SOURCE_T = obj("source", {
  kind: T.string,
  mechanism: T.string,
  file: T.string,
  line: T.int,
  resource: T.string,
  resourceKey: T.string,
  confidence: T.string,
  actor: ACTOR_T,
  manager: T.string,
  time: T.string,
  timeWhat: T.string,
  evidence: list(T.string),
  audit: AUDIT_T,
});

export const VAR_T = obj("v", {
  key: T.string,
  value: T.string,
  secret: T.bool,
  rule: T.string,
  source: SOURCE_T,
  shadowed: list(obj("shadowed", { value: T.string, secret: T.bool, source: SOURCE_T })),
  notes: list(T.string),
});

export const SUBJECT_T = obj("subject", {
  id: T.string,
  kind: T.string,
  name: T.string,
  namespace: T.string,
  pod: T.string,
  container: T.string,
  image: T.string,
  pid: T.int,
  comm: T.string,
  serviceAccount: T.string,
});

/** The variables a rule may name, by scope. */
export const RULE_VARS: Record<"variable" | "subject", Record<string, CelT>> = {
  variable: { v: VAR_T, subject: SUBJECT_T },
  subject: { vars: list(VAR_T), subject: SUBJECT_T },
};

const NO_AUDIT: AuditFacts = {
  found: false,
  user: "",
  verb: "",
  time: "",
  readBy: [],
  serviceAccount: "",
  serviceAccountRead: false,
};

const str = (x: unknown) => (typeof x === "string" ? x : x === undefined || x === null ? "" : String(x));

export function auditBinding(a: AuditFacts | undefined): Map<string, unknown> {
  const x = a ?? NO_AUDIT;
  return new Map<string, unknown>([
    ["found", x.found],
    ["user", x.user],
    ["verb", x.verb],
    ["time", x.time],
    ["readBy", x.readBy],
    ["serviceAccount", x.serviceAccount],
    ["serviceAccountRead", x.serviceAccountRead],
  ]);
}

export function sourceBinding(a: Attribution | null | undefined, audit?: AuditFacts): Map<string, unknown> {
  const loc = a?.location as Record<string, unknown> | undefined;
  const actor = a?.actor;
  const proc = isProcessActor(actor) ? actor : undefined;
  const mgr = actor && !isProcessActor(actor) ? actor : undefined;
  return new Map<string, unknown>([
    ["kind", a?.kind ?? "unknown"],
    ["mechanism", str(a?.mechanism)],
    ["file", str(loc?.file)],
    ["line", BigInt(typeof loc?.line === "number" ? loc.line : 0)],
    ["resource", str(loc?.resource)],
    ["resourceKey", str(loc?.key)],
    ["confidence", a?.confidence ?? "possible"],
    [
      "actor",
      new Map<string, unknown>([
        ["comm", str(proc?.comm)],
        ["pid", BigInt(proc?.pid ?? 0)],
        ["exe", str(proc?.exe)],
        ["fieldManager", str(mgr?.fieldManager)],
        ["operation", str(mgr?.operation)],
      ]),
    ],
    ["manager", str(mgr?.fieldManager)],
    ["time", str(a?.time?.at)],
    ["timeWhat", str(a?.time?.what)],
    ["evidence", a?.evidence ?? []],
    ["audit", auditBinding(audit)],
  ]);
}

const shown = (v: DisplayValue) => (isSecretValue(v) ? v.mask : v);

export function varBinding(l: Lineage<DisplayValue>, audit?: AuditFacts): Map<string, unknown> {
  const secret = isSecretValue(l.value);
  return new Map<string, unknown>([
    ["key", l.key],
    ["value", shown(l.value)],
    ["secret", secret],
    ["rule", secret ? ((l.value as { rules: readonly string[] }).rules[0] ?? "") : ""],
    ["source", sourceBinding(l.winner, audit)],
    [
      "shadowed",
      l.shadowed.map(
        (s) =>
          new Map<string, unknown>([
            ["value", shown(s.value)],
            ["secret", isSecretValue(s.value)],
            ["source", sourceBinding(s.attribution)],
          ]),
      ),
    ],
    ["notes", l.notes],
  ]);
}

export function subjectBinding(s: Subject): Map<string, unknown> {
  const d = s.details;
  return new Map<string, unknown>([
    ["id", s.id],
    ["kind", s.kind],
    ["name", s.name],
    ["namespace", str(d.namespace)],
    ["pod", str(d.pod)],
    ["container", str(d.container)],
    ["image", str(d.image)],
    ["pid", BigInt(typeof d.pid === "number" ? d.pid : 0)],
    ["comm", str(d.comm)],
    ["serviceAccount", str(d.serviceAccount)],
  ]);
}
