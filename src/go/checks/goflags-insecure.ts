import { defineGoCheck, REF } from "./types.js";
import { parseGoFlags } from "./util.js";

/** `-insecure` in GOFLAGS (removed from go get in 1.17; it also skipped sum validation). */
export const goflagsInsecure = defineGoCheck({
  meta: { id: "ENVT-GO-010", name: "goflags-insecure", description: "GOFLAGS contains -insecure" },
  profile: "default",
  severity: "high",
  remediation:
    "Remove -insecure from GOFLAGS; use GOINSECURE, GOPRIVATE or GONOSUMDB scoped to the paths that need it.",
  references: [REF.go117, REF.goEnvHelp],
  run(ctx) {
    if (!parseGoFlags(ctx.get("GOFLAGS")).some((f) => f.name === "insecure")) return [];
    return [{ messageId: "goflags-insecure.flag", key: "GOFLAGS", message: "GOFLAGS contains -insecure" }];
  },
});
