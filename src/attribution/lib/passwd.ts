/**
 * `/etc/passwd` and `/etc/group` readers (name:passwd:uid:gid:gecos:home:shell), with line numbers so that
 * HOME/SHELL/USER attributions can point at the entry that produced them.
 */
import type { ResolverContext } from "../resolver.js";
import { readTextMemo, splitLines } from "./host.js";

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** 1-based line in the file. */
  line: number;
}

export const PASSWD_FILE = "/etc/passwd";

/**
 * passwd(5): `name:password:UID:GID:GECOS:directory:shell`. Malformed lines and NIS `+`/`-` entries are
 * skipped; an empty shell field means /bin/sh. Never throws.
 */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  splitLines(text).forEach((raw, i) => {
    if (raw === "" || raw.startsWith("#") || raw.startsWith("+") || raw.startsWith("-")) return;
    const f = raw.split(":");
    if (f.length !== 7 || !f[0] || !/^\d+$/.test(f[2] ?? "") || !/^\d+$/.test(f[3] ?? "")) return;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isSafeInteger(uid) || !Number.isSafeInteger(gid)) return;
    out.push({ name: f[0], uid, gid, home: f[5] ?? "", shell: f[6]?.trim() || "/bin/sh", line: i + 1 });
  });
  return out;
}

/** The passwd database of the inspected host (memoised per run). */
export function loadPasswd(ctx: ResolverContext): Promise<PasswdEntry[]> {
  return ctx.memo("passwd\0/etc/passwd", async () => {
    const text = await readTextMemo(ctx, PASSWD_FILE);
    return text === undefined ? [] : parsePasswd(text);
  });
}

export async function userByUid(
  ctx: ResolverContext,
  uid: number | undefined,
): Promise<PasswdEntry | undefined> {
  if (uid === undefined) return undefined;
  return (await loadPasswd(ctx)).find((e) => e.uid === uid);
}

export async function userByName(
  ctx: ResolverContext,
  name: string | undefined,
): Promise<PasswdEntry | undefined> {
  if (!name) return undefined;
  return (await loadPasswd(ctx)).find((e) => e.name === name);
}

/** The login shell as programs use it: an empty passwd field means `/bin/sh`. */
export function loginShell(e: PasswdEntry): string {
  return e.shell === "" ? "/bin/sh" : e.shell;
}
