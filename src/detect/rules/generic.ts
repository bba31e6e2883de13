import { defineProvider } from "../rule.js";
import { ALNUM, B64, fake, nameKeywords } from "./lib.js";

/**
 * Name semantics (last resort, listed last): `NAME=value`, `name: value`, `"name": "value"` where the
 * name says credential (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, `*_API_KEY`, `*_PRIVATE_KEY`, …, see
 * `data/names.json`) and the value looks like one — not a number, duration, reference, path or placeholder
 * (`names.ts`). The environment-variable entry point (`detectSecret`) applies the same test to whole
 * values, including values with spaces.
 */
export const generic = defineProvider({
  meta: { id: "generic", description: "Credentials recognised by the name they are assigned to" },
  rules: [
    {
      id: "secret-assignment",
      description: "Value assigned to a credential-bearing name",
      keywords: nameKeywords,
      // Operators, longest first so `:=` is not read as `:` + a value `=…`: shell/INI/YAML `=`, `:`; Go `:=`
      // (and `var name string = …`); Make `:=`, `::=`, `:::=`, `?=`, `+=`; PHP `.=`, `=>`; Ruby/Logstash `=>`;
      // a call's `("NAME", "value")` (Java `System.setProperty`) when the value is quoted.
      regex:
        /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_.-]{0,127})["']?(?:[ \t]{1,4}(?:string|String|str|const))?[ \t]{0,8}(?::::=|::=|:=|=>|\?=|\.=|\+=|=|:|,[ \t]{0,8}(?="))[ \t]{0,8}(?:"((?:[^"\\\r\n]|\\.){1,4096})"|'([^'\r\n]{1,4096})'|([^ \t\r\n"'`;,&][^ \t\r\n"'`&]{0,4095}))/,
      secretGroup: [2, 3, 4],
      nameGroup: 1,
      extendWhile: /[^ \t\r\n"'`]/,
      tags: ["generic", "name-semantics"],
      severity: "high",
      docs: "https://owasp.org/www-project-top-ten/2017/A3_2017-Sensitive_Data_Exposure",
      examples: {
        match: [
          `DB_PASSWORD=${fake([ALNUM, 12])}`,
          `export API_TOKEN="${fake([B64, 40])}"`,
          `  client_secret: ${fake([ALNUM, 32])}`,
          `{"password": "${fake([ALNUM, 10])} ${fake([ALNUM, 6])}"}`,
          `jdbc:mysql://db/app?user=app&password=${fake([ALNUM, 14])}`,
          `deployToken := "${fake([ALNUM, 32])}"`,
          `var deployToken string = "${fake([ALNUM, 32])}"`,
          `DEPLOY_TOKEN ?= "${fake([ALNUM, 32])}"`,
          `$deployToken .= "${fake([ALNUM, 32])}"`,
          `  "deployToken" => "${fake([ALNUM, 32])}"`,
          `System.setProperty("DEPLOY_TOKEN", "${fake([ALNUM, 32])}")`,
        ],
        noMatch: [
          "PASSWORD_MIN_LENGTH=12",
          "TOKEN_TTL=3600",
          "SECRET_NAME=prod-db",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the point of the example
          "DB_PASSWORD=${DB_PASSWORD}",
          "DB_PASSWORD_FILE=/run/secrets/db",
          "API_TOKEN=vault:secret/data/app#token",
          "SESSION_TIMEOUT=30m",
          "API_KEY=changeme",
          "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
          "SORT_KEY=name",
        ],
      },
    },
  ],
});
