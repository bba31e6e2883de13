/**
 * Which `pam_env.so` invocations a PAM service runs, with their arguments, from /etc/pam.d/<service>
 * (following Debian's `@include` and the `include`/`substack` controls, depth-limited). `auth` lines run at
 * `pam_setcred`, before the `session` lines. Returns null when the host has no /etc/pam.d at all.
 */
import * as path from "node:path";
import type { ResolverContext } from "../resolver.js";
import { readText, splitLines } from "./host.js";

export interface PamEnvInvocation {
  /** The pam.d file and line of the `pam_env.so` entry. */
  file: string;
  line: number;
  type: "auth" | "session";
  args: Map<string, string>;
}

export const PAM_D = "/etc/pam.d";

export interface PamServiceLine {
  line: number;
  /** `auth`, `session`, …; `@include` for Debian's include lines. */
  type: string;
  /** The file an `@include`, `include` or `substack` line pulls in. */
  include?: string;
  module?: string;
  args: Map<string, string>;
}

/** Parses a /etc/pam.d service file (`[-]type control module args`, `@include file`, `#` comments). */
export function parsePamServiceText(text: string): PamServiceLine[] {
  const out: PamServiceLine[] = [];
  splitLines(text).forEach((raw, i) => {
    const t = raw.replace(/#.*$/, "").trim();
    if (t === "") return;
    const inc = /^@include\s+(\S+)/.exec(t);
    if (inc) {
      out.push({ line: i + 1, type: "@include", include: inc[1]!, args: new Map() });
      return;
    }
    const m = /^-?(\w+)\s+(\[[^\]]*\]|\S+)\s+(\S+)\s*(.*)$/.exec(t);
    if (!m) return;
    if (m[2] === "include" || m[2] === "substack") {
      out.push({ line: i + 1, type: m[1]!, include: m[3]!, args: new Map() });
      return;
    }
    const args = new Map<string, string>();
    for (const a of (m[4] ?? "").split(/\s+/).filter(Boolean)) {
      const eq = a.indexOf("=");
      args.set(eq >= 0 ? a.slice(0, eq) : a, eq >= 0 ? a.slice(eq + 1) : "");
    }
    out.push({ line: i + 1, type: m[1]!, module: m[3]!, args });
  });
  return out;
}

export async function pamEnvInvocations(
  ctx: ResolverContext,
  service: string,
): Promise<PamEnvInvocation[] | null> {
  return ctx.memo(`pam-stack\0${service}`, async () => {
    let exists = true;
    try {
      await ctx.fs.readdir(PAM_D);
    } catch {
      exists = false;
    }
    if (!exists) return null;
    const found: PamEnvInvocation[] = [];
    const visit = async (name: string, only: string | null, depth: number): Promise<boolean> => {
      if (depth > 8 || name.includes("/")) return false;
      const file = path.posix.join(PAM_D, name);
      const text = await readText(ctx, file);
      if (text === undefined) return false;
      for (const l of parsePamServiceText(text)) {
        if (l.include) {
          if (l.type !== "@include" && only && l.type !== only) continue;
          await visit(l.include, l.type && l.type !== "@include" ? l.type : only, depth + 1);
          continue;
        }
        if (only && l.type !== only) continue;
        if (
          (l.type !== "auth" && l.type !== "session") ||
          path.posix.basename(l.module ?? "") !== "pam_env.so"
        )
          continue;
        found.push({ file, line: l.line, type: l.type, args: l.args });
      }
      return true;
    };
    if (!(await visit(service, null, 0))) await visit("other", null, 0);
    // pam_setcred (auth) runs before pam_open_session (session).
    return [...found.filter((f) => f.type === "auth"), ...found.filter((f) => f.type === "session")];
  });
}
