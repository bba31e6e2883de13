import { defineGoCheck, REF } from "./types.js";

/**
 * Organisation policy "GOENV=off required" (profile `strict`). Not a default: Go documents GOENV=off
 * neutrally, it only disables the user file ($GOROOT/go.env still applies) — facts §5.
 */
export const strictGoenvOff = defineGoCheck({
  meta: { id: "ENVT-GO-101", name: "strict-goenv-off", description: "Policy: GOENV=off is required" },
  profile: "strict",
  severity: "medium",
  remediation: "Set GOENV=off in the build environment; move needed settings into the environment itself.",
  references: [REF.goEnvHelp],
  run(ctx) {
    if (ctx.env.GOENV === "off") return [];
    return [
      {
        messageId: "strict-goenv-off.not-off",
        key: "GOENV",
        message: "GOENV is not off: a per-user go/env file can change settings",
      },
    ];
  },
});
