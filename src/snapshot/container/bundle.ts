/**
 * OCI bundle discovery: from a container id (and whatever the runtime's command line gave away) to the
 * `config.json` that holds the container's final environment. Looks, in order, at the bundle named on the
 * command line, runc's state dir (`<root>/<id>/state.json` → `bundle=` label), crun's (`<root>/<id>/status`),
 * containerd's task dirs (`/run/containerd/io.containerd.runtime.v2.task/<ns>/<id>/`) and podman's storage
 * (`<graphroot>/overlay-containers/<id>/userdata/`, graphroot from `storage.conf` or the default).
 */
import type { CollectionIssue } from "../../model/index.js";
import { type HostFs, isErrno, issueFromError } from "../host-fs.js";
import { type OciConfig, parseCrunStatus, parseOciConfig, parseRuncState, type RuntimeState } from "./oci.js";

export const RUNC_ROOTS = [
  "/run/runc",
  "/run/docker/runtime-runc/moby",
  "/run/containerd/runc/k8s.io",
  "/run/containerd/runc/default",
];
export const CRUN_ROOTS = ["/run/crun"];
export const CONTAINERD_TASK_ROOT = "/run/containerd/io.containerd.runtime.v2.task";
export const PODMAN_GRAPHROOTS = ["/var/lib/containers/storage"];
const MAX_JSON = 16 * 1024 * 1024;

export interface BundleHints {
  bundle?: string;
  runtimeRoot?: string;
  namespace?: string;
}

export interface BundleInfo {
  id: string;
  /** Which state told us: `runc`, `crun`, `containerd`, `podman`, or `bundle` (from a command line). */
  via: "runc" | "crun" | "containerd" | "podman" | "bundle";
  bundle: string;
  configPath: string;
  config: OciConfig;
  state?: RuntimeState;
  statePath?: string;
  namespace?: string;
}

async function readText(fs: HostFs, path: string, issues: CollectionIssue[]): Promise<string | undefined> {
  try {
    return await readRegularText(fs, path, MAX_JSON);
  } catch (err) {
    issues.push(issueFromError(path, err));
    return undefined;
  }
}

/** Reads `<bundle>/config.json`; undefined (with an issue unless absent) when it cannot be read. */
export async function readBundleConfig(
  fs: HostFs,
  bundle: string,
  issues: CollectionIssue[],
): Promise<{ configPath: string; config: OciConfig } | undefined> {
  const configPath = `${bundle.replace(/\/+$/, "")}/config.json`;
  const text = await readText(fs, configPath, issues);
  if (text === undefined) return undefined;
  const r = parseOciConfig(text, configPath);
  issues.push(...r.issues);
  return { configPath, config: r.config };
}

/** Reads `graphroot` from `/etc/containers/storage.conf` (TOML; only that key is needed). */
export async function podmanGraphroots(fs: HostFs): Promise<string[]> {
  const roots = [...PODMAN_GRAPHROOTS];
  try {
    const conf = await readRegularText(fs, "/etc/containers/storage.conf", 1024 * 1024);
    const m = conf && /^\s*graphroot\s*=\s*"([^"]+)"/m.exec(conf);
    if (m?.[1] && !roots.includes(m[1])) roots.unshift(m[1]);
  } catch {
    // unreadable config: defaults only
  }
  return roots;
}

function validId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,254}$/.test(id);
}

