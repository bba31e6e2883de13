import { defineGoCheck, REF } from "./types.js";

/**
 * Policy for mainland China builds (profile `cn-mirror`): keep the checksum database Go knows. The seed
 * checklist's `GOSUMDB=sum.goproxy.cn` fails without a key; goproxy.cn proxies sum.golang.org and Go knows
 * `sum.golang.google.cn` (facts §5).
 */
export const cnMirrorSumdb = defineGoCheck({
  meta: {
    id: "ENVT-GO-112",
    name: "cn-mirror-sumdb",
    description: "Policy: GOSUMDB stays sum.golang.org or sum.golang.google.cn behind a China mirror",
  },
  profile: "cn-mirror",
  severity: "medium",
  remediation:
    "Unset GOSUMDB (sum.golang.org is reached through goproxy.cn) or set GOSUMDB=sum.golang.google.cn.",
  references: [REF.checksumDb, REF.goproxyCn],
  run(ctx) {
    const name = ctx.get("GOSUMDB").trim().split(/[+\s]/)[0] ?? "";
    if (name === "sum.golang.org" || name === "sum.golang.google.cn") return [];
    return [
      {
        messageId: "cn-mirror-sumdb.other",
        key: "GOSUMDB",
        message: "GOSUMDB is neither sum.golang.org nor sum.golang.google.cn",
      },
    ];
  },
});
