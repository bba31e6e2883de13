/**
 * The Kubernetes pipeline: objects (manifests or API responses) → kubelet assembly per container →
 * checks → masking. One {@link ExplainResult} per container, subject `{kind: "pod", name: "ns/pod/container"}`
 * (`{kind: "pod-template", name: "ns/Kind:name/container"}` for a workload whose pods are not among the
 * inputs). Every result leaves through `maskResult`; nothing here prints.
 */
import { readFile, stat } from "node:fs/promises";
import { fingerprint, maskResult } from "../detect/mask.js";
import type { CollectionIssue, DisplayValue, ExplainResult, Finding } from "../model/index.js";
import { issueFromError } from "../snapshot/host-fs.js";
import { assembleContainer, type ContainerEnv, containersOf } from "./assemble.js";
import type { K8sCheck } from "./checks/check.js";
import { k8sChecks } from "./checks/index.js";
import { loadManifest, MAX_MANIFEST_BYTES, Positions } from "./load.js";
import { nsOf, ObjectIndex } from "./objects.js";
import { type K8sObject, podTemplateOf } from "./types.js";

export interface K8sExplainOptions {
  /** Only this pod (or workload): `name`, `ns/name` or `Kind/name`. */
  pod?: string;
  /** Only this container. */
  container?: string;
  /** Show secret values in clear (the user's explicit opt-out). */
  reveal?: boolean;
  checks?: readonly K8sCheck[];
}

export interface K8sExplainOutput {
  results: ExplainResult<DisplayValue>[];
  /** Problems not tied to one container (unreadable files, syntax errors, no match for --pod). */
  issues: CollectionIssue[];
}

function matchesPod(o: K8sObject, want: string): boolean {
  const name = o.metadata.name ?? "";
  return (
    want === name ||
    want === `${nsOf(o)}/${name}` ||
    want === `${o.kind}/${name}` ||
    want === `${nsOf(o)}/${o.kind}/${name}`
  );
}

/** The objects whose containers are explained: Pods, and workloads none of whose pods are among the inputs. */
export function subjectsOf(index: ObjectIndex): K8sObject[] {
  const covered = new Set<K8sObject>();
  const withTemplate = index.all.filter((o) => podTemplateOf(o) !== undefined);
  for (const o of withTemplate) for (const l of index.ownerChain(o)) covered.add(l.obj);
  return withTemplate.filter((o) => o.kind === "Pod" || !covered.has(o));
}

/** Assembles one container's environment and runs the checks on it; the result is not yet masked. */
export function explainContainerRaw(
  index: ObjectIndex,
  subject: K8sObject,
  c: ContainerEnv["container"],
  checks: readonly K8sCheck[] = k8sChecks,
): { env: ContainerEnv; result: ExplainResult<string> } {
  const env = assembleContainer({
    index,
    positions: index.positions ?? new Positions(),
    subject,
    container: c,
    chain: index.ownerChain(subject),
  });
  const findings: Finding[] = [];
  for (const check of checks) {
    let hits: ReturnType<K8sCheck["run"]>;
    try {
      hits = check.run(env);
    } catch (err) {
      env.issues.push(issueFromError(`check ${check.meta.id}`, err, "run the check"));
      continue;
    }
    for (const h of hits) {
      const f: Finding = {
        id: check.meta.id,
        severity: check.meta.severity,
        messageId: h.messageId,
        message: h.message,
        subject: env.subjectName,
        fingerprint: fingerprint(
          check.meta.id,
          h.attribution?.kind ?? "",
          env.subjectName,
          h.key ?? "",
          h.messageId,
        ),
        remediation: check.meta.remediation,
        references: [...check.meta.references],
      };
      if (h.key !== undefined) f.key = h.key;
      if (h.attribution) f.attribution = h.attribution;
      findings.push(f);
    }
  }
  const result: ExplainResult<string> = {
    subject: { kind: subject.kind === "Pod" ? "pod" : "pod-template", name: env.subjectName },
    variables: env.lineages,
    findings,
    issues: env.issues,
  };
  return { env, result };
}

/** Explains every selected container of the indexed objects; results are masked. */
export function explainIndex(index: ObjectIndex, opts: K8sExplainOptions = {}): K8sExplainOutput {
  const issues: CollectionIssue[] = [...index.issues];
  let subjects = subjectsOf(index);
  if (opts.pod) {
    const want = opts.pod;
    // A workload name selects its pods too.
    subjects = subjects.filter(
      (s) => matchesPod(s, want) || index.ownerChain(s).some((l) => matchesPod(l.obj, want)),
    );
    if (subjects.length === 0) {
      issues.push({
        subject: want,
        code: "ENOENT",
        detail: "no Pod or workload with this name among the inputs",
      });
    }
  }
  const results: ExplainResult<DisplayValue>[] = [];
  for (const s of subjects) {
    const spec = podTemplateOf(s)?.spec;
    if (!spec) continue;
    for (const c of containersOf(spec)) {
      if (opts.container && c.name !== opts.container) continue;
      const { result } = explainContainerRaw(index, s, c, opts.checks);
      results.push(maskResult(result, { reveal: opts.reveal ?? false }));
    }
  }
  if (opts.container && results.length === 0 && subjects.length > 0) {
    issues.push({
      subject: opts.container,
      code: "ENOENT",
      detail: "no container with this name in the selected pods",
    });
  }
  return { results, issues };
}

/** Loads manifests from files (or `-` read by the caller) into an index. */
export async function indexFiles(
  files: readonly string[],
  read: (file: string) => Promise<string> = (f) => readFile(f, "utf8"),
): Promise<ObjectIndex> {
  const positions = new Positions();
  const index = new ObjectIndex(positions);
  for (const file of files) {
    let text: string;
    try {
      // Size first: /dev/zero or a 5 GB file must not be read into memory to find out.
      const st = await stat(file).catch(() => undefined);
      if (st?.isFile() && st.size > MAX_MANIFEST_BYTES) {
        index.issues.push({
          subject: file,
          code: "TOO_LARGE",
          detail: `manifest is ${st.size} bytes, above the ${MAX_MANIFEST_BYTES}-byte limit; skipped (split it, or pass the objects you need)`,
        });
        continue;
      }
      if (st && !st.isFile()) {
        index.issues.push({
          subject: file,
          code: "UNSUPPORTED",
          detail: "not a regular file; pass a manifest file (kubectl get -o yaml > FILE)",
        });
        continue;
      }
      text = await read(file);
    } catch (err) {
      index.issues.push(issueFromError(file, err));
      continue;
    }
    if (text.length > MAX_MANIFEST_BYTES) {
      index.issues.push({
        subject: file,
        code: "TOO_LARGE",
        detail: "manifest above the size limit; skipped",
      });
      continue;
    }
    const r = loadManifest(text, file, positions);
    index.issues.push(...r.issues);
    for (const o of r.objects) index.add(o);
  }
  return index;
}

/** Offline audit of manifest files: `envtrace k8s explain -f FILE…`. */
export async function explainManifests(
  files: readonly string[],
  opts: K8sExplainOptions = {},
): Promise<K8sExplainOutput> {
  return explainIndex(await indexFiles(files), opts);
}
