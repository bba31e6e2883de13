import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * frameio: token formats as documented by the vendor —
 * https://developer.frame.io/docs/getting-started/authentication
 */
export const frameio = defineProvider({
  meta: { id: "frameio", description: "Frame.io developer token" },
  rules: [
    prefixed({
      id: "frameio-token",
      description: "Frame.io developer token",
      prefix: "fio-u-",
      body: "[A-Za-z0-9_=-]{64}",
      example: fake("fio-u-", [B64URL, 64]),
      tags: ["saas", "frameio"],
      docs: "https://developer.frame.io/docs/getting-started/authentication",
    }),
  ],
});
