import { defineProvider } from "../rule.js";
import { B64URL, fake, prefixed } from "./lib.js";

/**
 * PyPI API tokens are macaroons serialised as "pypi-" + base64url, whose first bytes encode the
 * location "pypi.org" (→ "AgEIcHlwaS5vcmc") or "test.pypi.org" (→ "AgENdGVzdC5weXBpLm9yZw") —
 * https://pypi.org/help/#apitoken
 */
export const pypi = defineProvider({
  meta: { id: "pypi", description: "PyPI and TestPyPI upload tokens" },
  rules: [
    prefixed({
      id: "pypi-token",
      description: "PyPI API token",
      prefix: "pypi-AgEIcHlwaS5vcmc",
      body: "[A-Za-z0-9_-]{50,1000}",
      example: fake("pypi-AgEIcHlwaS5vcmc", [B64URL, 140]),
      tags: ["registry", "pypi"],
      severity: "critical",
      docs: "https://pypi.org/help/#apitoken",
    }),
    prefixed({
      id: "pypi-test-token",
      description: "TestPyPI API token",
      prefix: "pypi-AgENdGVzdC5weXBpLm9yZw",
      body: "[A-Za-z0-9_-]{50,1000}",
      example: fake("pypi-AgENdGVzdC5weXBpLm9yZw", [B64URL, 140]),
      tags: ["registry", "pypi"],
      severity: "medium",
      docs: "https://pypi.org/help/#apitoken",
    }),
  ],
});
