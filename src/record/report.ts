/**
 * Subjects of a recording: one `exec-tree` subject per process of the tree, with the variables it
 * introduced or changed (masked by `maskResult` like every explain result) and the findings.
 */
import { maskResult } from "../detect/mask.js";
import { redactText } from "../detect/redact.js";
import type { CollectionIssue, ExplainResult, Subject } from "../model/index.js";
import type { AttributedProc } from "./attribute.js";
import type { Image } from "./tree.js";

/** Masks secrets inside command-line arguments (a `--token=…`, a `KEY=value` given to env). */
export function maskArgv(argv: readonly string[]): string[] {
  return argv.map(redactText);
}

/** `--no-values`: a `KEY=value` argument (env, sudo, make) keeps its key only. */
export function keysOnlyArgv(argv: readonly string[]): string[] {
  return maskArgv(argv).map((a) => a.replace(/^([A-Za-z_][A-Za-z0-9_]*)=[\s\S]*$/, "$1=…"));
}

export const NOT_RECORDED = "(not recorded: --no-values)";

const iso = (t: number) => new Date(t * 1000).toISOString();
const base = (p: string) => p.split("/").pop() ?? p;

function imageInfo(img: Image, mask: (a: readonly string[]) => string[]) {
  return {
    path: img.path,
    argv: mask(img.argv),
    at: iso(img.time),
    ...(img.failed.length > 0 ? { failedExecs: img.failed.map((f) => `${f.path}: ${f.errno}`) } : {}),
  };
}

/**
 * One subject per process. With `keys` (the user's `--keys`), only the processes that introduced, changed
 * or removed one of them.
 */
export function recordSubjects(
  procs: readonly AttributedProc[],
  o: { reveal?: boolean; noValues?: boolean; keys?: readonly string[] } = {},
): Subject[] {
  const mask = o.noValues ? keysOnlyArgv : maskArgv;
  const ids = new Set<string>();
  const out: Subject[] = [];
  for (const p of procs) {
    const { proc, final, entry, removed } = p.changes;
    if (o.keys?.length && p.variables.length === 0 && removed.length === 0) continue;
    const result: ExplainResult<string> = {
      subject: {
        pid: proc.pid,
        comm: base(final.path).slice(0, 15),
        exe: final.path,
        startTime: iso(final.time),
      },
      variables: o.noValues
        ? p.variables.map((v) => ({
            ...v,
            value: NOT_RECORDED,
            shadowed: v.shadowed.map((s) => ({ ...s, value: NOT_RECORDED })),
          }))
        : p.variables,
      findings: p.findings,
      issues: [],
    };
    const masked = maskResult(result, { reveal: !!o.reveal });
    let id = `exec-tree/${proc.pid}`;
    for (let n = 2; ids.has(id); n++) id = `exec-tree/${proc.pid}#${n}`;
    ids.add(id);
    const details: Subject["details"] = {
      pid: proc.pid,
      comm: base(final.path).slice(0, 15),
      exe: final.path,
      startTime: iso(final.time),
      argv: mask(final.argv),
      images: proc.images.map((i) => imageInfo(i, mask)),
    };
    if (proc.parent) details.ppid = proc.parent.pid;
    if (entry.exec && entry.proc !== proc) details.forkedFrom = { pid: entry.pid, program: entry.path };
    if (proc.exit) {
      details.exit = {
        at: iso(proc.exit.time),
        ...(proc.exit.code !== undefined ? { code: proc.exit.code } : {}),
        ...(proc.exit.signal ? { signal: proc.exit.signal } : {}),
      };
    }
    if (removed.length > 0) details.removed = removed;
    const notes: string[] = [];
    if (removed.length > 0)
      notes.push(`${removed.length} variable(s) removed before exec (env -i, unset, env_reset)`);
    if (proc.images.length > 1) notes.push(`exec chain: ${proc.images.map((i) => base(i.path)).join(" → ")}`);
    if (o.noValues) notes.push("--no-values: values were never kept; changes were found by keyed digest");
    const issues: CollectionIssue[] = masked.issues;
    const s: Subject = {
      id,
      kind: "exec-tree",
      name: `${base(final.path)} (pid ${proc.pid})`,
      details,
      variables: masked.variables,
      findings: masked.findings,
      issues,
    };
    if (notes.length > 0) s.notes = notes;
    out.push(s);
  }
  return out;
}
