/**
 * The parts of the kubelet's env assembly that are pure functions of the spec (kubelet_pods.go
 * `makeEnvironmentVariables`, `getServiceEnvVarMap`; pkg/kubelet/envvars `FromServices`; the forked
 * `expansion` package): `$(VAR)` expansion, service-link variables, downward API values.
 */
import { asArray, asObject, asString, type JsonObject, type K8sObject, scalarString } from "./types.js";

/** A value the kubelet computes that may not be known offline (`null` = only known at run time). */
export type MaybeValue = string | null;

/**
 * `$(VAR)` expansion as the kubelet does it: `$$` is a literal `$`, `$(NAME)` is replaced when NAME is
 * defined (envFrom and earlier env entries, then service variables), otherwise kept verbatim.
 * Returns the value (null when a reference resolves to a value unknown offline) and the names referenced.
 */
export function expand(
  input: string,
  lookup: (name: string) => { found: boolean; value: MaybeValue },
): { value: MaybeValue; refs: string[] } {
  const refs: string[] = [];
  let out = "";
  let unknown = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c !== "$" || i + 1 >= input.length) {
      out += c;
      i++;
      continue;
    }
    const n = input[i + 1]!;
    if (n === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (n === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        // Unterminated: the kubelet keeps `$(` and the rest as written.
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      refs.push(name);
      const r = lookup(name);
      if (r.found) {
        if (r.value === null) unknown = true;
        else out += r.value;
      } else out += `$(${name})`;
      i = close + 1;
      continue;
    }
    out += c;
    i++;
  }
  return { value: unknown ? null : out, refs };
}

export interface ServiceLinkVar {
  key: string;
  value: MaybeValue;
  service: K8sObject | null;
  /** `kubernetes` in the master namespace: added even when enableServiceLinks is false. */
  master: boolean;
}

function envName(s: string): string {
  return s.replace(/-/g, "_").toUpperCase();
}

/** Service variables for one Service (docker-links style), as `envvars.FromServices` writes them. */
export function serviceVars(
  name: string,
  clusterIP: MaybeValue,
  ports: JsonObject[],
): Array<[string, MaybeValue]> {
  const n = envName(name);
  const out: Array<[string, MaybeValue]> = [];
  const first = ports[0];
  out.push([`${n}_SERVICE_HOST`, clusterIP]);
  if (first) out.push([`${n}_SERVICE_PORT`, scalarString(first.port) ?? null]);
  for (const p of ports) {
    const pn = asString(p.name);
    if (pn) out.push([`${n}_SERVICE_PORT_${envName(pn)}`, scalarString(p.port) ?? null]);
  }
  for (const [i, p] of ports.entries()) {
    const port = scalarString(p.port) ?? "";
    const proto = (asString(p.protocol) ?? "TCP").toUpperCase();
    const url = clusterIP === null ? null : `${proto.toLowerCase()}://${clusterIP}:${port}`;
    if (i === 0) out.push([`${n}_PORT`, url]);
    const prefix = `${n}_PORT_${port}_${proto}`;
    out.push([prefix, url]);
    out.push([`${prefix}_PROTO`, proto.toLowerCase()]);
    out.push([`${prefix}_PORT`, port]);
    out.push([`${prefix}_ADDR`, clusterIP]);
  }
  return out;
}

/** The cluster IP of a Service: a value, null when assigned only at creation, or "none" (headless, ExternalName). */
export function serviceIP(svc: K8sObject): string | null | "none" {
  const spec = asObject(svc.raw.spec) ?? {};
  if (asString(spec.type) === "ExternalName") return "none";
  const ip = asString(spec.clusterIP);
  if (ip === "None") return "none";
  if (ip === undefined || ip === "") return null;
  return ip;
}

/**
 * Service-link variables of a pod: every Service of the namespace when `enableServiceLinks` (default
 * true), and always the master `kubernetes` Service (from `masterService` when given, else synthesised
 * with the default 443/https port and run-time values).
 */
