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
      const lines = splitLines(text);
      for (let i = 0; i < lines.length; i++) {
        const t = lines[i]!.replace(/#.*$/, "").trim();
        if (t === "") continue;
        const inc = /^@include\s+(\S+)/.exec(t);
        if (inc) {
          await visit(inc[1]!, only, depth + 1);
          continue;
        }
        const m = /^-?(\w+)\s+(\[[^\]]*\]|\S+)\s+(\S+)\s*(.*)$/.exec(t);
        if (!m) continue;
        const type = m[1]!;
        if (only && type !== only) continue;
        if (m[2] === "include" || m[2] === "substack") {
          await visit(m[3]!, type, depth + 1);
          continue;
        }
        if ((type !== "auth" && type !== "session") || path.posix.basename(m[3]!) !== "pam_env.so") continue;
        const args = new Map<string, string>();
        for (const a of (m[4] ?? "").split(/\s+/).filter(Boolean)) {
          const eq = a.indexOf("=");
          args.set(eq >= 0 ? a.slice(0, eq) : a, eq >= 0 ? a.slice(eq + 1) : "");
        }
        found.push({ file, line: i + 1, type, args });
      }
      return true;
    };
    if (!(await visit(service, null, 0))) await visit("other", null, 0);
    // pam_setcred (auth) runs before pam_open_session (session).
    return [...found.filter((f) => f.type === "auth"), ...found.filter((f) => f.type === "session")];
  });
}
