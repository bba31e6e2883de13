import { toolchainMayDownload } from "./gotoolchain-download.js";
import { defineGoCheck, REF } from "./types.js";

/** Policy: no toolchain downloads (profile `strict`); the default check only informs (ENVT-GO-014). */
export const strictToolchainLocal = defineGoCheck({
  meta: {
    id: "ENVT-GO-103",
    name: "strict-toolchain-local",
    description: "Policy: GOTOOLCHAIN must not allow toolchain downloads",
  },
  profile: "strict",
  severity: "high",
  remediation: "Set GOTOOLCHAIN=local (or <name>+path) in the environment or with `go env -w`.",
  references: [REF.toolchain, REF.toolchainDownload],
  run(ctx) {
    if (ctx.version.major === 1 && ctx.version.minor < 21) return [];
    if (!toolchainMayDownload(ctx.get("GOTOOLCHAIN"))) return [];
    return [
      {
        messageId: "strict-toolchain-local.downloads",
        key: "GOTOOLCHAIN",
        message: "GOTOOLCHAIN allows toolchain downloads, which the strict policy forbids",
      },
    ];
  },
});
