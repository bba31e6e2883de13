import { defineProvider } from "../rule.js";
import { ALNUM, assigned, B32, B64, fake, kv } from "./lib.js";

/**
 * Microsoft Azure.
 * Storage connection strings (AccountKey = 64 bytes base64, 88 chars) —
 * https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string
 * Shared access signatures (the `sig=` parameter) — https://learn.microsoft.com/azure/storage/common/storage-sas-overview
 * Service Bus / Event Hubs SharedAccessKey (32 bytes base64) —
 * https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas
 * Entra ID client secrets (third+fourth characters "<digit>Q~") —
 * https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials
 * Azure DevOps PATs (52 base32 chars; 84-char format with "AZDO" at 76–80) —
 * https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate
 * App Configuration connection strings — https://learn.microsoft.com/azure/azure-app-configuration/howto-best-practices
 */
export const azure = defineProvider({
  meta: { id: "azure", description: "Microsoft Azure keys, connection strings and tokens" },
  rules: [
    {
      id: "azure-storage-account-key",
      description: "Azure Storage account key in a connection string",
      keywords: ["accountkey="],
      regex: /AccountKey=([A-Za-z0-9+/]{86}==)/i,
      entropy: { min: 4.5, charset: "base64" },
      tags: ["cloud", "azure"],
      severity: "critical",
      docs: "https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string",
      examples: {
        match: [
          `DefaultEndpointsProtocol=https;AccountName=acct1;AccountKey=${fake([B64, 86])}==;EndpointSuffix=core.windows.net`,
        ],
        noMatch: ["AccountKey=short==", "AccountKey=;AccountName=x"],
      },
    },
    {
      id: "azure-sas-signature",
      description: "Azure shared access signature (sig= of a SAS token)",
      keywords: ["sig="],
      regex: /[?&;]sig=((?:[A-Za-z0-9+/]|%2[BbFf]){40,100}(?:%3[Dd]|=){0,2})(?![A-Za-z0-9%])/,
      entropy: { min: 4.0, charset: "any" },
      tags: ["cloud", "azure", "url"],
      severity: "high",
      docs: "https://learn.microsoft.com/azure/storage/common/storage-sas-overview",
      examples: {
        match: [
          `https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&spr=https&sig=${fake([ALNUM, 43])}%3D`,
        ],
        noMatch: ["https://example.com/?sig=abc"],
      },
    },
    {
      id: "azure-shared-access-key",
      description: "Azure Service Bus / Event Hubs / IoT Hub SharedAccessKey",
      keywords: ["sharedaccesskey="],
      regex: /SharedAccessKey=([A-Za-z0-9+/]{42,43}=)/i,
      entropy: { min: 4.0, charset: "base64" },
      tags: ["cloud", "azure"],
      severity: "critical",
      docs: "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas",
      examples: {
        match: [
          `Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${fake([B64, 43])}=`,
        ],
        noMatch: ["SharedAccessKey=;"],
      },
    },
    {
      id: "azure-entra-client-secret",
      description: "Microsoft Entra ID (Azure AD) application client secret",
      keywords: ["q~"],
      regex: /(?<![A-Za-z0-9_~.-])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/,
      entropy: { min: 3.5, charset: "any" },
      tags: ["cloud", "azure"],
      severity: "critical",
      docs: "https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials",
      examples: { match: [fake([ALNUM, 3], "8Q~", [ALNUM, 34])], noMatch: ["abc8Q~short"] },
    },
    {
      id: "azure-devops-pat",
      description: "Azure DevOps personal access token",
      keywords: ["azure_devops", "azdo", "ado_pat", "devops_pat", "azure_devops_ext_pat"],
      regex: assigned(
        "azure_?devops[a-z_]{0,12}|azdo[a-z_]{0,12}|ado_?pat|devops_?pat",
        "[a-z2-7]{52}|[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}",
      ),
      entropy: { min: 3.5, charset: "alnum" },
      tags: ["ci", "azure"],
      severity: "high",
      docs: "https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate",
      examples: {
        match: [
          kv("AZURE_DEVOPS_EXT_PAT", fake([B32, 52])),
          kv("AZDO_TOKEN", fake([ALNUM, 76], "AZDO", [ALNUM, 4])),
        ],
        noMatch: [kv("AZURE_DEVOPS_EXT_PAT", "short")],
      },
    },
    {
      id: "azure-app-configuration-connection-string",
      description: "Azure App Configuration connection string secret",
      keywords: ["azconfig.io"],
      regex: /azconfig\.io;Id=[A-Za-z0-9+/=:-]{1,64};Secret=([A-Za-z0-9+/]{43}=)/,
      tags: ["cloud", "azure"],
      severity: "critical",
      docs: "https://learn.microsoft.com/azure/azure-app-configuration/howto-best-practices",
      examples: {
        match: [
          `Endpoint=https://cfg1.azconfig.io;Id=${fake([ALNUM, 4], "-l1-s0:", [ALNUM, 20])};Secret=${fake([B64, 43])}=`,
        ],
        noMatch: ["Endpoint=https://cfg1.azconfig.io;Id=x;Secret="],
      },
    },
  ],
});
