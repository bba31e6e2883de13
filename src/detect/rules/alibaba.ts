import { defineProvider } from "../rule.js";
import { ALNUM, assigned, fake, kv, prefixed } from "./lib.js";

/**
 * alibaba: token formats as documented by the vendor —
 * https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair
 */
export const alibaba = defineProvider({
  meta: { id: "alibaba", description: "Alibaba credentials" },
  rules: [
    prefixed({
      id: "alibaba-access-key-id",
      description: "Alibaba Cloud AccessKey ID",
      prefix: "LTAI",
      body: "[A-Za-z0-9]{12,20}",
      example: fake("LTAI", [ALNUM, 20]),
      charset: "alnum",
      tags: ["cloud", "alibaba"],
      docs: "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair",
    }),
    {
      id: "alibaba-access-key-secret",
      description: "Alibaba Cloud AccessKey secret under an Alibaba/Aliyun name",
      keywords: ["alibaba", "aliyun", "alicloud"],
      regex: assigned("(?:alibaba|aliyun|alicloud)[a-z_]{0,30}", "[A-Za-z0-9]{30}"),
      entropy: { min: 4.0, charset: "alnum" },
      tags: ["cloud", "alibaba"],
      severity: "critical",
      docs: "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair",
      examples: {
        match: [kv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fake([ALNUM, 30]))],
        noMatch: [kv("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou")],
      },
    },
  ],
});
