import { defineGoCheck, REF } from "./types.js";
import { parseGoProxy } from "./util.js";

const MIRRORS = [
  /^https:\/\/goproxy\.cn(\/|$)/,
  /^https:\/\/mirrors\.aliyun\.com\/goproxy(\/|$)/,
  /^https:\/\/goproxy\.io(\/|$)/,
];

/** Policy for mainland China builds (profile `cn-mirror`): the first proxy is a China mirror. Regional, so not a default. */
export const cnMirrorProxy = defineGoCheck({
  meta: {
    id: "ENVT-GO-111",
    name: "cn-mirror-proxy",
    description: "Policy: GOPROXY starts with a mainland-China mirror",
  },
  profile: "cn-mirror",
  severity: "low",
  remediation: "go env -w GOPROXY=https://goproxy.cn,direct (the mirror's own instructions).",
  references: [REF.goproxyCn, REF.envVars],
  run(ctx) {
    const first = parseGoProxy(ctx.get("GOPROXY"))[0];
    if (first?.kind === "url" && MIRRORS.some((re) => re.test(first.value))) return [];
    return [
      {
        messageId: "cn-mirror-proxy.not-mirror",
        key: "GOPROXY",
        message: "GOPROXY does not start with a mainland-China mirror",
      },
    ];
  },
});
