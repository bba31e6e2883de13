import { defineGoCheck, REF } from "./types.js";
import { parseGoProxy } from "./util.js";

/** GOPROXY=off: no module downloads at all (facts §2.2 GOPROXY). Informational: fine for hermetic builds. */
export const goproxyOff = defineGoCheck({
  meta: { id: "ENVT-GO-006", name: "goproxy-off", description: "GOPROXY=off disallows module downloads" },
  profile: "default",
  severity: "info",
  remediation: "Intended for hermetic builds with a vendored or pre-filled cache; otherwise set a proxy.",
  references: [REF.envVars, REF.goproxyProtocol],
  run(ctx) {
    const list = parseGoProxy(ctx.get("GOPROXY"));
    if (list[0]?.kind !== "off") return [];
    return [
      {
        messageId: "goproxy-off.off",
        key: "GOPROXY",
        message: "GOPROXY is off: the go command downloads no modules",
      },
    ];
  },
});
