import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SOURCE_KINDS } from "../model/index.js";
import { resolvers } from "./index.js";

const docsDir = new URL("../../docs/resolvers/", import.meta.url);

describe("resolver registry", () => {
  it("has unique ids, a known kind and a description for every resolver", () => {
    const ids = resolvers.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of resolvers) {
      expect(SOURCE_KINDS, r.meta.id).toContain(r.meta.kind);
      expect(r.meta.description.length, r.meta.id).toBeGreaterThan(20);
    }
  });

  it("has docs/resolvers/<id>.md for every resolver, with a heading and an example", () => {
    for (const r of resolvers) {
      const doc = new URL(`${r.meta.id}.md`, docsDir);
      expect(existsSync(doc), `docs/resolvers/${r.meta.id}.md`).toBe(true);
      const text = readFileSync(doc, "utf8");
      expect(text, r.meta.id).toMatch(/^# /);
      expect(text.length, r.meta.id).toBeGreaterThan(200);
    }
  });

  it("runs fallbacks last", () => {
    const firstFallback = resolvers.findIndex((r) => r.fallback);
    expect(firstFallback).toBeGreaterThanOrEqual(0);
    expect(resolvers.slice(firstFallback).every((r) => r.fallback)).toBe(true);
  });
});
