/**
 * The kubelet assembly model for one container: envFrom, then env in declaration order (with `$(VAR)`
 * expansion and valueFrom), then service links for the keys not yet set (facts/provenance.md §2.4), plus
 * what happens after exec that the spec still shows: an env file written by an init container (or a Vault
 * agent template) and sourced by the container's `sh -c` script, and bank-vaults `vault:` placeholders.
 *
 * Each entry is attributed to the object that authored it (the topmost owner whose template holds it),
 * with the field manager and per-manager time from managedFields, and flagged as webhook-injected when it
 * is on the Pod, absent from the owner's template and owned by no manager.
 *
 * Contract: never throws on malformed objects (entries without names, wrong types are skipped with an
 * issue). Secret values never enter the result: they are withheld and only fingerprinted.
 */
import type { Attribution, CollectionIssue, Confidence, Lineage, ShadowedValue } from "../model/index.js";
import { exportsIn, shellScript, sourcedFiles, writtenTo } from "./env-file.js";
import {
  type ContainerList,
  containerPath,
  envEntryPath,
  envFromPath,
  type FieldOwner,
  ownersOf,
} from "./fields.js";
import {
  expand,
  fieldRefValue,
  isValidEnvName,
  type MaybeValue,
  resourceFieldValue,
  type ServiceLinkVar,
  serviceLinkVars,
} from "./kubelet.js";
import type { Positions } from "./load.js";
import { nsOf, type ObjectIndex, type OwnerLink } from "./objects.js";
import {
  asArray,
  asObject,
  asString,
  type JsonObject,
  type K8sObject,
  objectRef,
  type Pos,
  podTemplateOf,
  scalarString,
} from "./types.js";

export interface ContainerRef {
  list: ContainerList;
  name: string;
  spec: JsonObject;
}

/** One `env[]` entry as the checks see it (raw values stay here, before masking). */
export interface EnvEntryView {
  name: string;
  index: number;
  entry: JsonObject;
  pos?: Pos;
  source:
    | "value"
    | "configMapKeyRef"
    | "secretKeyRef"
    | "fieldRef"
    | "resourceFieldRef"
    | "fileKeyRef"
    | "empty";
  /** The literal as written (for `value` entries). */
  literal?: string;
  attribution: Attribution;
}

export interface EnvFromView {
  index: number;
  entry: JsonObject;
  pos?: Pos;
  kind: "ConfigMap" | "Secret";
  name: string;
  prefix: string;
  attribution: Attribution;
}

/** Everything known about one container's environment, before masking. */
export interface ContainerEnv {
  /** `ns/pod/container`. */
  subjectName: string;
  subject: K8sObject;
  container: ContainerRef;
  podSpec: JsonObject;
  namespace: string;
  lineages: Lineage[];
  env: EnvEntryView[];
  envFrom: EnvFromView[];
  serviceLinks: { enabled: boolean; services: string[]; keys: string[] };
  issues: CollectionIssue[];
}

export interface AssembleInput {
  index: ObjectIndex;
  positions: Positions;
  subject: K8sObject;
  container: ContainerRef;
  /** Owners of the subject, nearest first. */
  chain: readonly OwnerLink[];
}

interface Slot {
  value: MaybeValue;
  withheld: boolean;
  attribution: Attribution;
  notes: string[];
}

const UNKNOWN_NOTE = "value-unknown";
const WITHHELD_NOTE = "value-withheld";

export function containersOf(spec: JsonObject): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of ["initContainers", "containers"] as const) {
    for (const c of asArray(spec[list])) {
      const o = asObject(c);
      const name = asString(o?.name);
      if (o && name) out.push({ list, name, spec: o });
    }
  }
  return out;
}

function findContainer(
  spec: JsonObject | undefined,
  list: ContainerList,
  name: string,
): JsonObject | undefined {
  if (!spec) return undefined;
  for (const c of asArray(spec[list])) {
    const o = asObject(c);
    if (o && asString(o.name) === name) return o;
  }
  return undefined;
}

