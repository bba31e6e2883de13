import { defineProvider } from "../rule.js";
import { ALNUM, fake } from "./lib.js";

/**
 * .netrc passwords (`machine H login U password P`, one line or several) — used by curl, git, Go's
 * GOAUTH=netrc and ftp — https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html
 */
export const netrc = defineProvider({
  meta: { id: "netrc", description: "Passwords in .netrc files" },
  rules: [
    {
      id: "netrc-password",
      description: ".netrc password entry",
      keywords: ["password"],
      regex:
        /(?:^[ \t]{0,20}password[ \t]{1,10}([^ \t\r\n]{1,256})[ \t\r]{0,10}$|machine[ \t]{1,10}[^ \t\r\n]{1,253}[ \t]{1,10}(?:login[ \t]{1,10}[^ \t\r\n]{1,256}[ \t]{1,10})?password[ \t]{1,10}([^ \t\r\n]{1,256}))/,
      secretGroup: [1, 2],
      // No letter or digit at all (`:=,.:-@*?!`) is punctuation, not a password (as for secret-assignment).
      isFalsePositive: (s) => !/[A-Za-z0-9]/.test(s),
      tags: ["netrc", "go"],
      severity: "high",
      docs: "https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html",
      examples: {
        match: [
          `machine git.example.com login ci password ${fake([ALNUM, 20])}`,
          `  password ${fake([ALNUM, 16])}`,
        ],
        noMatch: ["the password is required", "password", "  password :=,.:-@*?!"],
      },
    },
  ],
});
