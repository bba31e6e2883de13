import { defineGoCheck, REF } from "./types.js";

/** GOAUTH entries that run programs (`go help goauth`, Go 1.24+). */
export const goauthCommand = defineGoCheck({
  meta: {
    id: "ENVT-GO-015",
    name: "goauth-command",
    description: "GOAUTH runs a command or git credential helpers to authenticate module fetches",
  },
  profile: "default",
  severity: "medium",
  remediation:
    "Make sure every GOAUTH command is a trusted, root- or user-owned program; prefer 'netrc' with a mode-600 file.",
  references: [REF.goauthHelp, REF.privateProxyAuth],
  run(ctx) {
    if (ctx.version.major === 1 && ctx.version.minor < 24) return [];
    const hits = [];
    for (const part of ctx.get("GOAUTH").split(";")) {
      const word = part.trim().split(/\s+/)[0] ?? "";
      if (word === "" || word === "netrc" || word === "off") continue;
      if (word === "git") {
        hits.push({
          messageId: "goauth-command.git",
          key: "GOAUTH",
          severity: "low" as const,
          message: "GOAUTH runs `git credential` helpers for module requests",
        });
      } else {
        hits.push({
          messageId: "goauth-command.command",
          key: "GOAUTH",
          message: "GOAUTH runs a command whose output becomes HTTP headers of module requests",
        });
      }
    }
    return hits;
  },
});