function findEnv(container: JsonObject | undefined, name: string): JsonObject | undefined {
  if (!container) return undefined;
  let found: JsonObject | undefined;
  for (const e of asArray(container.env)) {
    const o = asObject(e);
    if (o && asString(o.name) === name) found = o;
  }
  return found;
}

/** Injector fingerprints on the Pod (facts/provenance.md §2.3). */
function injectorFor(
  pod: K8sObject,
  c: ContainerRef,
): { mechanism: string; evidence: string[]; sure: boolean } {
  const ann = pod.metadata.annotations ?? {};
  const evidence: string[] = [];
  const istio = ann["sidecar.istio.io/status"];
  if (istio !== undefined) {
    let listed = false;
    try {
      const st = JSON.parse(istio) as Record<string, unknown>;
      const names = [...asArray(st.containers), ...asArray(st.initContainers)];
      listed = names.includes(c.name);
    } catch {
      /* malformed annotation: still a fingerprint */
    }
    evidence.push(`annotation sidecar.istio.io/status present${listed ? `, lists container ${c.name}` : ""}`);
    if (listed) return { mechanism: "istio-sidecar-injector", evidence, sure: true };
  }
  const vault = ann["vault.hashicorp.com/agent-inject-status"];
  if (vault !== undefined) {
    evidence.push("annotation vault.hashicorp.com/agent-inject-status present");
    if (/^vault-agent(-init)?$/.test(c.name))
      return { mechanism: "vault-agent-injector", evidence, sure: true };
  }
  if (ann["policies.kyverno.io/last-applied-patches"] !== undefined) {
    evidence.push("annotation policies.kyverno.io/last-applied-patches present");
    return { mechanism: "kyverno", evidence, sure: false };
  }
  if (istio !== undefined) return { mechanism: "istio-sidecar-injector", evidence, sure: false };
  if (vault !== undefined) return { mechanism: "vault-agent-injector", evidence, sure: false };
  return { mechanism: "mutating-webhook", evidence, sure: false };
}

function hasBankVaults(pod: K8sObject, container: JsonObject): boolean {
  const ann = pod.metadata.annotations ?? {};
  if (Object.keys(ann).some((k) => k.startsWith("vault.security.banzaicloud.io/"))) return true;
  const argv = [...asArray(container.command), ...asArray(container.args)].map((x) => asString(x) ?? "");
  return argv.some((a) => a.endsWith("vault-env"));
}

function ownerActor(a: Attribution, owners: readonly FieldOwner[], where: string, what: string): void {
  const o = owners[0];
  if (!o) return;
  a.actor = o.operation ? { fieldManager: o.manager, operation: o.operation } : { fieldManager: o.manager };
  if (o.time) a.time = { at: o.time, what: "managed-fields" };
  a.evidence.push(
    `managedFields of ${where}: ${o.manager}${o.operation ? ` (${o.operation})` : ""} owns ${what}${o.time ? `; that manager last changed its fields at ${o.time}` : ""}`,
  );
  for (const other of owners.slice(1))
    a.evidence.push(`also owned by ${other.manager} (${other.operation ?? "?"})`);
}

interface LinkCache {
  vars: ServiceLinkVar[];
  byKey: Map<string, ServiceLinkVar>;
  slots: Map<string, Slot>;
}
const linkCache = new WeakMap<ObjectIndex, Map<string, LinkCache>>();

