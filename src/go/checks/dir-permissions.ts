import * as path from "node:path";
import type { GoCheckHit } from "./types.js";
import { defineGoCheck, REF } from "./types.js";

/** GOROOT/GOPATH/GOMODCACHE/GOCACHE (and GOBIN) writable by others or owned by another user. */
export const dirPermissions = defineGoCheck({
  meta: {
    id: "ENVT-GO-018",
    name: "dir-permissions",
    description: "A Go toolchain or cache directory is writable by group/other or owned by another user",
  },
  profile: "default",
  severity: "high",
  remediation:
    "chmod go-w the directory (and chown it to the build user or root); never share GOCACHE/GOMODCACHE between users who do not trust each other.",
  references: [REF.moduleCache, REF.install, REF.threatModel],
  async run(ctx) {
    const dirs: Array<[string, string]> = [];
    const add = (key: string, p: string) => {
      if (p && p !== "off" && path.isAbsolute(p)) dirs.push([key, p]);
    };
    const goroot = ctx.get("GOROOT");
    add("GOROOT", goroot);
    if (goroot) {
      add("GOROOT", path.join(goroot, "bin"));
      add("GOROOT", path.join(goroot, "pkg", "tool"));
    }
    for (const p of ctx.get("GOPATH").split(":")) add("GOPATH", p);
    add("GOMODCACHE", ctx.get("GOMODCACHE"));
    add("GOCACHE", ctx.get("GOCACHE"));
    add("GOBIN", ctx.get("GOBIN"));
    const hits: GoCheckHit[] = [];
    const seen = new Set<string>();
    for (const [key, p] of dirs) {
      if (seen.has(p)) continue;
      seen.add(p);
      const st = await ctx.stat(p);
      if (!st) continue;
      const what = p === ctx.get(key) ? key : `${key}/${path.relative(ctx.get(key), p)}`;
      if (st.mode & 0o002) {
        hits.push({
          messageId: "dir-permissions.world-writable",
          key,
          message: `${what} is writable by every user`,
        });
      } else if (st.mode & 0o020) {
        hits.push({
          messageId: "dir-permissions.group-writable",
          key,
          severity: "medium",
          message: `${what} is writable by its group`,
        });
      }
      if (ctx.uid !== undefined && st.uid !== 0 && st.uid !== ctx.uid) {
        hits.push({
          messageId: "dir-permissions.other-owner",
          key,
          severity: "medium",
          message: `${what} is owned by another user (uid ${st.uid})`,
        });
      }
    }
    return hits;
  },
});
