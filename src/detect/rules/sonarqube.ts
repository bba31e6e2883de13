import { defineProvider } from "../rule.js";
import { fake, HEX, prefixed } from "./lib.js";

/**
 * sonarqube: token formats as documented by the vendor —
 * https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/
 */
export const sonarqube = defineProvider({
  meta: { id: "sonarqube", description: "SonarQube / SonarCloud user, project or global analysis token" },
  rules: [
    prefixed({
      id: "sonarqube-token",
      description: "SonarQube / SonarCloud user, project or global analysis token",
      prefix: "sq",
      body: "[pua]_[a-f0-9]{40}",
      example: fake("squ_", [HEX, 40]),
      charset: "hex",
      tags: ["ci", "sonarqube"],
      docs: "https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/",
    }),
  ],
});
