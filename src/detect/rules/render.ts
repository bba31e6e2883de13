import { defineProvider } from "../rule.js";
import { ALNUM, fake, prefixed } from "./lib.js";

/**
 * render: token formats as documented by the vendor —
 * https://render.com/docs/api#1-create-an-api-key
 */
export const render = defineProvider({
  meta: { id: "render", description: "Render API key" },
  rules: [
    prefixed({
      id: "render-api-key",
      description: "Render API key",
      prefix: "rnd_",
      body: "[A-Za-z0-9]{32}",
      example: fake("rnd_", [ALNUM, 32]),
      tags: ["cloud", "render"],
      docs: "https://render.com/docs/api#1-create-an-api-key",
    }),
  ],
});
