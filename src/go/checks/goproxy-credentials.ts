import { defineGoCheck, REF } from "./types.js";
import { parseGoProxy } from "./util.js";

/** user:password@ inside a GOPROXY URL (mod.md #private-module-proxy-auth). */
export const goproxyCredentials = defineGoCheck({
  meta: {
    id: "ENVT-GO-008",
    name: "goproxy-credentials",
    description: "GOPROXY carries credentials in a URL",
  },
  profile: "default",
  severity: "high",
  remediation:
    "Remove the credentials from the URL and put them in ~/.netrc (mode 600, or NETRC), or use GOAUTH (Go 1.24+); rotate the exposed credential.",
  references: [REF.privateProxyAuth, REF.goauthHelp],
  run(ctx) {
    if (!parseGoProxy(ctx.get("GOPROXY")).some((e) => e.userinfo)) return [];
    return [
      {
        messageId: "goproxy-credentials.userinfo",
        key: "GOPROXY",
        message:
          "GOPROXY has credentials in a proxy URL: they show up in shell history, logs and `go env` output",
      },
    ];
  },
});
