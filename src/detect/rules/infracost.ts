import { defineProvider } from "../rule.js";
import { ALNUM, fake, HEX, prefixed } from "./lib.js";

/**
 * infracost: token formats as documented by the vendor —
 * https://www.infracost.io/docs/
 */
const apiKey = prefixed({
  id: "infracost-api-key",
  description: "Infracost API key",
  prefix: "ico-",
  body: "[A-Za-z0-9]{32}",
  // Not after a dot: `.ico-<hash>` is a fingerprinted favicon file name (`video_box.ico-7a38….png`).
  start: "(?<![A-Za-z0-9_.-])",
  example: fake("ico-", [ALNUM, 32]),
  tags: ["iac", "infracost"],
  docs: "https://www.infracost.io/docs/",
});

export const infracost = defineProvider({
  meta: { id: "infracost", description: "Infracost API key" },
  rules: [
    {
      ...apiKey,
      examples: {
        match: apiKey.examples.match,
        noMatch: [...apiKey.examples.noMatch, `/assets/video_box.ico-${fake([HEX, 32])}.png`],
      },
    },
  ],
});
