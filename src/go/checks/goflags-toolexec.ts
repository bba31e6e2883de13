import { defineGoCheck, REF } from "./types.js";
import { parseGoFlags } from "./util.js";

/** `-toolexec` in GOFLAGS runs a program around every compiler/linker invocation (`go help build`). */
export const goflagsToolexec = defineGoCheck({
  meta: { id: "ENVT-GO-012", name: "goflags-toolexec", description: "GOFLAGS contains -toolexec" },
  profile: "default",
  severity: "high",
  remediation: "Remove -toolexec from GOFLAGS; pass it explicitly on the command lines that need it.",
  references: [REF.buildFlags, REF.goEnvHelp],
  run(ctx) {
    if (!parseGoFlags(ctx.get("GOFLAGS")).some((f) => f.name === "toolexec")) return [];
    return [
      {
        messageId: "goflags-toolexec.flag",
        key: "GOFLAGS",
        message: "GOFLAGS contains -toolexec: a program runs around every toolchain step of every build",
      },
    ];
  },
});
