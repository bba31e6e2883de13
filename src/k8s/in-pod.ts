/**
 * `envtrace explain` inside a pod: when `KUBERNETES_SERVICE_HOST` is set and the service-account mount is
 * present, read our own Pod (and its owners, ConfigMaps, Services) from the API and join the kubelet model of
 * the container's spec with the real environments:
 *
 * - `/proc/1/environ`: what the container started with (spec + image ENV + runtime additions);
 * - `/proc/<self>/environ`: what envtrace got, after the entrypoint script(s) between PID 1 and us.
 *
 * Per variable: from the spec (and verified against the runtime value), from the image or the runtime
 * (`HOSTNAME`, image `ENV`: in PID 1's environment but not in the spec), or set by an entrypoint script (in
 * ours but not PID 1's, or changed on the way). Values of Secret-sourced variables are compared by keyed
 * fingerprint only when the Secret was read (`--resolve-secrets`).
 *
 * Entry point for the CLI: {@link explainInPod}; it returns null (doing no I/O beyond one env lookup)
 * when not inside a pod, so `envtrace explain` can call it first without changing the host path.
 */
import { maskResult } from "../detect/mask.js";
import type {
  Attribution,
  CollectionIssue,
  DisplayValue,
  EnvMap,
  ExplainResult,
  Lineage,
  ShadowedValue,
} from "../model/index.js";
import { parseEnviron } from "../snapshot/environ.js";
import { createHostFs, type HostFs, issueFromError } from "../snapshot/host-fs.js";
import { containersOf } from "./assemble.js";
import { explainContainerRaw } from "./explain.js";
import { valueFingerprint } from "./fingerprint.js";
import { fetchLive, type LiveResult } from "./live.js";
import { podTemplateOf } from "./types.js";

export const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface InPodContext {
  namespace: string;
  podName: string;
}

export interface InPodOptions {
  /** Root of the filesystem seen (a fixture tree in tests). Default `/`. */
  fs?: HostFs;
  env?: NodeJS.ProcessEnv;
  /** Our pid inside the pod's pid namespace. Default `process.pid`. */
  selfPid?: number;
  /** The container we run in, when the pod has several and the env does not tell. */
  container?: string;
  resolveSecrets?: boolean;
  reveal?: boolean;
  /** Reads the live objects; default {@link fetchLive} (in-cluster config unless KUBECONFIG is set). */
  fetch?: (ref: string) => Promise<LiveResult>;
}

/** Are we inside a pod? Needs `KUBERNETES_SERVICE_HOST` and a service-account mount with a namespace. */
export async function detectInPod(env: NodeJS.ProcessEnv, fs: HostFs): Promise<InPodContext | null> {
  if (!env.KUBERNETES_SERVICE_HOST) return null;
  let namespace: string | undefined;
  try {
    if (!(await fs.isReadable(`${SA_DIR}/token`))) return null;
    namespace = (await fs.readTextIfExists(`${SA_DIR}/namespace`, 4096))?.trim();
  } catch {
    return null;
  }
  if (!namespace) return null;
  // The pod name is the container's hostname unless the spec sets `hostname`; POD_NAME (downward API) wins.
  let podName = env.POD_NAME ?? env.HOSTNAME;
  if (!podName) {
    try {
      podName = (await fs.readTextIfExists("/etc/hostname", 4096))?.trim();
    } catch {
      podName = undefined;
    }
  }
  return podName ? { namespace, podName } : null;
}

async function readEnviron(
  fs: HostFs,
  pid: number | "self",
  issues: CollectionIssue[],
): Promise<EnvMap | null> {
  try {
    return parseEnviron(await fs.readFile(`/proc/${pid}/environ`)).env;
  } catch (err) {
    issues.push(issueFromError(`pid ${pid}`, err, "read its environment"));
    return null;
  }
}

const isUnknown = (l: Lineage) =>
  l.notes.some((n) => n.startsWith("value-unknown") || n.startsWith("value-withheld"));

/**
 * Explains the environment of this process inside its pod; null when not inside a pod. The result is
 * masked.
 */
