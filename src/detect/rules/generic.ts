import { defineProvider } from "../rule.js";
import { ALNUM, B64, fake, nameKeywords } from "./lib.js";

/**
 * Name semantics (last resort, listed last): `NAME=value`, `name: value`, `"name": "value"` where the
 * name says credential (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, `*_API_KEY`, `*_PRIVATE_KEY`, …, see
 * `data/names.json`) and the value looks like one — not a number, duration, reference, path or placeholder
 * (`names.ts`). The environment-variable entry point (`detectSecret`) applies the same test to whole
 * values, including values with spaces.
 */
/**
 * Values that are not credentials whatever their name: no letter or digit at all (`,.:-@*?!`); elided
 * (`ops_eyJ…`, `-----BEGIN PRIVATE KEY-----\n...\n`); a whole interpolation or reference (`${aws_db.password}`,
 * Terraform `var.db_password`, `{SumoAccessKey}`); a SOPS-encrypted value (`ENC[AES256_GCM,data:…]`,
 * https://github.com/getsops/sops#encrypted-file-format).
 */
function notAValue(v: string): boolean {
  return (
    !/[A-Za-z0-9]/.test(v) ||
    v.includes("...") ||
    v.includes("\u2026") ||
    /^\$\{[^}]{1,256}\}$/.test(v) ||
    /^(?:var|local|module|data)\.[A-Za-z_][A-Za-z0-9_.-]{0,255}$/.test(v) ||
    /^\{[A-Za-z_][A-Za-z0-9_.-]{0,127}\}$/.test(v) ||
    /^ENC\[[A-Z0-9_]{1,32},data:/.test(v)
  );
}

/** Command position: the start of a line, after a separator or quote, or after fish's `and`/`or`, `sudo`, …. */
const CMD_START =
  "(?:^[ \\t]{0,64}|[;&|({`\"'][ \\t]{0,8}|(?:^|[ \\t;&|(])(?:and|or|not|then|do|else|begin|sudo|command|builtin)[ \\t]{1,8})";
