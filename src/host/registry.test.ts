import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { hostChecks } from "./index.js";

const repo = path.resolve(import.meta.dirname, "../..");

describe("host check registry", () => {
  it("has unique, sorted ENVT-HOST ids, each with docs and fixtures", () => {
    const ids = hostChecks.map((c) => c.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const c of hostChecks) {
      expect(c.meta.id).toMatch(/^ENVT-HOST-\d{3}$/);
      expect(c.meta.references.length).toBeGreaterThan(0);
      expect(existsSync(path.join(repo, "docs/host", `${c.meta.id}.md`)), `docs/host/${c.meta.id}.md`).toBe(
        true,
      );
      expect(existsSync(path.join(repo, "test/fixtures/host", c.meta.id)), `fixtures for ${c.meta.id}`).toBe(
        true,
      );
    }
  });
  it("documents drift", () => {
    expect(existsSync(path.join(repo, "docs/drift.md"))).toBe(true);
  });
});