/** Finds the bundle of container `id`. Never throws; what could not be read is in `issues`. */
export async function findBundle(
  fs: HostFs,
  id: string,
  hints: BundleHints = {},
  issues: CollectionIssue[] = [],
): Promise<BundleInfo | undefined> {
  if (!validId(id)) {
    issues.push({
      subject: `container ${id.slice(0, 80)}`,
      code: "PARSE",
      detail: "not a valid container id",
    });
    return undefined;
  }
  const runcRoots = hints.runtimeRoot ? [hints.runtimeRoot, ...RUNC_ROOTS] : RUNC_ROOTS;
  let state: RuntimeState | undefined;
  let statePath: string | undefined;
  let via: BundleInfo["via"] | undefined;
  for (const root of runcRoots) {
    const p = `${root}/${id}/state.json`;
    const text = await readText(fs, p, issues);
    if (text === undefined) continue;
    const r = parseRuncState(text, p);
    issues.push(...r.issues);
    state = r.state;
    statePath = p;
    via = "runc";
    break;
  }
  if (!state) {
    const crunRoots = hints.runtimeRoot ? [hints.runtimeRoot, ...CRUN_ROOTS] : CRUN_ROOTS;
    for (const root of crunRoots) {
      const p = `${root}/${id}/status`;
      const text = await readText(fs, p, issues);
      if (text === undefined) continue;
      const r = parseCrunStatus(text, p);
      issues.push(...r.issues);
      state = r.state;
      statePath = p;
      via = "crun";
      break;
    }
  }
  const candidates: Array<{ bundle: string; via: BundleInfo["via"]; namespace?: string }> = [];
  if (hints.bundle) candidates.push({ bundle: hints.bundle, via: "bundle" });
  if (state?.bundle && via) candidates.push({ bundle: state.bundle, via });
  // containerd: the task dir is the bundle. The namespace is unknown unless the shim named it: list them.
  let namespaces: string[] = hints.namespace ? [hints.namespace] : [];
  if (!hints.namespace) {
    try {
      namespaces = await fs.readdir(CONTAINERD_TASK_ROOT);
    } catch (err) {
      if (!isErrno(err, "ENOENT")) issues.push(issueFromError(CONTAINERD_TASK_ROOT, err, "list"));
    }
  }
  for (const ns of namespaces) {
    candidates.push({ bundle: `${CONTAINERD_TASK_ROOT}/${ns}/${id}`, via: "containerd", namespace: ns });
  }
  for (const root of await podmanGraphroots(fs)) {
    candidates.push({ bundle: `${root}/overlay-containers/${id}/userdata`, via: "podman" });
  }
  for (const c of candidates) {
    const r = await readBundleConfig(fs, c.bundle, issues);
    if (!r) continue;
    const info: BundleInfo = { id, via: c.via === "bundle" && via ? via : c.via, bundle: c.bundle, ...r };
    if (state) info.state = state;
    if (statePath) info.statePath = statePath;
    if (c.namespace) info.namespace = c.namespace;
    return info;
  }
  return undefined;
}

/** Lists container ids that have runtime state (runc, crun) or a containerd task dir. */
export async function listRuntimeContainers(
  fs: HostFs,
): Promise<Array<{ id: string; via: BundleInfo["via"] }>> {
  const out: Array<{ id: string; via: BundleInfo["via"] }> = [];
  const list = async (dir: string) => fs.readdir(dir).catch(() => [] as string[]);
  for (const r of RUNC_ROOTS) for (const id of await list(r)) out.push({ id, via: "runc" });
  for (const r of CRUN_ROOTS) for (const id of await list(r)) out.push({ id, via: "crun" });
  for (const ns of await list(CONTAINERD_TASK_ROOT)) {
    for (const id of await list(`${CONTAINERD_TASK_ROOT}/${ns}`)) out.push({ id, via: "containerd" });
  }
  return out;
}

/**
 * Reads a text file named by untrusted input (CreateCommand, compose files, runtime state) only when it is
 * a regular file: opening a FIFO or a device would block or read forever. Undefined when absent or not a
 * regular file; other errors throw (callers turn them into issues).
 */
export async function readRegularText(
  fs: HostFs,
  path: string,
  maxBytes?: number,
): Promise<string | undefined> {
  try {
    if (!(await fs.stat(path)).isFile()) return undefined;
  } catch (err) {
    if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return undefined;
    throw err;
  }
  return fs.readTextIfExists(path, maxBytes);
}
