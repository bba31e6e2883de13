/**
 * One golden test over every reporter, against one input: a masked explain result with a secret, a
 * shadowed value, PATH segments, a static candidate and a collection issue. `UPDATE_SNAPSHOT=1` rewrites
 * the expected files; review the diff before committing.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { reporters } from "../../src/report/index.js";
import { goldenReport, SECRET } from "./golden-input.js";

describe("every reporter, one golden input", async () => {
  const all = await reporters();
  for (const reporter of Object.values(all)) {
    it(`${reporter.id} matches its golden file and never prints the secret`, async () => {
      const out = await reporter.render(goldenReport(), { failOn: "high" });
      expect(out).not.toContain(SECRET);
      const file = new URL(`../fixtures/report/expected.${reporter.id}`, import.meta.url);
      if (process.env.UPDATE_SNAPSHOT || !existsSync(file)) writeFileSync(file, out);
      expect(out).toBe(readFileSync(file, "utf8"));
    });
  }
});