/** Service-link variables and their slots, computed once per index, namespace and setting. */
function serviceLinks(index: ObjectIndex, ns: string, enabled: boolean, byDefault: boolean): LinkCache {
  let perIndex = linkCache.get(index);
  if (!perIndex) {
    perIndex = new Map();
    linkCache.set(index, perIndex);
  }
  const cacheKey = `${ns}\0${enabled}\0${byDefault}`;
  const hit = perIndex.get(cacheKey);
  if (hit) return hit;
  const vars = serviceLinkVars(
    ns,
    enabled,
    index.list("Service", ns),
    index.get("Service", "default", "kubernetes"),
  );
  const slots = new Map<string, Slot>();
  for (const v of vars) {
    const svcRef = v.service
      ? objectRef("Service", nsOf(v.service), v.service.metadata.name)
      : "Service/default/kubernetes";
    const loc: Attribution["location"] = { resource: svcRef };
    if (v.service?.pos) {
      loc.file = v.service.pos.file;
      loc.line = v.service.pos.line;
    }
    const notes: string[] = [];
    if (v.value === null)
      notes.push(`${UNKNOWN_NOTE}: present at run time; the cluster IP is assigned by the API server`);
    slots.set(v.key, {
      value: v.value,
      withheld: false,
      notes,
      attribution: {
        kind: "k8s-service-link",
        mechanism: v.master ? "master-service" : "enableServiceLinks",
        location: loc,
        confidence: v.service ? "certain" : "likely",
        evidence: [
          v.master
            ? "the kubelet always adds the master service's variables, even with enableServiceLinks: false"
            : `enableServiceLinks is ${byDefault ? "unset (default true)" : "true"}: the kubelet adds variables for every Service in namespace ${ns}`,
          ...(v.service
            ? []
            : ["no kubernetes Service among the inputs: names assume its default port 443 (https)"]),
        ],
      },
    });
  }
  const out = { vars, byKey: new Map(vars.map((v) => [v.key, v])), slots };
  perIndex.set(cacheKey, out);
  return out;
}

