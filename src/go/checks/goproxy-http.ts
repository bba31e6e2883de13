import { defineGoCheck, REF } from "./types.js";
import { parseGoProxy } from "./util.js";

/** A GOPROXY entry over plain http:// (facts §2.2 GOPROXY). */
export const goproxyHttp = defineGoCheck({
  meta: { id: "ENVT-GO-005", name: "goproxy-http", description: "GOPROXY uses a plain http:// proxy" },
  profile: "default",
  severity: "high",
  remediation: "Use https:// for every proxy in GOPROXY.",
  references: [REF.goproxyProtocol, REF.envVars],
  run(ctx) {
    return parseGoProxy(ctx.get("GOPROXY"))
      .filter((e) => e.kind === "url" && e.scheme === "http")
      .slice(0, 1)
      .map(() => ({
        messageId: "goproxy-http.http",
        key: "GOPROXY",
        message:
          "GOPROXY lists an http:// proxy: module downloads and the paths requested travel unencrypted",
      }));
  },
});