/** NAME, then the value: double- or single-quoted, or one unquoted shell word. */
const SET_TAIL =
  /[ \t]{1,8}([A-Za-z_][A-Za-z0-9_]{0,127})[ \t]{1,8}(?:"((?:[^"\\\r\n]|\\.){1,4096})"|'([^'\r\n]{1,4096})'|([^ \t\r\n"'`;&|()=][^ \t\r\n"'`;&|()]{0,4095}))/
    .source;
/** One fish `set` option (`-gx`, `--export`). */
const FLAG = "(?:[ \\t]{1,8}-{1,2}[A-Za-z][A-Za-z-]{0,15})?";

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
      // The call form needs the name quoted right after `(`: in JSON (`"token_uri":"https://…/token","next"`)
      // a name-like tail of one value followed by `","` is not a call.
      regex:
        /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_.-]{0,127})["']?(?:[ \t]{1,4}(?:string|String|str|const))?[ \t]{0,8}(?::::=|::=|:=|=>|\?=|\.=|\+=|=|:|,(?<=\([ \t]{0,8}["'][A-Za-z_][A-Za-z0-9_.-]{0,127}["'][ \t]{0,8},)[ \t]{0,8}(?="))[ \t]{0,8}(?:"((?:[^"\\\r\n]|\\.){1,4096})"(?![ \t]{1,8}value[ \t]{0,4}=)|'([^'\r\n]{1,4096})'|`([^`\r\n]{1,4096})`|([^ \t\r\n"'`;,&](?:[^ \t\r\n"'`;&|]|[;&|](?![ \t\r\n;&|]|$)){0,4095}))/,
      secretGroup: [2, 3, 4, 5],
      nameGroup: 1,
      isFalsePositive: notAValue,
      // An unquoted value ends where a shell command ends: whitespace, or `;`, `&`, `|` before whitespace, another
      // separator or the end of the line (`KEY=v; export KEY`, `KEY=v && run`); inside a value they are kept
      // (`PASS=ab&cd;ef`, a .env or query-string value). The extension past 4 KiB stops at all three.
      extendWhile: /[^ \t\r\n"'`;&|]/,
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
          `deployToken := \`${fake([ALNUM, 32])}\``,
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
          '<add key="ClearTextPassword" value="x" />',
          'password = ",.:-@*?!"',
          "OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6...",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation is the point of the example
          'password = "${aws_db_instance.default.password}"',
          "administrator_login_password = var.db_password",
          "SUMO_ACCESS_KEY={SumoAccessKey}",
          "    password: ENC[AES256_GCM,data:W3PiZ6lD6bpfAdI=,iv:aaaa,tag:bbbb,type:str]",
          '{"token_uri":"https://oauth2.googleapis.com/token","auth_provider_x509_cert_url":"https://www.googleapis.com/oauth2/v1/certs"}',
          // Masked in the source already: a run of six x's is a placeholder (`data/placeholders.json`).
          "artifactory:_password=AP6xxxxxx",
        ],
      },
    },
    {
      id: "secret-set-command",
      description:
        "Value given to a credential-bearing name by fish `set`, csh/tcsh `setenv` or `launchctl setenv`",
      keywords: nameKeywords,
      // Space-separated forms (no `=`): fish `set [-g|-U|-l|-f] [-x] NAME VALUE…` (the flags combine: `-gx`,
      // `-Ux`, `--global --export`; fishshell.com/docs/current/cmds/set.html), csh/tcsh `setenv NAME VALUE`,
      // macOS `launchctl setenv NAME VALUE`. In command position only: at the start of a line or after a
      // command separator, a quote (`fish -c 'set -x …'`) or fish's `and`/`or`, so prose ("set token expiry
      // to 30") is left alone.
      // (`export NAME value` is not one: bash exports NAME and `value` as two names and assigns nothing.)
      // An unquoted value is one shell word: it ends at whitespace, `;`, `&`, `|` (`set -gx K v; and …`).
      // The literal comes first and the command-position lookbehind after it (it looks back over the literal):
      // a lookbehind first would be tried at every position of every line holding a credential word.
      regex: new RegExp(
        `(?:setenv(?<=${CMD_START}setenv)|launchctl(?<=${CMD_START}launchctl)[ \\t]{1,8}setenv|set(?<=${CMD_START}set)${FLAG}${FLAG}${FLAG}${FLAG})${SET_TAIL}`,
      ),
      secretGroup: [2, 3, 4],
      nameGroup: 1,
      isFalsePositive: notAValue,
      tags: ["generic", "name-semantics", "shell"],
      severity: "high",
      docs: "https://fishshell.com/docs/current/cmds/set.html",
      examples: {
        match: [
          `set -gx DB_PASSWORD ${fake([ALNUM, 12])}`,
          `set -Ux API_TOKEN ${fake([B64, 40])}`,
          `set --global --export API_TOKEN "${fake([ALNUM, 32])}"`,
          `  set -x DB_PASSWORD '${fake([ALNUM, 12])}'; and echo ok`,
          `setenv DB_PASSWORD ${fake([ALNUM, 12])}`,
          `if ($?TERM) then; setenv API_TOKEN ${fake([ALNUM, 32])}; endif`,
          `launchctl setenv DEPLOY_TOKEN ${fake([ALNUM, 32])}`,
          `fish -c 'set -gx DEPLOY_TOKEN ${fake([ALNUM, 32])}; deploy'`,
        ],
        noMatch: [
          "set -e DB_PASSWORD",
          "set -gx DB_PASSWORD $DB_PASSWORD_FROM_VAULT",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the point of the example
          "setenv API_TOKEN ${API_TOKEN}",
          "setenv TOKEN_TTL 3600",
          "Please set password policy first",
          "set -gx PATH /usr/local/bin $PATH",
        ],
      },
    },
    {
      id: "secret-element",
      description: "Credential as the text of an XML element named for it",
      keywords: nameKeywords,
      // `<deployToken>value</deployToken>`, the value alone between the tags (Maven settings.xml `<password>`,
      // .NET/Java XML config). One line only: `redact` streams line by line, and a rule it cannot apply
      // would leave a secret in its output that `scan` reports.
      regex:
        /<([A-Za-z_][A-Za-z0-9_.-]{0,127})>[ \t]{0,64}([^<>\s]{1,4096})[ \t]{0,64}<\/[A-Za-z_][A-Za-z0-9_.-]{0,127}>/,
      secretGroup: 2,
      nameGroup: 1,
      isFalsePositive: notAValue,
      tags: ["generic", "name-semantics"],
      severity: "high",
      docs: "https://maven.apache.org/settings.html#servers",
      examples: {
        match: [
          `<password>${fake([ALNUM, 14])}</password>`,
          `<deployToken> ${fake([ALNUM, 32])} </deployToken>`,
        ],
        noMatch: [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Maven property reference is the point of the example
          "<password>${env.PASSWORD}</password>",
          "<tokenTtl>3600</tokenTtl>",
          "<password></password>",
        ],
      },
    },
  ],
});
