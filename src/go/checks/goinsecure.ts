import { defineGoCheck, REF } from "./types.js";
import { publicHostsCovered } from "./util.js";

/** GOINSECURE: plain HTTP and unchecked certificates for direct fetches (facts §2.2 GOINSECURE). */
export const goinsecure = defineGoCheck({
  meta: {
    id: "ENVT-GO-004",
    name: "goinsecure",
    description: "GOINSECURE allows plain HTTP and skips certificate checks for matching modules",
  },
  profile: "default",
  severity: "medium",
  remediation:
    "Serve modules over HTTPS with a trusted certificate (add the corporate CA to the system store) and unset GOINSECURE.",
  references: [REF.goEnvHelp, REF.envVars],
  run(ctx) {
    const v = ctx.get("GOINSECURE");
    if (!v) return [];
    const hosts = publicHostsCovered(v);
    return [
      hosts.length > 0
        ? {
            messageId: "goinsecure.public-host",
            key: "GOINSECURE",
            severity: "high",
            message: `GOINSECURE covers public hosts (${hosts.join(", ")}): their direct fetches may use plain HTTP`,
          }
        : {
            messageId: "goinsecure.set",
            key: "GOINSECURE",
            message:
              "GOINSECURE is set: matching modules may be fetched over plain HTTP without certificate checks",
          },
    ];
  },
});
