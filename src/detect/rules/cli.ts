import { defineProvider } from "../rule.js";
import { ALNUM, fake, nameKeywords } from "./lib.js";

/**
 * Credentials on command lines, where environment values such as `JAVA_OPTS`, `SUDO_COMMAND`, `PGOPTIONS`
 * or a wrapper's saved command carry them: Java system properties (`-Dpassword=…`), long options
 * (`--password=…`, `--password …`, `-password=…` as Go's flag package takes them), the MySQL/MariaDB
 * clients' `-p<password>` (https://dev.mysql.com/doc/refman/8.4/en/connection-options.html#option_general_password),
 * curl's `-u user:password` (https://curl.se/docs/manpage.html#-u), and `user:password@host` written
 * without a scheme (scp-style remotes, proxy settings). Only the password is the secret: the rest of the
 * command line stays readable.
 */
export const cli = defineProvider({
  meta: { id: "cli", description: "Passwords and tokens in command lines" },
  rules: [
    {
      id: "cli-option-secret",
      description: "Command-line option or Java system property named like a credential",
      // The option's name holds a credential word (`names.json`), as for name semantics.
      keywords: nameKeywords,
      regex:
        /(?<![A-Za-z0-9_-])(?:-D|--?)([A-Za-z][A-Za-z0-9_.-]{0,95})(?:=|[ \t]{1,4}(?![-\s]))(?:"([^"\r\n]{1,1024})"|'([^'\r\n]{1,1024})'|([^ \t\r\n"'`|;&]{1,1024}))/,
      secretGroup: [2, 3, 4],
      nameGroup: 1,
      tags: ["cli", "name-semantics"],
      severity: "high",
      docs: "https://docs.oracle.com/en/java/javase/21/docs/specs/man/java.html#standard-options-for-java",
      examples: {
        match: [
          `-Xmx1g -Dpassword=${fake([ALNUM, 14])} -Dfoo=bar`,
          `-Djavax.net.ssl.keyStorePassword=${fake([ALNUM, 12])}`,
          `psql --password=${fake([ALNUM, 16])} -h db`,
          `/usr/local/bin/app --db-password ${fake([ALNUM, 12])} --verbose`,
          `vault login -token="${fake([ALNUM, 24])}"`,
        ],
        noMatch: [
          "--password-stdin",
          "--token-file /run/secrets/token",
          "-Dpassword.min.length=12",
          "--password -h db",
          "--api-key=changeme",
        ],
      },
    },
    {
      id: "mysql-password-option",
      description: "MySQL/MariaDB client password given as -p<password>",
      keywords: ["mysql", "mariadb"],
      regex:
        /(?<![A-Za-z0-9_-])(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlpump|mysqlsh|mariadb|mariadb-dump|mariadb-admin)(?![A-Za-z0-9_-])[^\r\n;|&]{0,512}?[ \t]-p(?:"([^"\r\n]{1,256})"|'([^'\r\n]{1,256})'|([^ \t\r\n"'`|;&-][^ \t\r\n"'`|;&]{0,255}))/,
      secretGroup: [1, 2, 3],
      tags: ["cli", "database"],
      severity: "high",
      docs: "https://dev.mysql.com/doc/refman/8.4/en/connection-options.html#option_general_password",
      examples: {
        match: [
          `mysql -uroot -p${fake([ALNUM, 12])} app`,
          `mysqldump -h db -u app -p'${fake([ALNUM, 10])}' --all-databases`,
        ],
        noMatch: ["mysql -u root -p app", "mysql -P 3306 -h db", "mysql --protocol=tcp"],
      },
    },
    {
      id: "curl-user-password",
      description: "curl -u/--user user:password",
      keywords: ["curl"],
      regex:
        /(?<![A-Za-z0-9_-])curl(?![A-Za-z0-9_-])[^\r\n;|&]{0,1024}?[ \t](?:-u[ \t]{0,4}|--user(?:[ \t]{1,4}|=))["']?(([^ \t\r\n:"'@]{0,256}):([^ \t\r\n"']{1,256}))/,
      secretGroup: 3,
      fullGroup: 1,
      // Not a password: a shell expansion (`$2`, `${PASS}`, `$(cat f)`), a placeholder in brackets
      // (`<password>`, `[PASSWORD]`) or a short run of one letter (`yyy`).
      allow: [/^\$/, /^[[<{]/, /[\]>}]$/, /^(.)\1{1,7}$/],
      tags: ["cli", "http"],
      severity: "high",
      docs: "https://curl.se/docs/manpage.html#-u",
      examples: {
        match: [
          `curl -u admin:${fake([ALNUM, 14])} https://api.example.org`,
          `curl -sS --user "ci:${fake([ALNUM, 20])}" https://repo.example.org/upload`,
        ],
        noMatch: [
          "curl -u admin https://api.example.org",
          "curl -s https://example.org",
          'curl -sL --user "$1:$2" https://repo.example.org',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the point of the example
          'curl -u "${CI_USER}:${CI_PASSWORD}" https://repo.example.org',
          "curl -u <user:password> https://api.example.org",
          "curl --user admin:[PASSWORD] http://db.example.org:7474/",
        ],
      },
    },
    {
      id: "userinfo-password",
      description: "user:password@host without a scheme",
      keywords: ["@"],
      regex:
        /(?<![A-Za-z0-9._%+:/@\\-])(?!(?:mailto|sips?|tel|xmpp|urn|data|cid|mid|news):)(([A-Za-z0-9._%+-]{1,64}):([^ \t\r\n:@/?#'"<>\\`]{3,256}))@(?!sha\d{3}:)(?=[A-Za-z0-9[])/,
      secretGroup: 3,
      fullGroup: 1,
      // References and masks in the password position are not secrets; short digits are ports or tags.
      allow: [/^\$\{?[A-Za-z_][A-Za-z0-9_]{0,100}\}?$/, /^\*{1,20}$/, /^%[A-Z_]{1,40}%$/, /^\d{1,5}$/],
      tags: ["url", "cli"],
      severity: "high",
      docs: "https://datatracker.ietf.org/doc/html/rfc3986#section-3.2.1",
      examples: {
        match: [
          `rsync -a deploy:${fake([ALNUM, 14])}@backup.internal:/srv/ .`,
          `HTTP_PROXY=ci:${fake([ALNUM, 12])}@proxy.corp:3128`,
        ],
        noMatch: [
          "git@github.com:org/repo.git",
          "docker pull node:20@sha256:0123456789abcdef",
          "mailto:ops@example.org",
          "https://user:******@host/",
          "user@host:22",
        ],
      },
    },
  ],
});
