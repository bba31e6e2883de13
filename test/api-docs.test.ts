/**
 * The library's promises: ESM only, one public surface (src/index.ts), and a generated API reference
 * (docs/api, `npm run docs:api`) that lists every export.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const reference = readFileSync(new URL("../docs/api/README.md", import.meta.url), "utf8");

describe("the library", () => {
  it("is ESM only: type module, one import condition, no require", () => {
    expect(pkg.type).toBe("module");
    expect(Object.keys(pkg.exports["."])).toEqual(["types", "import"]);
  });

  it("documents every export in docs/api (regenerate with `npm run docs:api`)", () => {
    const missing = Object.keys(lib).filter((name) => !reference.includes(`[${name.replace(/_/g, "\\_")}]`));
    expect(missing).toEqual([]);
  });

  it("the README's library example works: explain a process, render it in another format", async () => {
    const result = await lib.explainProcess(process.pid);
    const sarif = JSON.parse(await lib.renderResults([result], "sarif"));
    expect(sarif.version).toBe("2.1.0");
    expect(result.variables.length).toBeGreaterThan(0);
  });

  it("keeps the promises of its docs: detectSecret with one argument does not throw", () => {
    expect(() => lib.detectSecret("AKIAIOSFODNN7EXAMPLE")).not.toThrow();
  });
});
