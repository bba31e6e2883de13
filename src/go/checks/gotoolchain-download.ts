import { defineGoCheck, REF } from "./types.js";

/** Can GOTOOLCHAIN make the go command download another toolchain? (toolchain.md #select) */
export function toolchainMayDownload(v: string): boolean {
  const t = v.trim();
  if (t === "" || t === "local" || t === "path" || t.endsWith("+path")) return false;
  return true; // auto, local+auto, <name>, <name>+auto
}

/** GOTOOLCHAIN allows toolchain downloads (Go ≥ 1.21). Informational by default; `--profile strict` forbids. */
export const gotoolchainDownload = defineGoCheck({
  meta: {
    id: "ENVT-GO-014",
    name: "gotoolchain-download",
    description: "GOTOOLCHAIN lets go.mod files make the go command download and run another toolchain",
  },
  profile: "default",
  severity: "info",
  remediation: "Set GOTOOLCHAIN=local (or <name>+path) where builds must use the installed toolchain only.",
  references: [REF.toolchain, REF.toolchainDownload],
  run(ctx) {
    if (ctx.version.major === 1 && ctx.version.minor < 21) return [];
    if (!toolchainMayDownload(ctx.get("GOTOOLCHAIN"))) return [];
    return [
      {
        messageId: "gotoolchain-download.allowed",
        key: "GOTOOLCHAIN",
        message: "GOTOOLCHAIN allows downloading toolchains that a go.mod or go.work asks for",
      },
    ];
  },
});
