import type { GoCheckHit } from "./types.js";
import { defineGoCheck, REF } from "./types.js";

const FLAG_KEYS = ["CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_FFLAGS", "CGO_LDFLAGS"];
const TOOL_KEYS = ["CC", "CXX", "AR", "PKG_CONFIG", "FC", "GCCGO"];

/** Flags that load code into the compiler or linker, or inject source. */
const CODE_LOADING = [
  /^-fplugin/,
  /^-fpass-plugin/,
  /^-B/,
  /^-wrapper/,
  /^-specs/,
  /^-include$/,
  /^-imacros$/,
  /^-Xclang$/,
  /^-Wl,--wrap/,
  /^-Wl,-plugin/,
  /^-fuse-ld=.*\//,
];
/** Flags that turn hardening off. */
const HARDENING_OFF = [
  /^-fno-stack-protector/,
  /execstack/,
  /^-D_FORTIFY_SOURCE=0$/,
  /^-U_FORTIFY_SOURCE$/,
  /norelro/,
  /^-fno-stack-clash-protection$/,
  /^-fcf-protection=none$/,
];

/** CGO_* flags and C tool settings that are unusual for a build host (cmd/cgo; facts §2.2 CGO). */
export const cgoFlags = defineGoCheck({
  meta: {
    id: "ENVT-GO-017",
    name: "cgo-flags",
    description: "CGO_*FLAGS load compiler plugins or disable hardening, or a C tool is a relative path",
  },
  profile: "default",
  severity: "high",
  remediation:
    "Remove the flag from the environment / GOENV file; put build-specific flags in #cgo directives reviewed with the code. Name C tools by absolute path or bare name.",
  references: [REF.cgo, REF.goEnvHelp],
  run(ctx) {
    const hits: GoCheckHit[] = [];
    for (const key of FLAG_KEYS) {
      const words = ctx.get(key).split(/\s+/).filter(Boolean);
      const loading = words.find((w) => CODE_LOADING.some((re) => re.test(w)));
      if (loading) {
        hits.push({
          messageId: "cgo-flags.code-loading",
          key,
          message: `${key} has a flag that loads code into the C toolchain or injects source (${loading.replace(/=.*/, "=…").slice(0, 16)})`,
        });
      }
      const off = words.find((w) => HARDENING_OFF.some((re) => re.test(w)));
      if (off) {
        hits.push({
          messageId: "cgo-flags.hardening-off",
          key,
          severity: "medium",
          message: `${key} turns off a C hardening feature (${off.replace(/=.*/, "=…").slice(0, 24)})`,
        });
      }
    }
    for (const key of TOOL_KEYS) {
      const first = ctx.get(key).trim().split(/\s+/)[0] ?? "";
      if (first.includes("/") && !first.startsWith("/")) {
        hits.push({
          messageId: "cgo-flags.relative-tool",
          key,
          severity: "medium",
          message: `${key} names a program by a relative path: which program runs depends on the current directory`,
        });
      }
    }
    return hits;
  },
});
