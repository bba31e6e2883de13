/**
 * Everything envtrace knows about one container, gathered once and shared by the container resolvers:
 * the final env (Engine API `Config.Env`, else the OCI bundle's `process.env`), the image's ENV and history,
 * Podman's CreateCommand, compose labels, hostname, tty, created time, and the bundle's config.json.
 *
 * Two ways in: by id or name (`envtrace container`), and from a host process ancestry (`explain --pid`,
 * through the container boundary in the chain). Failures are issues; the result is partial, never thrown.
 */
import type { ResolveRequest, ResolverContext } from "../../attribution/resolver.js";
import type { CollectionIssue, ProcessSnapshot } from "../../model/index.js";
import type { HostFs } from "../host-fs.js";
import {
  type BundleInfo,
  CONTAINERD_TASK_ROOT,
  findBundle,
  listRuntimeContainers,
  podmanGraphroots,
  readRegularText,
} from "./bundle.js";
import { containerBoundary, containerFromCgroup, runtimeArgs } from "./detect.js";
import { type DockerContainer, EngineClient, type EngineEndpoint, engineEndpoints } from "./engine-api.js";
import { splitEnvList } from "./oci.js";
import { storedContainer, storedContainersNamed, storedImage } from "./podman-storage.js";

export interface EnvStep {
  key: string;
  /** undefined when the step's text could not be split into a value. */
  value?: string;
}

export interface HistoryStep {
  /** Position in the image history, oldest first (0 = base layer). */
  index: number;
  createdBy: string;
  created?: string;
  /** The variables an `ENV` step sets (empty for other steps). */
  env: EnvStep[];
}

export interface ImageFacts {
  id: string;
  name?: string;
  env: Map<string, string>;
  created?: string;
  /** Oldest first. */
  history: HistoryStep[];
}

