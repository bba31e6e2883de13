import { defineProvider } from "../rule.js";
import { fake, HEX, HEXU } from "./lib.js";

/**
 * Sourcegraph access tokens — https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token: `sgp_`,
 * then the instance's 16-hex identifier (or `local`) and `_`, then 40 hex characters (`sgp_<40 hex>` in
 * older releases, and a bare 40-hex token before the prefix existed, read only under a Sourcegraph name).
 */
const DOCS = "https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token";
const MIXED = `${HEX}${HEXU.slice(10)}`;

export const sourcegraph = defineProvider({
  meta: { id: "sourcegraph", description: "Sourcegraph access token", docs: DOCS },
  rules: [
    {
      id: "sourcegraph-access-token",
      description: "Sourcegraph access token",
      keywords: ["sgp_", "sourcegraph"],
      regex:
        /(?<![A-Za-z0-9_])(?:(sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40})|sourcegraph[A-Za-z_]{0,20}["']?[ \t]{0,5}[:=][ \t]{0,5}["']?([a-fA-F0-9]{40}))(?![A-Za-z0-9_])/i,
      secretGroup: [1, 2],
      entropy: { min: 3.0, charset: "hex" },
      tags: ["scm", "sourcegraph"],
      severity: "high",
      safePrefix: (s) => (s.startsWith("sgp_local_") ? "sgp_local_" : s.startsWith("sgp_") ? "sgp_" : ""),
      docs: DOCS,
      examples: {
        match: [
          fake("sgp_", [MIXED, 16], "_", [MIXED, 40]),
          fake("sgp_local_", [MIXED, 40]),
          fake("sgp_", [HEX, 40]),
          `SRC_ACCESS_TOKEN=${fake("sgp_", [HEX, 16], "_", [HEX, 40])}`,
          `sourcegraph: ${fake([MIXED, 40])}`,
        ],
        noMatch: [
          "sgp_5555555dAAAAA7777777CcccCFaaaaaaaaaaaaaa",
          `sgp_${fake([HEX, 18])}_${fake([HEX, 40])}`,
          "sgp_local_",
          `commit ${fake([HEX, 40])}`,
        ],
      },
    },
  ],
});
