import { defineGoCheck, REF } from "./types.js";

/** Known checksum databases; any other needs `name+key` (sumdb.go `dbDial`, key.go). */
const KNOWN = new Set(["sum.golang.org", "sum.golang.google.cn"]);

/** A GOSUMDB naming an unknown database without its public key, or malformed (facts §2.2 GOSUMDB). */
export const gosumdbUnknown = defineGoCheck({
  meta: {
    id: "ENVT-GO-002",
    name: "gosumdb-unknown",
    description: "GOSUMDB names a checksum database Go has no key for, or is malformed",
  },
  profile: "default",
  severity: "high",
  remediation:
    "Use sum.golang.org (or sum.golang.google.cn in mainland China; a proxy such as goproxy.cn forwards it), or give the database's public key: GOSUMDB='name+key [url]'.",
  references: [REF.checksumDb, REF.envVars],
  run(ctx) {
    const v = ctx.get("GOSUMDB").trim();
    if (v === "" || v === "off") return [];
    const fields = v.split(/\s+/);
    if (fields.length > 2) {
      return [
        {
          messageId: "gosumdb-unknown.too-many-fields",
          key: "GOSUMDB",
          message: "GOSUMDB has more than two fields: the go command rejects it",
        },
      ];
    }
    const name = fields[0]!;
    if (name.includes("+")) return [];
    if (KNOWN.has(name)) return [];
    return [
      {
        messageId: "gosumdb-unknown.no-key",
        key: "GOSUMDB",
        message:
          "GOSUMDB names a checksum database without its public key: lookups fail with 'malformed verifier id'",
      },
    ];
  },
});
