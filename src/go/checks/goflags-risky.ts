import { defineGoCheck, REF } from "./types.js";
import { parseGoFlags } from "./util.js";

const RISKY: Readonly<Record<string, string>> = {
  overlay: "-overlay replaces source files during builds",
  modcacherw: "-modcacherw leaves the module cache writable",
  modfile: "-modfile builds with a go.mod other than the module's",
};

/** Other build flags in GOFLAGS that change what gets built (`go help build`, mod.md #module-cache). */
export const goflagsRisky = defineGoCheck({
  meta: {
    id: "ENVT-GO-013",
    name: "goflags-risky",
    description: "GOFLAGS contains -overlay, -modcacherw or -modfile",
  },
  profile: "default",
  severity: "low",
  remediation: "Keep such flags out of GOFLAGS; pass them on the command lines that need them.",
  references: [REF.buildFlags, REF.moduleCache],
  run(ctx) {
    const seen = new Set<string>();
    return parseGoFlags(ctx.get("GOFLAGS"))
      .filter((f) => RISKY[f.name] && !seen.has(f.name) && seen.add(f.name))
      .map((f) => ({
        messageId: `goflags-risky.${f.name}`,
        key: "GOFLAGS",
        message: `GOFLAGS: ${RISKY[f.name]}`,
      }));
  },
});