export async function explainInPod(opts: InPodOptions = {}): Promise<ExplainResult<DisplayValue> | null> {
  const env = opts.env ?? process.env;
  if (!env.KUBERNETES_SERVICE_HOST) return null;
  const fs = opts.fs ?? createHostFs("/");
  const ctx = await detectInPod(env, fs);
  if (!ctx) return null;
  const ref = `${ctx.namespace}/${ctx.podName}`;
  const issues: CollectionIssue[] = [];
  const selfPid = opts.selfPid ?? process.pid;
  const self = await readEnviron(fs, selfPid, issues);
  const pid1 = selfPid === 1 ? self : await readEnviron(fs, 1, issues);
  const live = await (opts.fetch ?? ((r) => fetchLive(r, { env, resolveSecrets: !!opts.resolveSecrets })))(
    ref,
  );
  const result: ExplainResult<string> = {
    subject: { kind: "pod", name: `${ref}/?`, pid: selfPid },
    variables: [],
    findings: [],
    issues,
  };
  const pod = live.index.get("Pod", ctx.namespace, ctx.podName);
  if (live.fatal || !pod) {
    issues.push({
      subject: `Pod/${ref}`,
      code: "UNAVAILABLE",
      detail: live.fatal ?? "the API did not return our Pod",
    });
    return maskResult(result, { reveal: !!opts.reveal });
  }
  issues.push(...live.index.issues);
  const containers = containersOf(podTemplateOf(pod)?.spec ?? {}).filter((c) => c.list === "containers");
  // Which container are we? Named, else the one whose spec values best match PID 1's environment.
  const want = opts.container ?? env.ENVTRACE_CONTAINER;
  let best = containers.find((c) => c.name === want);
  let bestRaw: ReturnType<typeof explainContainerRaw> | undefined;
  if (!best) {
    let bestScore = -1;
    for (const c of containers) {
      const raw = explainContainerRaw(live.index, pod, c);
      let score = 0;
      for (const l of raw.result.variables) {
        const v = pid1?.get(l.key) ?? self?.get(l.key);
        if (v && !isUnknown(l) && v.value === l.value) score += 2;
        else if (v) score += 1;
      }
      if (score > bestScore) {
        bestScore = score;
        best = c;
        bestRaw = raw;
      }
    }
  }
  if (!best) {
    issues.push({ subject: `Pod/${ref}`, code: "ENOENT", detail: "the Pod has no containers" });
    return maskResult(result, { reveal: !!opts.reveal });
  }
  const raw = bestRaw ?? explainContainerRaw(live.index, pod, best);
  result.subject = { kind: "pod", name: raw.env.subjectName, pid: selfPid };
  result.findings = raw.result.findings;
  issues.push(...raw.result.issues);
  const spec = new Map(raw.result.variables.map((l) => [l.key, l]));
  const actual = self ?? pid1 ?? new Map();
  for (const [key, entry] of actual) {
    const s = spec.get(key);
    const atStart = pid1?.get(key);
    const notes: string[] = [];
    if (s?.winner) {
      const a: Attribution = { ...s.winner, evidence: [...s.winner.evidence] };
      const fpNote = s.notes.find((n) => /hmac-sha256:[0-9a-f]{16}/.test(n));
      if (!isUnknown(s) && s.value === entry.value) {
        a.confidence = "certain";
        a.evidence.unshift("verified: this process's environment has the value the spec gives");
        result.variables.push({
          key,
          value: entry.value,
          winner: a,
          shadowed: s.shadowed,
          notes: [...s.notes],
        });
        continue;
      }
      if (isUnknown(s)) {
        if (fpNote) {
          const fp = /hmac-sha256:[0-9a-f]{16}/.exec(fpNote)![0];
          const same = valueFingerprint(entry.raw) === fp;
          a.evidence.unshift(
            same
              ? "verified by fingerprint: the runtime value equals the Secret's data"
              : "the runtime value does NOT match the Secret's data (fingerprints differ)",
          );
          if (!same) a.confidence = "possible";
        } else
          a.evidence.unshift("value observed at run time (the spec leaves it to the kubelet or runtime)");
        // Secret-sourced values stay withheld even though we can see them: only the fingerprint comparison shows.
        const withheld = s.notes.some((n) => n.startsWith("value-withheld"));
        result.variables.push({
          key,
          value: withheld ? "" : entry.value,
          winner: a,
          shadowed: s.shadowed,
          notes: s.notes.filter((n) => !n.startsWith("value-unknown")),
        });
        continue;
      }
      // The spec gives another value: changed after exec by a script between PID 1 and us, or before PID 1.
      const shadowed: ShadowedValue[] = [...s.shadowed, { value: s.value, attribution: s.winner }];
      const changedByScript = atStart === undefined || atStart.value !== entry.value;
      result.variables.push({
        key,
        value: entry.value,
        winner: {
          kind: changedByScript ? "inherited" : "unknown",
          mechanism: changedByScript ? "entrypoint-script" : "changed-before-exec",
          confidence: changedByScript ? "likely" : "possible",
          evidence: changedByScript
            ? [
                "PID 1 started with the spec's value (or none); a process between PID 1 and envtrace (an entrypoint script) set this one",
              ]
            : [
                "PID 1 already had this value, which is not the spec's; a webhook-injected wrapper or the runtime changed it",
              ],
        },
        shadowed,
        notes,
      });
      continue;
    }
    if (key === "HOSTNAME") {
      result.variables.push({
        key,
        value: entry.value,
        winner: {
          kind: "container-runtime",
          mechanism: "hostname",
          confidence: "certain",
          evidence: [
            "the container runtime sets HOSTNAME first (containerd CRI: HOSTNAME, image ENV, then the kubelet's list)",
          ],
        },
        shadowed: [],
        notes,
      });
      continue;
    }
    if (atStart && atStart.value === entry.value) {
      result.variables.push({
        key,
        value: entry.value,
        winner: {
          kind: "container-image",
          mechanism: "image-env",
          confidence: "likely",
          evidence: [
            "in PID 1's environment at exec and not in the pod spec: the image's ENV (or a runtime default such as PATH); the API does not carry image config",
          ],
        },
        shadowed: [],
        notes,
      });
      continue;
    }
    result.variables.push({
      key,
      value: entry.value,
      winner: {
        kind: "inherited",
        mechanism: "entrypoint-script",
        confidence: "likely",
        evidence: [
          atStart
            ? "PID 1 started with another value; a process between PID 1 and envtrace changed it"
            : "not in PID 1's environment nor in the spec: set by a process between PID 1 and envtrace (an entrypoint script)",
        ],
      },
      shadowed: atStart
        ? [
            {
              value: atStart.value,
              attribution: { kind: "container-image", confidence: "possible", evidence: ["PID 1's value"] },
            },
          ]
        : [],
      notes,
    });
  }
  return maskResult(result, { reveal: !!opts.reveal });
}