export interface ContainerFacts {
  id: string;
  name?: string;
  engine?: "docker" | "podman";
  /** The socket or URL the engine answered on. */
  endpoint?: string;
  created?: string;
  /** The final environment, in order: `[key, value, index]`. */
  env: Array<[string, string, number]>;
  /** Where `env` was read: the engine's `Config.Env` or the bundle's `process.env`. */
  envFrom: "api" | "oci-config";
  image?: ImageFacts;
  createCommand?: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  hostname?: string;
  tty?: boolean;
  bundle?: BundleInfo;
  /** The container's first process on the host, when known. */
  pid?: number;
  /** The runtime process that started it (conmon, runc, …), when the facts came from an ancestry. */
  runtime?: ProcessSnapshot;
  /** The container's first process as the ancestry showed it (facts from an ancestry only). */
  init?: ProcessSnapshot;
  issues: CollectionIssue[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
function record(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  }
  return out;
}

/** Splits the words of a Dockerfile `ENV` instruction, honouring quotes and backslashes. */
function envWords(s: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = null;
      else if (c === "\\" && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      q = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/**
 * The variables set by a history entry's `created_by`, when it is an ENV step: `/bin/sh -c #(nop) ENV K=V …`
 * (classic builder, buildah), `ENV K=V …` (BuildKit), and the legacy `ENV K V` form. Never throws.
 */
export function parseEnvStep(createdBy: string): EnvStep[] {
  const m = /(?:^|#\(nop\)\s+)ENV\s+([\s\S]*)$/.exec(createdBy.slice(0, 64 * 1024));
  if (!m) return [];
  const body = m[1]!.trim();
  const first = /^\S+/.exec(body)?.[0] ?? "";
  if (!first.includes("=")) {
    // Legacy `ENV KEY value with spaces`.
    const value = body.slice(first.length).replace(/^\s+/, "");
    return first ? [{ key: first, value }] : [];
  }
  const out: EnvStep[] = [];
  for (const w of envWords(body)) {
    const eq = w.indexOf("=");
    if (eq > 0) out.push({ key: w.slice(0, eq), value: w.slice(eq + 1) });
  }
  return out;
}

/** The `ENV` step text with values elided, safe for evidence (`ENV A=… B=…`). */
export function describeEnvStep(step: HistoryStep): string {
  if (step.env.length === 0) return step.createdBy.replace(/=\S*/g, "=…").slice(0, 200);
  return `ENV ${step.env.map((e) => `${e.key}=…`).join(" ")}`;
}

function isoFromSeconds(s: unknown): string | undefined {
  return typeof s === "number" && Number.isFinite(s) && s > 0 ? new Date(s * 1000).toISOString() : undefined;
}

async function imageFacts(
  client: EngineClient,
  imageId: string,
  name: string | undefined,
  issues: CollectionIssue[],
) {
  const [img, hist] = await Promise.all([client.inspectImage(imageId), client.imageHistory(imageId)]);
  if (!img.ok) {
    issues.push(img.issue);
    return undefined;
  }
  const raw: unknown = img.body;
  if (!isObject(raw)) {
    issues.push({
      subject: `${client.name} image ${imageId}`,
      code: "PARSE",
      detail: "engine answer is not an image object",
    });
    return undefined;
  }
  const env = new Map<string, string>();
  const imgCfg: { Env?: unknown } = isObject(img.body.Config) ? img.body.Config : {};
  for (const [k, v] of splitEnvList(strings(imgCfg.Env)).pairs) if (!env.has(k)) env.set(k, v);
  const facts: ImageFacts = { id: typeof img.body.Id === "string" ? img.body.Id : imageId, env, history: [] };
  const tags = strings(img.body.RepoTags);
  const n = name ?? tags[0];
  if (n) facts.name = n;
  if (typeof img.body.Created === "string") facts.created = img.body.Created;
  if (hist.ok && Array.isArray(hist.body)) {
    // The API lists newest first.
    const items = [...hist.body].reverse();
    facts.history = items.map((h, index) => {
      const createdBy = typeof h?.CreatedBy === "string" ? h.CreatedBy : "";
      const step: HistoryStep = { index, createdBy, env: parseEnvStep(createdBy) };
      const created = isoFromSeconds(h?.Created);
      if (created) step.created = created;
      return step;
    });
  } else if (!hist.ok) {
    issues.push(hist.issue);
  }
  return facts;
}

function fromInspect(
  c: DockerContainer,
  endpoint: EngineEndpoint,
  issues: CollectionIssue[],
): ContainerFacts {
  const cfg: NonNullable<DockerContainer["Config"]> = isObject(c.Config) ? c.Config : {};
  const facts: ContainerFacts = {
    id: c.Id ?? "",
    engine: endpoint.flavor,
    endpoint: endpoint.socketPath ?? endpoint.origin,
    env: splitEnvList(strings(cfg.Env)).pairs,
    envFrom: "api",
    labels: record(cfg.Labels),
    annotations: record(cfg.Annotations),
    issues,
  };
  if (c.Name) facts.name = c.Name.replace(/^\//, "");
  if (typeof c.Created === "string") facts.created = c.Created;
  if (typeof cfg.Hostname === "string") facts.hostname = cfg.Hostname;
  if (typeof cfg.Tty === "boolean") facts.tty = cfg.Tty;
  const cc = strings(cfg.CreateCommand);
  if (cc.length > 0) facts.createCommand = cc;
  const st = isObject(c.State) ? c.State : undefined;
  if (typeof st?.Pid === "number" && st.Pid > 0) facts.pid = st.Pid;
  return facts;
}

export interface CollectOptions {
  fs: HostFs;
  env?: NodeJS.ProcessEnv;
  /** Ask the Engine API (default: only when inspecting the real host, `fs.root === "/"`). */
  useApi?: boolean;
  /** Hints from the runtime's command line. */
  hints?: { bundle?: string; runtimeRoot?: string; namespace?: string };
  timeoutMs?: number;
}

/**
 * Collects facts about container `ref` (full id, short id or name). Returns undefined when neither an engine
 * nor the runtime state on disk knows it; `issues` then says what was tried.
 */
export async function collectContainerFacts(
  ref: string,
  opts: CollectOptions,
  issues: CollectionIssue[] = [],
): Promise<ContainerFacts | undefined> {
  let facts: ContainerFacts | undefined;
  const useApi = opts.useApi ?? opts.fs.root === "/";
  if (useApi) {
    const endpoints = engineEndpoints(opts.env ?? process.env, issues);
    for (const ep of endpoints) {
      const client = new EngineClient(ep, opts.timeoutMs);
      try {
        const r = await client.inspectContainer(ref);
        if (!r.ok) {
          if (r.status !== 404) issues.push(r.issue);
          continue;
        }
        const raw: unknown = r.body;
        if (!isObject(raw) || typeof raw.Id !== "string") {
          issues.push({
            subject: `${client.name} container ${ref}`,
            code: "PARSE",
            detail: "engine answer is not a container object",
          });
          continue;
        }
        facts = fromInspect(r.body, ep, issues);
        const imageId = r.body.Image;
        if (imageId) {
          const name = r.body.ImageName ?? r.body.Config?.Image;
          const img = await imageFacts(client, imageId, name, issues);
          if (img) facts.image = img;
        }
        break;
      } finally {
        await client.close();
      }
    }
    if (endpoints.length === 0) {
      issues.push({
        subject: "engine API",
        code: "UNAVAILABLE",
        detail: "no Docker or Podman socket found; set DOCKER_HOST or CONTAINER_HOST to use one",
      });
    }
  }
  // The bundle: the final env as the runtime got it, and a place to point at when nothing higher is known.
  let id = facts?.id ?? ref;
  if (!facts && !/^[0-9a-f]{64}$/.test(ref)) {
    const known = await listRuntimeContainers(opts.fs);
    let match = known.filter((k) => k.id === ref || (/^[0-9a-f]{3,63}$/.test(ref) && k.id.startsWith(ref)));
    // Without an engine, names are on disk too: podman's containers.json, containerd's task annotations.
    if (match.length === 0)
      match = (await containersNamed(opts.fs, ref, issues)).map((cid) => ({ id: cid, via: "runc" as const }));
    if (match.length === 1) id = match[0]!.id;
    else if (match.length > 1) {
      issues.push({
        subject: `container ${ref}`,
        code: "PARSE",
        detail: `ambiguous: ${match.length} containers start with it`,
      });
      return undefined;
    }
  }
  const bundle = await findBundle(opts.fs, id, opts.hints ?? {}, issues);
  if (bundle) {
    if (!facts) {
      facts = {
        id,
        env: splitEnvList(bundle.config.env).pairs,
        envFrom: "oci-config",
        labels: {},
        annotations: { ...bundle.state?.annotations, ...bundle.config.annotations },
        issues,
      };
      if (bundle.config.hostname) facts.hostname = bundle.config.hostname;
      if (bundle.config.terminal !== undefined) facts.tty = bundle.config.terminal;
      if (bundle.state?.created) facts.created = bundle.state.created;
      if (bundle.state?.pid) facts.pid = bundle.state.pid;
    }
    facts.bundle = bundle;
    if (facts.envFrom === "oci-config") await addPodmanStorage(opts.fs, facts, issues);
  }
  return facts;
}

/**
 * Container ids whose name is `name`, from runtime state on disk: podman's `containers.json` (`names`) and
 * containerd tasks' OCI annotations (`nerdctl/name`, CRI's `io.kubernetes.cri.container-name`).
 */
async function containersNamed(fs: HostFs, name: string, issues: CollectionIssue[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const root of await podmanGraphroots(fs)) {
    for (const id of await storedContainersNamed(fs, root, name, issues)) ids.add(id);
  }
  const list = async (dir: string) => fs.readdir(dir).catch(() => [] as string[]);
  for (const ns of await list(CONTAINERD_TASK_ROOT)) {
    for (const id of await list(`${CONTAINERD_TASK_ROOT}/${ns}`)) {
      const text = await readRegularText(
        fs,
        `${CONTAINERD_TASK_ROOT}/${ns}/${id}/config.json`,
        4 << 20,
      ).catch(() => undefined);
      if (!text) continue;
      try {
        const a = (JSON.parse(text) as { annotations?: Record<string, unknown> }).annotations ?? {};
        if (a["nerdctl/name"] === name || a["io.kubernetes.cri.container-name"] === name) ids.add(id);
      } catch {
        // a broken config.json is reported when the bundle itself is read
      }
    }
  }
  return [...ids];
}

/** Without an engine: name, created time and the image's Env/history from podman's storage, when there. */
async function addPodmanStorage(fs: HostFs, facts: ContainerFacts, issues: CollectionIssue[]): Promise<void> {
  const m = /^(.*)\/overlay-containers\/[^/]+\/userdata\/?$/.exec(facts.bundle?.bundle ?? "");
  if (!m?.[1]) return;
  const graphroot = m[1];
  const stored = await storedContainer(fs, graphroot, facts.id, issues);
  if (!stored) return;
  if (stored.name) facts.name = stored.name;
  if (stored.created) facts.created = stored.created;
  if (stored.imageId) {
    const img = await storedImage(fs, graphroot, stored.imageId, issues);
    if (img) facts.image = img;
  }
}

/** The container facts for a resolve request (memoised per container), or undefined when not a container. */
export async function factsForRequest(
  req: ResolveRequest,
  ctx: Pick<ResolverContext, "fs" | "memo" | "report">,
): Promise<ContainerFacts | undefined> {
  const b = containerBoundary(req.chain);
  if (!b) return undefined;
  const init = req.chain[b.index]!;
  const args = b.runtime ? runtimeArgs(b.runtime) : undefined;
  const id = b.id ?? args?.id ?? containerFromCgroup(init.info.cgroup)?.id;
  if (!id) {
    ctx.report({
      subject: `pid ${init.info.pid}`,
      code: "UNSUPPORTED",
      detail: "in a container, but neither the runtime's command line nor the cgroup path names it",
    });
    return undefined;
  }
  return ctx.memo(`container-facts:${id}`, async () => {
    const issues: CollectionIssue[] = [];
    const hints: NonNullable<CollectOptions["hints"]> = {};
    if (args?.bundle) hints.bundle = args.bundle;
    if (args?.runtimeRoot) hints.runtimeRoot = args.runtimeRoot;
    if (args?.namespace) hints.namespace = args.namespace;
    const facts = await collectContainerFacts(id, { fs: ctx.fs, hints }, issues);
    for (const i of issues) ctx.report(i);
    if (!facts) {
      ctx.report({
        subject: `container ${id.slice(0, 12)}`,
        code: "ENOENT",
        detail: "no engine and no runtime state on disk knows this container",
      });
      return undefined;
    }
    if (b.runtime) facts.runtime = b.runtime;
    facts.init = init;
    facts.pid ??= init.info.pid;
    return facts;
  });
}
