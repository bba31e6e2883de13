/**
 * Small read helpers shared by the host resolvers. Every read goes through `ctx.fs` (so a fixture root
 * works like `/`); every failure other than "missing" becomes a CollectionIssue and an `undefined` answer,
 * never an exception.
 */
import * as path from "node:path";
import type { ProcessSnapshot } from "../../model/index.js";
import { isErrno, issueFromError } from "../../snapshot/host-fs.js";
import type { ResolverContext } from "../resolver.js";

/** Reads a text file on the inspected host; undefined when missing or unreadable (unreadable is reported). */
export async function readText(ctx: ResolverContext, file: string): Promise<string | undefined> {
  try {
    return await ctx.fs.readTextIfExists(file);
  } catch (err) {
    if (isErrno(err, "EISDIR")) return undefined;
    ctx.report(issueFromError(file, err));
    return undefined;
  }
}

/** Memoised {@link readText}: many subjects of one scan read the same /etc files. */
export function readTextMemo(ctx: ResolverContext, file: string): Promise<string | undefined> {
  return ctx.memo(`host-text\0${file}`, () => readText(ctx, file));
}

/** Sorted entries of a directory on the inspected host; [] when it does not exist. */
export async function listDir(ctx: ResolverContext, dir: string): Promise<string[]> {
  try {
    return (await ctx.fs.readdir(dir)).sort();
  } catch (err) {
    if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return [];
    ctx.report(issueFromError(dir, err, "list"));
    return [];
  }
}

/**
 * Resolves symlinks of `file` itself on the inspected host, inside the root (an absolute link target is a
 * host path, so it must not be followed on this machine). Returns the final host path, or `null` for a
 * link to /dev/null (a masked unit). At most 16 hops.
 */
export async function resolveLink(ctx: ResolverContext, file: string): Promise<string | null> {
  let current = file;
  for (let i = 0; i < 16; i++) {
    let target: string;
    try {
      target = await ctx.fs.readlink(current);
    } catch {
      return current;
    }
    current = path.posix.resolve(path.posix.dirname(current), target);
    if (current === "/dev/null") return null;
  }
  return current;
}

/** True when `name` matches a glob with `*` and `?` (sshd patterns, sudoers-free globs). */
export function globMatch(pattern: string, name: string): boolean {
  let re = "^";
  for (const ch of pattern) {
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`${re}$`, "s").test(name);
}

/** The whole command line of a process as one string (setproctitle'd daemons keep their options there). */
export function cmdlineText(p: ProcessSnapshot | null): string {
  return p ? p.info.cmdline.join(" ") : "";
}

/** Splits text into lines, keeping 1-based numbering stable for `\r\n` files. */
export function splitLines(text: string): string[] {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** A file:line label for evidence (never includes a value). */
export function where(file: string, line?: number): string {
  return line !== undefined ? `${file}:${line}` : file;
}