export function assembleContainer(input: AssembleInput): ContainerEnv {
  const { index, positions, subject, container, chain } = input;
  const ns = nsOf(subject);
  const tpl = podTemplateOf(subject);
  const podSpec = tpl?.spec ?? {};
  const isPod = subject.kind === "Pod";
  const subjectRef = objectRef(subject.kind, ns, subject.metadata.name);
  const subjectName = `${ns}/${isPod ? subject.metadata.name : `${subject.kind}:${subject.metadata.name}`}/${container.name}`;
  const issues: CollectionIssue[] = [];
  const issue = (code: CollectionIssue["code"], detail: string, subj = subjectName) =>
    issues.push({ subject: subj, code, detail });

  // Objects that may have authored the container's entries: the subject, then its owners that carry a template.
  const authors: Array<{ obj: K8sObject; prefix: string[]; spec: JsonObject }> = [];
  if (tpl) authors.push({ obj: subject, prefix: tpl.fieldsPrefix, spec: tpl.spec });
  for (const link of chain) {
    const t = podTemplateOf(link.obj);
    if (t) authors.push({ obj: link.obj, prefix: t.fieldsPrefix, spec: t.spec });
  }
  const nearestOwnerTpl = authors[1];
  const chainEvidence = chain.map(
    (l) => `owner ${objectRef(l.obj.kind, nsOf(l.obj), l.obj.metadata.name)} (via ${l.via})`,
  );
  const podMf = isPod ? subject.metadata.managedFields : undefined;
  // Pod managedFields speak for the container only when some entry covers it.
  const podMfCovers =
    !!podMf && ownersOf(podMf, containerPath(["f:spec"], container.list, container.name)).length > 0;

  /** Who wrote an env entry (or envFrom when envName is null), and was it injected at admission. */
  const provenance = (
    envName: string | null,
    entry: JsonObject,
  ): {
    location: { resource: string; file?: string; line?: number };
    attribution: Partial<Attribution>;
    injected?: ReturnType<typeof injectorFor> & { reasons: string[] };
  } => {
    const pathFor = (prefix: string[]) =>
      envName === null
        ? envFromPath(prefix, container.list, container.name)
        : envEntryPath(prefix, container.list, container.name, envName);
    let top = authors[0];
    let topEntry: unknown = entry;
    const holding = top ? [top] : [];
    for (const a of authors.slice(1)) {
      const c = findContainer(a.spec, container.list, container.name);
      const e = envName === null ? (c?.envFrom !== undefined ? c.envFrom : undefined) : findEnv(c, envName);
      if (e === undefined) break;
      top = a;
      topEntry = e;
      holding.push(a);
    }
    const pos = positions.get(topEntry) ?? positions.get(entry);
    const location: { resource: string; file?: string; line?: number } = {
      resource: top ? objectRef(top.obj.kind, nsOf(top.obj), top.obj.metadata.name) : subjectRef,
    };
    if (pos) {
      location.file = pos.file;
      location.line = pos.line;
    }
    const attribution: Partial<Attribution> = { evidence: [...chainEvidence] };
    // The actor: the manager on the topmost object that holds the entry and records an owner for it
    // (a Pod made by a controller is owned by kube-controller-manager; the human is on the Deployment).
    for (const h of [...holding].reverse()) {
      const owners = ownersOf(h.obj.metadata.managedFields, pathFor(h.prefix));
      if (owners.length === 0) continue;
      ownerActor(
        attribution as Attribution,
        owners,
        objectRef(h.obj.kind, nsOf(h.obj), h.obj.metadata.name),
        envName === null ? "envFrom" : `env ${envName}`,
      );
      break;
    }
    let injected: (ReturnType<typeof injectorFor> & { reasons: string[] }) | undefined;
    if (isPod) {
      const reasons: string[] = [];
      let absent: boolean | undefined;
      if (nearestOwnerTpl) {
        const c = findContainer(nearestOwnerTpl.spec, container.list, container.name);
        absent = envName === null ? c?.envFrom === undefined : !findEnv(c, envName);
        if (absent) {
          reasons.push(
            c
              ? `absent from the template of ${objectRef(nearestOwnerTpl.obj.kind, nsOf(nearestOwnerTpl.obj), nearestOwnerTpl.obj.metadata.name)}`
              : `container ${container.name} is absent from the template of ${objectRef(nearestOwnerTpl.obj.kind, nsOf(nearestOwnerTpl.obj), nearestOwnerTpl.obj.metadata.name)}`,
          );
        }
      }
      let unowned: boolean | undefined;
      if (podMf && podMf.length > 0) {
        const covered = podMfCovers && ownersOf(podMf, pathFor(["f:spec"])).length > 0;
        unowned = !covered;
        if (unowned) reasons.push("owned by no field manager in the Pod's managedFields");
      }
      if (
        (absent === true && unowned !== false) ||
        (absent === undefined && unowned === true && podMfCovers)
      ) {
        injected = { ...injectorFor(subject, container), reasons };
      } else if (absent === undefined && unowned === true && !podMfCovers) {
        // The whole container is unowned: a sidecar added at admission.
        injected = { ...injectorFor(subject, container), reasons };
      }
    }
    return injected ? { location, attribution, injected } : { location, attribution };
  };

  const slots = new Map<string, Slot>();
  const shadowed = new Map<string, ShadowedValue[]>();
  const put = (key: string, slot: Slot) => {
    const prev = slots.get(key);
    if (prev) {
      const list = shadowed.get(key) ?? [];
      list.push({ value: prev.value ?? "", attribution: prev.attribution });
      shadowed.set(key, list);
      slots.delete(key); // re-insert so that iteration order is the order of the last write
    }
    slots.set(key, slot);
  };

  const finish = (
    kind: Attribution["kind"],
    mechanism: string,
    base: ReturnType<typeof provenance>,
    confidence: Confidence,
    evidence: string[],
    location?: Attribution["location"],
  ): Attribution => {
    const a: Attribution = {
      kind,
      mechanism,
      location: location ?? base.location,
      confidence,
      evidence: [...evidence, ...(base.attribution.evidence ?? [])],
    };
    if (base.attribution.actor) a.actor = base.attribution.actor;
    if (base.attribution.time) a.time = base.attribution.time;
    if (base.injected) {
      const inj = base.injected;
      a.evidence.unshift(
        `added at admission (${inj.reasons.join("; ")}); would otherwise be ${kind}:${mechanism}`,
        ...inj.evidence,
      );
      a.kind = "k8s-webhook";
      a.mechanism = inj.mechanism;
      a.confidence = inj.sure ? "certain" : "likely";
    }
    return a;
  };

  // 1. envFrom
  const envFromViews: EnvFromView[] = [];
  for (const [i, raw] of asArray(container.spec.envFrom).entries()) {
    const ef = asObject(raw);
    if (!ef) continue;
    const cm = asObject(ef.configMapRef);
    const sec = asObject(ef.secretRef);
    const ref = cm ?? sec;
    const kind = cm ? "ConfigMap" : "Secret";
    const name = asString(ref?.name);
    if (!ref || !name) {
      issue("PARSE", `envFrom[${i}] names no ConfigMap or Secret; skipped`);
      continue;
    }
    const prefix = asString(ef.prefix) ?? "";
    const optional = ref.optional === true;
    const base = provenance(null, ef);
    const resource = objectRef(kind, ns, name);
    const efAttr = finish(
      "k8s-envfrom",
      kind === "ConfigMap" ? "configMapRef" : "secretRef",
      base,
      "certain",
      [
        `envFrom[${i}] ${kind} ${name}${prefix ? ` with prefix ${prefix}` : ""}${optional ? " (optional)" : ""}`,
      ],
    );
    envFromViews.push({
      index: i,
      entry: ef,
      pos: positions.get(ef) ?? subject.pos,
      kind,
      name,
      prefix,
      attribution: efAttr,
    } as EnvFromView);
    const obj = index.get(kind, ns, name);
    if (!obj) {
      issue(
        "UNAVAILABLE",
        `${resource} is not among the inputs: the keys envFrom[${i}] adds are unknown${optional ? " (optional: it may not exist)" : ""}; pass it with -f or use --live`,
        resource,
      );
      continue;
    }
    const entries: Array<[string, { value: MaybeValue; withheld: boolean; pos?: Pos; fp?: string }]> = [];
    if (kind === "ConfigMap") {
      const data = asObject(obj.raw.data) ?? {};
      for (const [k, v] of Object.entries(data)) {
        const pos = positions.get(data);
        entries.push([k, { value: scalarString(v) ?? "", withheld: false, ...(pos ? { pos } : {}) }]);
      }
    } else {
      for (const [k, info] of index.secretData(obj)) {
        entries.push([
          k,
          { value: null, withheld: true, fp: info.fingerprint, ...(info.pos ? { pos: info.pos } : {}) },
        ]);
      }
    }
    for (const [k, v] of entries) {
      const key = prefix + k;
      if (!isValidEnvName(key)) {
        issue(
          "PARSE",
          `${resource} key ${JSON.stringify(k)} is not a valid variable name; the kubelet skips it (event InvalidEnvironmentVariableNames)`,
          resource,
        );
        continue;
      }
      const loc: Attribution["location"] = { resource, key: k };
      if (obj.pos) {
        loc.file = obj.pos.file;
        loc.line = obj.pos.line;
      }
      const a: Attribution = {
        ...efAttr,
        location: loc,
        evidence: [...efAttr.evidence],
      };
      if (!base.injected) {
        a.kind = "k8s-envfrom";
      }
      const notes: string[] = [];
      if (v.withheld) notes.push(`${WITHHELD_NOTE}: from ${resource} key ${k}${v.fp ? ` (${v.fp})` : ""}`);
      put(key, { value: v.value, withheld: v.withheld, attribution: a, notes });
    }
  }

  // 2. env, in declaration order, with expansion against what is set so far and the service variables.
  const enableServiceLinks = podSpec.enableServiceLinks !== false;
  const services = index.list("Service", ns);
  const links = serviceLinks(index, ns, enableServiceLinks, podSpec.enableServiceLinks === undefined);
  const linkVars = links.vars;
  const serviceMap = links.byKey;
  const lookup = (name: string): { found: boolean; value: MaybeValue; withheld?: boolean } => {
    const s = slots.get(name);
    if (s) return { found: true, value: s.withheld ? null : s.value, withheld: s.withheld };
    const sv = serviceMap.get(name);
    if (sv) return { found: true, value: sv.value };
    return { found: false, value: null };
  };
  const envViews: EnvEntryView[] = [];
  for (const [i, raw] of asArray(container.spec.env).entries()) {
    const e = asObject(raw);
    const name = asString(e?.name);
    if (!e || !name) {
      issue("PARSE", `env[${i}] has no name; skipped`);
      continue;
    }
    const base = provenance(name, e);
    const pos = positions.get(e);
    const literal = scalarString(e.value);
    const vf = asObject(e.valueFrom);
    const notes: string[] = [];
    let value: MaybeValue = "";
    let withheld = false;
    let attribution: Attribution;
    let source: EnvEntryView["source"] = "empty";
    if (literal !== undefined && literal !== "") {
      source = "value";
      let withheldRef = false;
      const r = expand(literal, (n) => {
        const l = lookup(n);
        if (l.withheld) withheldRef = true;
        return l;
      });
      value = r.value;
      const resolved = r.refs.filter((n) => lookup(n).found);
      if (withheldRef) {
        withheld = true;
        value = null;
        notes.push(`${WITHHELD_NOTE}: expands a variable that comes from a Secret`);
      } else if (value === null) notes.push(`${UNKNOWN_NOTE}: expands a variable known only at run time`);
      attribution = finish(
        "k8s-literal",
        resolved.length > 0 ? "value+expansion" : "value",
        base,
        "certain",
        [`env[${i}] value${resolved.length > 0 ? ` expanding $(${resolved.join("), $(")})` : ""}`],
      );
      // bank-vaults: the spec holds a placeholder that vault-env replaces at exec (§2.3).
      if (/^(>>)?vault:/.test(literal)) {
        const sure = isPod && hasBankVaults(subject, container.spec);
        const spec = attribution;
        put(name, { value, withheld, attribution: spec, notes: [] });
        attribution = {
          kind: "k8s-webhook",
          mechanism: "bank-vaults-vault-env",
          location: spec.location!,
          confidence: sure ? "likely" : "possible",
          evidence: [
            "the spec value is a bank-vaults vault: placeholder; vault-env resolves it from Vault at exec, so the runtime value differs from the spec",
            ...(sure
              ? ["bank-vaults mutation present on the Pod (annotations or vault-env in the command)"]
              : []),
          ],
        };
        value = null;
        withheld = true;
        notes.push(`${WITHHELD_NOTE}: resolved from Vault at exec by vault-env`);
      }
    } else if (vf) {
      const cmk = asObject(vf.configMapKeyRef);
      const sk = asObject(vf.secretKeyRef);
      const fr = asObject(vf.fieldRef);
      const rf = asObject(vf.resourceFieldRef);
      const fk = asObject(vf.fileKeyRef);
      if (cmk || sk) {
        const kind = cmk ? "ConfigMap" : "Secret";
        const ref = (cmk ?? sk)!;
        const rname = asString(ref.name) ?? "";
        const key = scalarString(ref.key) ?? "";
        const optional = ref.optional === true;
        const resource = objectRef(kind, ns, rname);
        source = cmk ? "configMapKeyRef" : "secretKeyRef";
        const obj = index.get(kind, ns, rname);
        const loc: Attribution["location"] = { resource, key };
        let keyPos: Pos | undefined;
        if (obj && kind === "ConfigMap") {
          const data = asObject(obj.raw.data) ?? {};
          const v = scalarString(data[key]);
          keyPos = positions.get(data);
          if (v !== undefined) value = v;
          else {
            value = null;
            if (!optional)
              issue(
                "UNAVAILABLE",
                `${resource} has no key ${JSON.stringify(key)}: the container would not start (CreateContainerConfigError)`,
                resource,
              );
            else notes.push("optional key missing: the variable is not set");
          }
        } else if (obj) {
          const info = index.secretData(obj).get(key);
          withheld = true;
          value = null;
          keyPos = info?.pos;
          if (info) notes.push(`${WITHHELD_NOTE}: from ${resource} key ${key} (${info.fingerprint})`);
          else if (!optional) {
            notes.push(`${WITHHELD_NOTE}: from ${resource} key ${key}`);
            issue(
              "UNAVAILABLE",
              `${resource} has no key ${JSON.stringify(key)}: the container would not start (CreateContainerConfigError)`,
              resource,
            );
          }
        } else {
          value = null;
          withheld = kind === "Secret";
          notes.push(
            kind === "Secret"
              ? `${WITHHELD_NOTE}: from ${resource} key ${key}`
              : `${UNKNOWN_NOTE}: ${resource} is not among the inputs`,
          );
          if (kind === "ConfigMap")
            issue(
              "UNAVAILABLE",
              `${resource} is not among the inputs: the value of ${name} is unknown; pass it with -f or use --live`,
              resource,
            );
        }
        const objPos = obj?.pos ?? keyPos;
        if (objPos) {
          loc.file = objPos.file;
          loc.line = objPos.line;
        }
        attribution = finish(
          cmk ? "k8s-configmap" : "k8s-secret",
          cmk ? "configMapKeyRef" : "secretKeyRef",
          base,
          "certain",
          [
            `env[${i}] valueFrom ${cmk ? "configMapKeyRef" : "secretKeyRef"} ${rname} key ${key}${optional ? " (optional)" : ""}`,
            ...(pos ? [`referenced at ${pos.file}:${pos.line}`] : []),
          ],
          loc,
        );
      } else if (fr) {
        source = "fieldRef";
        const fieldPath = asString(fr.fieldPath) ?? "";
        value = fieldRefValue(isPod ? subject : undefined, fieldPath);
        if (value === null) notes.push(`${UNKNOWN_NOTE}: ${fieldPath} is set when the pod runs`);
        attribution = finish(
          "k8s-downward-api",
          "fieldRef",
          base,
          "certain",
          [`env[${i}] valueFrom fieldRef ${fieldPath}`],
          {
            resource: subjectRef,
            key: fieldPath,
            ...(pos ? { file: pos.file, line: pos.line } : {}),
          },
        );
      } else if (rf) {
        source = "resourceFieldRef";
        const res = asString(rf.resource) ?? "";
        const cname = asString(rf.containerName) ?? container.name;
        const target =
          findContainer(podSpec, container.list, cname) ??
          findContainer(podSpec, "containers", cname) ??
          container.spec;
        value = resourceFieldValue(target, res, rf.divisor);
        if (value === null)
          notes.push(`${UNKNOWN_NOTE}: ${res} is not set, so the kubelet uses the node's allocatable`);
        attribution = finish(
          "k8s-downward-api",
          "resourceFieldRef",
          base,
          "certain",
          [`env[${i}] valueFrom resourceFieldRef ${cname}/${res}`],
          {
            resource: subjectRef,
            key: `${cname}/${res}`,
            ...(pos ? { file: pos.file, line: pos.line } : {}),
          },
        );
      } else if (fk) {
        source = "fileKeyRef";
        const vol = asString(fk.volumeName) ?? "";
        const path = asString(fk.path) ?? "";
        const key = asString(fk.key) ?? "";
        value = null;
        notes.push(`${UNKNOWN_NOTE}: read by the kubelet from volume ${vol} at container start`);
        const writers = containersOf(podSpec)
          .filter((c) => c.list === "initContainers")
          .filter((c) => asArray(c.spec.volumeMounts).some((m) => asString(asObject(m)?.name) === vol))
          .map((c) => c.name);
        attribution = finish(
          "k8s-file",
          "fileKeyRef",
          base,
          "certain",
          [
            `env[${i}] valueFrom fileKeyRef volume ${vol} path ${path} key ${key}`,
            ...(writers.length ? [`volume written by init container(s) ${writers.join(", ")}`] : []),
          ],
          {
            resource: subjectRef,
            key: `${vol}/${path}#${key}`,
            ...(pos ? { file: pos.file, line: pos.line } : {}),
          },
        );
      } else {
        issue("UNSUPPORTED", `env[${i}] ${name}: valueFrom names no known source; skipped`);
        continue;
      }
    } else {
      attribution = finish("k8s-literal", "value", base, "certain", [`env[${i}] with an empty value`]);
    }
    envViews.push({
      name,
      index: i,
      entry: e,
      ...(pos ? { pos } : {}),
      source,
      ...(literal !== undefined ? { literal } : {}),
      attribution,
    });
    put(name, { value, withheld, attribution, notes });
  }

  // 3. service links for keys not set by envFrom/env (attributions shared per namespace: read-only).
  const linkKeys: string[] = [];
  for (const v of linkVars) {
    if (slots.has(v.key)) continue;
    linkKeys.push(v.key);
    slots.set(v.key, links.slots.get(v.key)!);
  }

  // 4. After exec: env files sourced by the container's shell script (init container or Vault agent).
  const script = shellScript(
    asArray(container.spec.command).map((x) => scalarString(x) ?? ""),
    asArray(container.spec.args).map((x) => scalarString(x) ?? ""),
  );
  if (script !== undefined) {
    const cmdPos =
      positions.get(container.spec.command) ??
      positions.get(container.spec.args) ??
      positions.get(container.spec);
    for (const src of sourcedFiles(script)) {
      const found: Array<{
        key: string;
        value: string | null;
        mechanism: string;
        where: string;
        evidence: string;
      }> = [];
      for (const init of containersOf(podSpec).filter((c) => c.list === "initContainers")) {
        const s = shellScript(
          asArray(init.spec.command).map((x) => scalarString(x) ?? ""),
          asArray(init.spec.args).map((x) => scalarString(x) ?? ""),
        );
        if (!s) continue;
        for (const a of writtenTo(s, src.path)) {
          found.push({
            key: a.key,
            value: a.value,
            mechanism: "init-container-env-file",
            where: `initContainers[${init.name}]`,
            evidence: `init container ${init.name} writes export ${a.key}=… to ${src.path} (script line ${a.line})`,
          });
        }
      }
      // Vault agent: /vault/secrets/<name> rendered from annotation agent-inject-template-<name>.
      const vm = /^\/vault\/secrets\/(.+)$/.exec(src.path);
      if (vm && isPod) {
        const tplText = subject.metadata.annotations?.[`vault.hashicorp.com/agent-inject-template-${vm[1]}`];
        if (tplText) {
          for (const a of exportsIn(tplText)) {
            found.push({
              key: a.key,
              value: null,
              mechanism: "vault-agent-template",
              where: `annotation vault.hashicorp.com/agent-inject-template-${vm[1]}`,
              evidence: `the Vault agent renders export ${a.key}=… into ${src.path} (template line ${a.line})`,
            });
          }
        } else if (
          subject.metadata.annotations?.[`vault.hashicorp.com/agent-inject-secret-${vm[1]}`] !== undefined
        ) {
          issue(
            "UNSUPPORTED",
            `${src.path} is rendered by the Vault agent from a default template; the variables it exports are unknown`,
          );
        }
      }
      for (const f of found) {
        const notes: string[] = [];
        const secretish = f.mechanism === "vault-agent-template";
        if (f.value === null)
          notes.push(
            secretish
              ? `${WITHHELD_NOTE}: rendered from Vault at run time`
              : `${UNKNOWN_NOTE}: computed when the script runs`,
          );
        put(f.key, {
          value: f.value,
          withheld: secretish,
          notes,
          attribution: {
            kind: "k8s-file",
            mechanism: f.mechanism,
            location: {
              resource: subjectRef,
              key: f.where,
              ...(cmdPos ? { file: cmdPos.file, line: cmdPos.line } : {}),
            },
            confidence: "likely",
            evidence: [
              `container ${container.name} sources ${src.path} (script line ${src.line}) before its program starts; static reading, not executed`,
              f.evidence,
            ],
          },
        });
      }
    }
  }

  const lineages: Lineage[] = [];
  for (const [key, s] of slots) {
    const notes = [...s.notes];
    if (s.value === null && !notes.some((n) => n.startsWith(UNKNOWN_NOTE) || n.startsWith(WITHHELD_NOTE))) {
      notes.push(`${UNKNOWN_NOTE}: known only at run time`);
    }
    lineages.push({
      key,
      value: s.value ?? "",
      winner: s.attribution,
      shadowed: shadowed.get(key) ?? [],
      notes,
    });
  }
  return {
    subjectName,
    subject,
    container,
    podSpec,
    namespace: ns,
    lineages,
    env: envViews,
    envFrom: envFromViews,
    serviceLinks: {
      enabled: enableServiceLinks,
      services: services.map((s) => s.metadata.name ?? "").filter(Boolean),
      keys: linkKeys,
    },
    issues,
  };
}
