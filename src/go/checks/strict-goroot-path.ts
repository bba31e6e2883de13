import * as path from "node:path";
import { defineGoCheck, REF } from "./types.js";

const FORBIDDEN = ["/usr/local/go", "/opt/go"];

/**
 * Organisation policy "GOROOT must not be /usr/local/go or /opt/go" (profile `strict`). Not a default:
 * /usr/local/go is where the official tarball, the macOS package and the Docker images install Go (facts §5).
 */
export const strictGorootPath = defineGoCheck({
  meta: {
    id: "ENVT-GO-102",
    name: "strict-goroot-path",
    description: "Policy: GOROOT must not be /usr/local/go or /opt/go",
  },
  profile: "strict",
  severity: "low",
  remediation:
    "Install the toolchain under the path your policy names; note /usr/local/go is Go's own default.",
  references: [REF.install],
  run(ctx) {
    const g = path.resolve(ctx.get("GOROOT") || "/");
    if (!FORBIDDEN.includes(g)) return [];
    return [
      {
        messageId: "strict-goroot-path.forbidden",
        key: "GOROOT",
        message: "GOROOT is at a path the strict policy forbids",
      },
    ];
  },
});
