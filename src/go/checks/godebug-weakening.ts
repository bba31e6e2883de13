import { defineGoCheck, REF } from "./types.js";

/** GODEBUG settings that turn security defaults back off (go.dev/doc/godebug; facts §2.2 GODEBUG). */
const WEAKENING: Readonly<Record<string, string>> = {
  tlssha1: "1",
  rsa1024min: "0",
  x509rsacrt: "0",
  tlsmlkem: "0",
  allowmultiplevcs: "1",
  embedfollowsymlinks: "1",
  x509sha1: "1",
  tlsrsakex: "1",
  tls3des: "1",
  tls10server: "1",
  tlsunsafeekm: "1",
  x509usefallbackroots: "1",
};

export const godebugWeakening = defineGoCheck({
  meta: {
    id: "ENVT-GO-021",
    name: "godebug-weakening",
    description: "GODEBUG re-enables behaviour Go turned off for security",
  },
  profile: "default",
  severity: "medium",
  remediation: "Remove the setting from GODEBUG; fix the peer or artefact that needed it.",
  references: [REF.godebug],
  run(ctx) {
    const hits = [];
    for (const part of ctx.get("GODEBUG").split(",")) {
      const [k, v] = part.trim().split("=", 2);
      if (k && v !== undefined && WEAKENING[k] === v) {
        hits.push({
          messageId: `godebug-weakening.${k}`,
          key: "GODEBUG",
          message: `GODEBUG sets ${k}=${v}, a security default turned off`,
        });
      }
    }
    return hits;
  },
});
