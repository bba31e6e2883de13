/**
 * Podman's (containers/storage) on-disk records, read when no Engine API socket answers: the container's
 * name, image id and creation time from `overlay-containers/containers.json`, and the image's OCI config
 * (Env, history) from `overlay-images/<id>/=<base64("sha256:<id>")>` — the "big data" file
 * containers/storage names after the key, base64-encoded. Never throws; bad files become issues.
 */
import type { CollectionIssue } from "../../model/index.js";
import type { HostFs } from "../host-fs.js";
import { issueFromError } from "../host-fs.js";
import { readRegularText } from "./bundle.js";
import type { ImageFacts } from "./facts.js";
import { parseEnvStep } from "./facts.js";
import { splitEnvList } from "./oci.js";

const MAX = 16 * 1024 * 1024;

export interface StoredContainer {
  id: string;
  name?: string;
  imageId?: string;
  created?: string;
}

async function readJson(fs: HostFs, path: string, issues: CollectionIssue[]): Promise<unknown> {
  let text: string | undefined;
  try {
    text = await readRegularText(fs, path, MAX);
  } catch (err) {
    issues.push(issueFromError(path, err));
    return undefined;
  }
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    issues.push({ subject: path, code: "PARSE", detail: "not valid JSON" });
    return undefined;
  }
}

/** The container's record in `<graphroot>/overlay-containers/containers.json`. */
export async function storedContainer(
  fs: HostFs,
  graphroot: string,
  id: string,
  issues: CollectionIssue[],
): Promise<StoredContainer | undefined> {
  const list = await readJson(fs, `${graphroot}/overlay-containers/containers.json`, issues);
  if (!Array.isArray(list)) return undefined;
  for (const c of list) {
    if (!c || typeof c !== "object" || (c as { id?: unknown }).id !== id) continue;
    const r = c as { names?: unknown; image?: unknown; created?: unknown };
    const out: StoredContainer = { id };
    if (Array.isArray(r.names) && typeof r.names[0] === "string") out.name = r.names[0];
    if (typeof r.image === "string") out.imageId = r.image;
    if (typeof r.created === "string") out.created = r.created;
    return out;
  }
  return undefined;
}

/** Ids of containers in podman's storage whose name (any of `names`) is `name`. */
export async function storedContainersNamed(
  fs: HostFs,
  graphroot: string,
  name: string,
  issues: CollectionIssue[],
): Promise<string[]> {
  const list = await readJson(fs, `${graphroot}/overlay-containers/containers.json`, issues);
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const c of list) {
    if (!c || typeof c !== "object") continue;
    const r = c as { id?: unknown; names?: unknown };
    if (typeof r.id === "string" && Array.isArray(r.names) && r.names.includes(name)) out.push(r.id);
  }
  return out;
}

/** The image's config (Env, history, created) from containers/storage, as the Engine API would give it. */
export async function storedImage(
  fs: HostFs,
  graphroot: string,
  imageId: string,
  issues: CollectionIssue[],
): Promise<ImageFacts | undefined> {
  if (!/^[0-9a-f]{64}$/.test(imageId)) return undefined;
  const key = Buffer.from(`sha256:${imageId}`).toString("base64");
  const cfg = await readJson(fs, `${graphroot}/overlay-images/${imageId}/=${key}`, issues);
  if (!cfg || typeof cfg !== "object") return undefined;
  const c = cfg as { config?: { Env?: unknown }; created?: unknown; history?: unknown };
  const envList = Array.isArray(c.config?.Env)
    ? c.config.Env.filter((e): e is string => typeof e === "string")
    : [];
  const env = new Map<string, string>();
  for (const [k, v] of splitEnvList(envList).pairs) if (!env.has(k)) env.set(k, v);
  const img: ImageFacts = { id: imageId, env, history: [] };
  if (typeof c.created === "string") img.created = c.created;
  if (Array.isArray(c.history)) {
    // OCI image config history is oldest first.
    img.history = c.history.map((h, index) => {
      const createdBy = typeof h?.created_by === "string" ? h.created_by : "";
      const step: ImageFacts["history"][number] = { index, createdBy, env: parseEnvStep(createdBy) };
      if (typeof h?.created === "string") step.created = h.created;
      return step;
    });
  }
  const images = await readJson(fs, `${graphroot}/overlay-images/images.json`, issues);
  if (Array.isArray(images)) {
    const rec = images.find((i) => i && typeof i === "object" && (i as { id?: unknown }).id === imageId) as
      | { names?: unknown }
      | undefined;
    if (rec && Array.isArray(rec.names) && typeof rec.names[0] === "string") img.name = rec.names[0];
  }
  return img;
}
