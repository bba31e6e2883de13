/**
 * Reading the SELinux context of a file (xattr `security.selinux`).
 *
 * Node has no xattr API and envtrace ships no native addon, so:
 * - on a fixture root (or any root holding `/.envtrace-xattrs.json`) the contexts come from that sidecar
 *   file: `{ "/usr/local/go": { "security.selinux": "system_u:object_r:usr_t:s0" } }` — fixture trees
 *   cannot carry real xattrs through git;
 * - on a real filesystem, `getfattr -n NAME --only-values --absolute-names FILE` (package `attr`; an
 *   unprivileged read) runs only when SELinux is present, so hosts without SELinux run nothing.
 * Failures become CollectionIssues; nothing throws.
 */
import type { CollectionIssue } from "../model/index.js";
import type { HostFs } from "../snapshot/host-fs.js";
import type { CommandResult } from "./exec.js";

export const XATTR_SIDECAR = "/.envtrace-xattrs.json";

export type XattrReader = (hostPath: string, name?: string) => Promise<string | undefined>;

export async function createXattrReader(
  fs: HostFs,
  exec: (file: string, args: readonly string[], timeoutMs?: number) => Promise<CommandResult>,
  issues: CollectionIssue[],
): Promise<XattrReader> {
  let sidecar: Record<string, Record<string, unknown>> | undefined;
  try {
    const t = await fs.readTextIfExists(XATTR_SIDECAR, 1024 * 1024);
    if (t !== undefined) {
      const parsed: unknown = JSON.parse(t);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        sidecar = parsed as Record<string, Record<string, unknown>>;
      } else {
        issues.push({ subject: XATTR_SIDECAR, code: "PARSE", detail: "expected an object of path → xattrs" });
      }
    }
  } catch {
    issues.push({ subject: XATTR_SIDECAR, code: "PARSE", detail: "not valid JSON; file contexts not read" });
  }
  if (sidecar) {
    const table = sidecar;
    return async (p, name = "security.selinux") => {
      const entry = Object.hasOwn(table, p) ? table[p] : undefined;
      const v = entry && typeof entry === "object" ? entry[name] : undefined;
      return typeof v === "string" ? v : undefined;
    };
  }
  return async (p, name = "security.selinux") => {
    const r = await exec(
      "getfattr",
      ["-n", name, "--only-values", "--absolute-names", "--", fs.resolve(p)],
      5000,
    );
    if (r.ok) return r.stdout.replace(/\0+$/, "").trim() || undefined;
    if (r.error === "ENOENT") {
      issues.push({
        subject: p,
        code: "UNAVAILABLE",
        detail: "getfattr not found: install the `attr` package to read file contexts",
      });
    } else if (!/No such attribute/i.test(r.stderr)) {
      issues.push({ subject: p, code: "EIO", detail: `getfattr ${name} failed (${r.error ?? "error"})` });
    }
    return undefined;
  };
}
