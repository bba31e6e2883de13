import { defineGoCheck, REF } from "./types.js";

/** GOSUMDB=off: unknown modules are accepted without the checksum database (facts §2.2 GOSUMDB). */
export const gosumdbOff = defineGoCheck({
  meta: {
    id: "ENVT-GO-001",
    name: "gosumdb-off",
    description: "GOSUMDB=off turns off checksum-database verification for every module",
  },
  profile: "default",
  severity: "high",
  remediation:
    "Unset GOSUMDB (default sum.golang.org). For private modules use GOPRIVATE or GONOSUMDB with their own paths only.",
  references: [REF.checksumDb, REF.moduleAuth, REF.toolchainDownload],
  run(ctx) {
    if (ctx.get("GOSUMDB").trim() !== "off") return [];
    return [
      {
        messageId: "gosumdb-off.off",
        key: "GOSUMDB",
        message:
          "GOSUMDB is off: modules not already in go.sum are accepted without checksum-database verification (and toolchain downloads fail)",
      },
    ];
  },
});
