import { defineGoCheck, REF } from "./types.js";
import { publicHostsCovered } from "./util.js";

/** GONOSUMDB (or GOPRIVATE, its default) patterns covering public code hosts (facts §2.2 GOPRIVATE). */
export const nosumdbPublic = defineGoCheck({
  meta: {
    id: "ENVT-GO-003",
    name: "nosumdb-public",
    description: "GONOSUMDB or GOPRIVATE exempts public code hosts from checksum verification",
  },
  profile: "default",
  severity: "high",
  remediation:
    "List only your organisation's module paths (e.g. github.com/your-org/*, git.corp.example), never a whole public host or '*'.",
  references: [REF.privateModules, REF.checksumDb, REF.envVars],
  run(ctx) {
    const s = ctx.setting("GONOSUMDB");
    const value = ctx.get("GONOSUMDB");
    if (!value) return [];
    const key = s?.source.kind === "derived" ? "GOPRIVATE" : "GONOSUMDB";
    return publicHostsCovered(value).map((host) => ({
      messageId: "nosumdb-public.covers-host",
      key,
      message: `${key} covers every module on ${host}: they are accepted without checksum-database verification`,
    }));
  },
});
