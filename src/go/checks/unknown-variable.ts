import { KNOWN_ENV, KNOWN_NON_VARIABLES, knownIn, OTHER_GO_NAMES } from "../known.js";
import type { GoCheckHit } from "./types.js";
import { defineGoCheck, REF } from "./types.js";
import { levenshtein } from "./util.js";

/** Go-looking names the go command does not read: typos that silently do nothing (facts §2.3). */
export const unknownVariable = defineGoCheck({
  meta: {
    id: "ENVT-GO-016",
    name: "unknown-variable",
    description: "A GO* variable the go command does not know (a typo, or newer than this Go)",
  },
  profile: "default",
  severity: "medium",
  remediation:
    "Remove the name, or use the variable Go documents (`go help environment`); check the setting you meant actually took effect with `go env NAME`.",
  references: [REF.goEnvHelp, REF.envVars],
  run(ctx) {
    const hits: GoCheckHit[] = [];
    const minor = ctx.version.major > 1 ? 999 : ctx.version.minor;
    const known = [...KNOWN_ENV].filter((k) => k.length >= 5);
    const look = (name: string, where: "environment" | "goenv-file") => {
      if (!/^(GO|CGO_)[A-Z0-9_]*$/.test(name) || name.startsWith("GOOGLE")) return;
      if (KNOWN_ENV.has(name) || OTHER_GO_NAMES.has(name)) {
        if (!knownIn(name, minor)) {
          hits.push({
            messageId: "unknown-variable.newer-than-go",
            key: name,
            severity: "low",
            message: `${name} is set but ${ctx.version.raw} does not know it: it has no effect with this toolchain`,
          });
        }
        return;
      }
      const meant = KNOWN_NON_VARIABLES.get(name);
      if (meant) {
        hits.push({
          messageId: "unknown-variable.non-variable",
          key: name,
          message: `${name} is not a Go variable (perhaps ${meant} was meant): it does nothing`,
        });
        return;
      }
      const near = known.find((k) => levenshtein(k, name) <= 2);
      if (near || /^GO(NO|SUM|PROXY|PRIV|INSEC|FLAG|AUTH)/.test(name)) {
        hits.push({
          messageId: "unknown-variable.typo",
          key: name,
          message: `${name} is not a Go variable${near ? ` (perhaps ${near})` : ""}: it does nothing`,
        });
      } else if (where === "goenv-file") {
        hits.push({
          messageId: "unknown-variable.goenv-file",
          key: name,
          severity: "low",
          message: `the GOENV file sets ${name}, which no Go release reads`,
        });
      }
    };
    for (const k of Object.keys(ctx.env).sort()) if (ctx.env[k] !== undefined) look(k, "environment");
    const seen = new Set(Object.keys(ctx.env));
    for (const e of ctx.userFile?.entries ?? []) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      look(e.key, "goenv-file");
    }
    return hits;
  },
});
