/**
 * Readers for the files OCI runtimes leave on the host: the bundle's `config.json` (runtime-spec), runc's
 * `state.json` (libcontainer state: the bundle is a `bundle=<dir>` label), crun's `status`. Each takes the
 * file's text and never throws: bad input yields `issues` (one line, never a value) and what could be read.
 */
import type { CollectionIssue } from "../../model/index.js";

export interface OciConfig {
  /** `process.env` in order (`KEY=VALUE`), non-strings dropped with an issue. */
  env: string[];
  annotations: Record<string, string>;
  hostname?: string;
  args?: string[];
  terminal?: boolean;
}

export interface RuntimeState {
  id?: string;
  pid?: number;
  bundle?: string;
  /** ISO 8601. */
  created?: string;
  rootfs?: string;
  annotations: Record<string, string>;
}

function parseJsonObject(
  text: string,
  subject: string,
  issues: CollectionIssue[],
): Record<string, unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    // Node's message quotes the text around the error, and this text holds the environment: keep only
    // the position.
    const at = err instanceof Error ? /position (\d+)/.exec(err.message)?.[1] : undefined;
    issues.push({ subject, code: "PARSE", detail: `not valid JSON${at ? ` (at byte ${at})` : ""}` });
    return null;
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) {
    issues.push({ subject, code: "PARSE", detail: "expected a JSON object" });
    return null;
  }
  return v as Record<string, unknown>;
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v || typeof v !== "object" || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const int = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;

/** Reads a runtime-spec `config.json`. */
export function parseOciConfig(
  text: string,
  subject: string,
): { config: OciConfig; issues: CollectionIssue[] } {
  const issues: CollectionIssue[] = [];
  const config: OciConfig = { env: [], annotations: {} };
  const o = parseJsonObject(text, subject, issues);
  if (!o) return { config, issues };
  const proc = o.process;
  if (proc && typeof proc === "object" && !Array.isArray(proc)) {
    const p = proc as Record<string, unknown>;
    if (Array.isArray(p.env)) {
      let dropped = 0;
      for (const e of p.env) {
        if (typeof e === "string") config.env.push(e);
        else dropped++;
      }
      if (dropped > 0) {
        issues.push({ subject, code: "PARSE", detail: `process.env holds ${dropped} non-string entr(ies)` });
      }
    } else if (p.env !== undefined) {
      issues.push({ subject, code: "PARSE", detail: "process.env is not an array" });
    }
    if (Array.isArray(p.args)) config.args = p.args.filter((a): a is string => typeof a === "string");
    if (typeof p.terminal === "boolean") config.terminal = p.terminal;
  } else {
    issues.push({ subject, code: "PARSE", detail: "no process object (not a runtime-spec config.json?)" });
  }
  const hostname = str(o.hostname);
  if (hostname !== undefined) config.hostname = hostname;
  config.annotations = stringRecord(o.annotations);
  return { config, issues };
}

/** Reads runc's (libcontainer's) `state.json`: `init_process_pid`, `created`, `config.labels` `bundle=…`. */
export function parseRuncState(
  text: string,
  subject: string,
): { state: RuntimeState; issues: CollectionIssue[] } {
  const issues: CollectionIssue[] = [];
  const state: RuntimeState = { annotations: {} };
  const o = parseJsonObject(text, subject, issues);
  if (!o) return { state, issues };
  const id = str(o.id);
  if (id !== undefined) state.id = id;
  const pid = int(o.init_process_pid);
  if (pid !== undefined) state.pid = pid;
  const created = str(o.created);
  if (created !== undefined) state.created = created;
  const cfg = o.config;
  if (cfg && typeof cfg === "object" && !Array.isArray(cfg)) {
    const c = cfg as Record<string, unknown>;
    const rootfs = str(c.rootfs);
    if (rootfs !== undefined) state.rootfs = rootfs;
    if (Array.isArray(c.labels)) {
      for (const l of c.labels) {
        if (typeof l !== "string") continue;
        const eq = l.indexOf("=");
        if (eq <= 0) continue;
        const k = l.slice(0, eq);
        const v = l.slice(eq + 1);
        if (k === "bundle") state.bundle = v;
        else state.annotations[k] = v;
      }
    }
  }
  if (state.bundle === undefined) {
    issues.push({ subject, code: "PARSE", detail: "no bundle=<dir> label in config.labels" });
  }
  return { state, issues };
}

/** Reads crun's `status` file (`pid`, `bundle`, `rootfs`, `created`). */
export function parseCrunStatus(
  text: string,
  subject: string,
): { state: RuntimeState; issues: CollectionIssue[] } {
  const issues: CollectionIssue[] = [];
  const state: RuntimeState = { annotations: {} };
  const o = parseJsonObject(text, subject, issues);
  if (!o) return { state, issues };
  const pid = int(o.pid);
  if (pid !== undefined) state.pid = pid;
  for (const k of ["bundle", "rootfs", "created"] as const) {
    const v = str(o[k]);
    if (v !== undefined) state[k] = v;
  }
  if (state.bundle === undefined) issues.push({ subject, code: "PARSE", detail: "no bundle field" });
  return { state, issues };
}

/** What the CRI annotations (containerd, CRI-O) and kubelet labels say about the pod a container is in. */
export interface CriInfo {
  podName?: string;
  podNamespace?: string;
  podUid?: string;
  containerName?: string;
  containerType?: string;
  sandboxId?: string;
  imageName?: string;
}

const CRI_KEYS: ReadonlyArray<[keyof CriInfo, readonly string[]]> = [
  [
    "podName",
    ["io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name", "io.kubernetes.cri-o.SandboxName"],
  ],
  ["podNamespace", ["io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace"]],
  ["podUid", ["io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid"]],
  ["containerName", ["io.kubernetes.cri.container-name", "io.kubernetes.container.name"]],
  ["containerType", ["io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType"]],
  ["sandboxId", ["io.kubernetes.cri.sandbox-id", "io.kubernetes.cri-o.SandboxID"]],
  ["imageName", ["io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName"]],
];

/** Pod / namespace / container from CRI annotations; undefined when none is present. */
export function criInfo(annotations: Record<string, string>): CriInfo | undefined {
  const out: CriInfo = {};
  for (const [field, keys] of CRI_KEYS) {
    for (const k of keys) {
      const v = annotations[k];
      if (v !== undefined && v !== "") {
        out[field] = v;
        break;
      }
    }
  }
  return out.podName || out.podNamespace || out.containerName || out.sandboxId ? out : undefined;
}

/** `KEY=VALUE` strings to ordered pairs; entries without `=` are counted, not kept. */
export function splitEnvList(env: readonly string[]): {
  pairs: Array<[string, string, number]>;
  malformed: number;
} {
  const pairs: Array<[string, string, number]> = [];
  let malformed = 0;
  env.forEach((e, i) => {
    const eq = e.indexOf("=");
    if (eq <= 0) malformed++;
    else pairs.push([e.slice(0, eq), e.slice(eq + 1), i]);
  });
  return { pairs, malformed };
}
