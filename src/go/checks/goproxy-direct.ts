import { defineGoCheck, REF } from "./types.js";
import { parseGoProxy } from "./util.js";

/** GOPROXY=direct only: every module fetched from its VCS origin (facts §2.2 GOPROXY). */
export const goproxyDirect = defineGoCheck({
  meta: {
    id: "ENVT-GO-007",
    name: "goproxy-direct",
    description: "GOPROXY=direct fetches every module straight from its version-control origin",
  },
  profile: "default",
  severity: "medium",
  remediation:
    "Use a module proxy (https://proxy.golang.org or a corporate one) before 'direct', and GONOPROXY for private paths.",
  references: [REF.goproxyProtocol, REF.envVars, REF.privacy],
  run(ctx) {
    const list = parseGoProxy(ctx.get("GOPROXY"));
    if (list.length !== 1 || list[0]?.kind !== "direct") return [];
    return [
      {
        messageId: "goproxy-direct.only",
        key: "GOPROXY",
        message: "GOPROXY is 'direct' only: builds depend on every origin server and run their VCS tools",
      },
    ];
  },
});
