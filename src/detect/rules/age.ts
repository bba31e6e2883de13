import { defineProvider } from "../rule.js";
import { fake, prefixed } from "./lib.js";

/**
 * age: token formats as documented by the vendor —
 * https://age-encryption.org/v1
 */
export const age = defineProvider({
  meta: { id: "age", description: "age encryption secret key" },
  rules: [
    prefixed({
      id: "age-secret-key",
      description: "age encryption secret key",
      prefix: "AGE-SECRET-KEY-1",
      body: "[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
      example: fake("AGE-SECRET-KEY-1", ["QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58]),
      tags: ["crypto", "age"],
      severity: "critical",
      docs: "https://age-encryption.org/v1",
    }),
  ],
});
