import { defineProvider } from "../rule.js";
import { ALNUM, fake } from "./lib.js";

/**
 * Go toolchain settings that carry credentials: GOPROXY entries with userinfo
 * (https://go.dev/ref/mod#goproxy-protocol — "GOPROXY URLs may contain user info") and GOFLAGS/GONOSUMDB
 * never do. Listed before the generic URL rule so the finding names the Go setting.
 */
export const go = defineProvider({
  meta: { id: "go", description: "Credentials in Go toolchain settings" },
  rules: [
    {
      id: "goproxy-credentials",
      description: "Password in a GOPROXY URL",
      keywords: ["goproxy"],
      regex:
        /GOPROXY["']?[ \t]{0,3}[=:][ \t]{0,3}["']?[^ \t\r\n"']{0,512}?[A-Za-z][A-Za-z0-9+.-]{1,31}:\/\/(([^ \t\r\n:@/?#'",|]{0,256}):([^ \t\r\n@/?#'",|]{1,512}))@/,
      secretGroup: 3,
      fullGroup: 1,
      tags: ["url", "go", "supply-chain"],
      severity: "high",
      allow: [/^\$\{?[A-Za-z_][A-Za-z0-9_]{0,100}\}?$/],
      docs: "https://go.dev/ref/mod#goproxy-protocol",
      examples: {
        match: [
          `GOPROXY=https://ci:${fake([ALNUM, 20])}@goproxy.corp.example,direct`,
          `"GOPROXY": "https://proxy.golang.org,https://u:${fake([ALNUM, 14])}@athens.internal"`,
          `GOPROXY='https://token:${fake([ALNUM, 32])}@artifactory.example/api/go/go'`,
        ],
        noMatch: ["GOPROXY=https://proxy.golang.org,direct", "GOPROXY=off"],
      },
    },
  ],
});
