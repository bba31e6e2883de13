import { defineGoCheck, REF } from "./types.js";
import { parseGoProxy } from "./util.js";

/** A single proxy and nothing after it: the fallback policy is implicit (facts §2.2 GOPROXY). */
export const goproxyNoFallback = defineGoCheck({
  meta: {
    id: "ENVT-GO-009",
    name: "goproxy-no-fallback",
    description: "GOPROXY names one proxy without stating what happens when it fails",
  },
  profile: "default",
  severity: "low",
  remediation:
    "State the policy: end the list with ',off' to forbid any other source, or ',direct' / '|direct' to allow origin fetches.",
  references: [REF.goproxyProtocol, REF.envVars],
  run(ctx) {
    const list = parseGoProxy(ctx.get("GOPROXY"));
    if (list.length !== 1 || list[0]?.kind !== "url") return [];
    return [
      {
        messageId: "goproxy-no-fallback.single",
        key: "GOPROXY",
        message:
          "GOPROXY lists a single proxy with no ',off' or ',direct' after it: the fallback policy is not stated",
      },
    ];
  },
});
