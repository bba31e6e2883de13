import { maskGoValue } from "../redact.js";
import { defineGoCheck, REF } from "./types.js";

/** The GOENV file (plaintext, written 0666 & ~umask) readable by others while it holds credentials. */
export const goenvFileExposed = defineGoCheck({
  meta: {
    id: "ENVT-GO-020",
    name: "goenv-file-exposed",
    description: "The GOENV file holds credentials and is readable by other users",
  },
  profile: "default",
  severity: "high",
  remediation:
    "Move the credentials to ~/.netrc (mode 600) or GOAUTH, `chmod 600` the GOENV file, and rotate the credential.",
  references: [REF.privateProxyAuth, REF.goEnvHelp],
  run(ctx) {
    const f = ctx.userFile;
    if (!f?.stat) return [];
    const withSecret = f.entries.filter((e) => typeof maskGoValue(e.key, e.value) !== "string");
    if (withSecret.length === 0) return [];
    const keys = [...new Set(withSecret.map((e) => e.key))].join(", ");
    if (f.stat.mode & 0o004) {
      return [
        {
          messageId: "goenv-file-exposed.world-readable",
          key: withSecret[0]!.key,
          message: `the GOENV file is world-readable and holds credentials (${keys})`,
        },
      ];
    }
    if (f.stat.mode & 0o040) {
      return [
        {
          messageId: "goenv-file-exposed.group-readable",
          key: withSecret[0]!.key,
          severity: "medium",
          message: `the GOENV file is group-readable and holds credentials (${keys})`,
        },
      ];
    }
    return [];
  },
});