export function serviceLinkVars(
  _namespace: string,
  enableServiceLinks: boolean,
  services: readonly K8sObject[],
  masterService: K8sObject | undefined,
): ServiceLinkVar[] {
  const chosen = new Map<string, K8sObject | null>();
  if (enableServiceLinks) {
    for (const s of services) if (s.metadata.name) chosen.set(s.metadata.name, s);
  }
  // The master service from the master namespace, unless the pod's namespace has its own `kubernetes`.
  if (!chosen.has("kubernetes")) chosen.set("kubernetes", masterService ?? null);
  const out: ServiceLinkVar[] = [];
  for (const [name, svc] of [...chosen].sort((a, b) => a[0].localeCompare(b[0]))) {
    const master = name === "kubernetes" && (svc === null || svc === masterService);
    if (svc === null) {
      for (const [key, value] of serviceVars("kubernetes", null, [
        { name: "https", port: 443, protocol: "TCP" },
      ])) {
        out.push({
          key,
          value: key.endsWith("_PROTO")
            ? value
            : key.endsWith("PORT_443_TCP_PORT") || /_SERVICE_PORT(_HTTPS)?$/.test(key)
              ? "443"
              : null,
          service: null,
          master: true,
        });
      }
      continue;
    }
    const ip = serviceIP(svc);
    if (ip === "none") continue; // headless and ExternalName services get no variables
    const ports = asArray(asObject(svc.raw.spec)?.ports)
      .map(asObject)
      .filter((p): p is JsonObject => !!p);
    for (const [key, value] of serviceVars(name, ip, ports)) out.push({ key, value, service: svc, master });
  }
  return out;
}

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Parses a resource.Quantity (`500m`, `1Gi`, `2e3`); undefined when it is not one. */
export function parseQuantity(q: unknown): number | undefined {
  const s = scalarString(q);
  if (s === undefined) return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(
    s.trim(),
  );
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suf = m[3] ?? "";
  return base * (BINARY[suf] ?? DECIMAL[suf] ?? 1);
}

/**
 * `resourceFieldRef` as the kubelet computes it (`ExtractContainerResourceValue`): the value divided by the
 * divisor, rounded up; null when the limit is unset (then it is the node's allocatable, unknown offline).
 */
export function resourceFieldValue(container: JsonObject, resource: string, divisor: unknown): MaybeValue {
  const [kind, res] = resource.split(".", 2) as [string, string | undefined];
  if (!res || (kind !== "limits" && kind !== "requests")) return null;
  const resources = asObject(container.resources);
  const raw = asObject(resources?.[kind])?.[res];
  const v = parseQuantity(raw);
  if (v === undefined) return null;
  const d = parseQuantity(divisor ?? (res === "cpu" ? "1" : "1")) || 1;
  return String(Math.ceil(v / d - 1e-9));
}

/**
 * `fieldRef` against a Pod object; null when the field is only known at run time (templates, pending pods).
 */
export function fieldRefValue(pod: K8sObject | undefined, fieldPath: string): MaybeValue {
  if (pod?.kind !== "Pod") return null;
  const meta = pod.metadata;
  const spec = asObject(pod.raw.spec) ?? {};
  const status = asObject(pod.raw.status) ?? {};
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (sub) {
    const m = sub[1] === "labels" ? meta.labels : meta.annotations;
    return m?.[sub[2]!] ?? "";
  }
  switch (fieldPath) {
    case "metadata.name":
      return meta.name ?? null;
    case "metadata.namespace":
      return meta.namespace ?? null;
    case "metadata.uid":
      return meta.uid ?? null;
    case "spec.nodeName":
      return asString(spec.nodeName) ?? null;
    case "spec.serviceAccountName":
      return asString(spec.serviceAccountName) ?? "default";
    case "status.hostIP":
      return asString(status.hostIP) ?? null;
    case "status.podIP":
      return asString(status.podIP) ?? null;
    case "status.hostIPs":
    case "status.podIPs": {
      const list = asArray(status[fieldPath.slice("status.".length)])
        .map((x) => asString(asObject(x)?.ip))
        .filter((x): x is string => !!x);
      return list.length > 0 ? list.join(",") : null;
    }
    default:
      return null;
  }
}

/** `kubelet` rejects envFrom keys that are not valid variable names (event InvalidEnvironmentVariableNames). */
export function isValidEnvName(k: string): boolean {
  return /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(k);
}
