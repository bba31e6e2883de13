import { defineGoCheck, REF } from "./types.js";
import { parseGoFlags } from "./util.js";

/** `-mod=mod` in GOFLAGS: builds may rewrite go.mod/go.sum instead of failing (mod.md #build-commands). */
export const goflagsModMod = defineGoCheck({
  meta: { id: "ENVT-GO-011", name: "goflags-mod-mod", description: "GOFLAGS contains -mod=mod" },
  profile: "default",
  severity: "medium",
  remediation:
    "Remove -mod=mod (default -mod=readonly); update go.mod and go.sum deliberately with go get / go mod tidy.",
  references: [REF.buildCommands, REF.goEnvHelp],
  run(ctx) {
    if (!parseGoFlags(ctx.get("GOFLAGS")).some((f) => f.name === "mod" && f.value === "mod")) return [];
    return [
      {
        messageId: "goflags-mod-mod.flag",
        key: "GOFLAGS",
        message: "GOFLAGS contains -mod=mod: every build may add requirements and go.sum lines unreviewed",
      },
    ];
  },
});
