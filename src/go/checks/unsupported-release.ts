import { isSupported, NEWEST_RELEASE, RELEASES_AS_OF } from "../version.js";
import { defineGoCheck, REF } from "./types.js";

/** Older than the two newest majors: no security fixes (go.dev/doc/devel/release#policy). */
export const unsupportedRelease = defineGoCheck({
  meta: {
    id: "ENVT-GO-019",
    name: "unsupported-release",
    description: "The Go release is older than the two newest major releases and gets no security fixes",
  },
  profile: "default",
  severity: "medium",
  remediation: "Upgrade to a supported Go release (one of the two newest majors, latest patch).",
  references: [REF.releasePolicy],
  run(ctx) {
    if (isSupported(ctx.version)) return [];
    return [
      {
        messageId: "unsupported-release.old",
        message: `${ctx.version.raw} is no longer supported (newest known release ${NEWEST_RELEASE}, release data as of ${RELEASES_AS_OF})`,
      },
    ];
  },
});
