import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitKernelCmdline } from "./kernel.js";
import { checkFixtureCase, fixtureCases } from "./lib/fixture-case.js";

describe("kernel resolver (fixture trees through the real engine)", () => {
  for (const dir of fixtureCases("kernel", "kernel")) {
    it(path.basename(dir), async () => {
      const r = await checkFixtureCase(dir);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.mismatches).toEqual([]);
    });
  }
});

describe("splitKernelCmdline", () => {
  it("groups quoted words, strips the quotes and stops params at --", () => {
    const r = splitKernelCmdline('BOOT_IMAGE=/vmlinuz ro "a=b c" x.y=1 -- single X=1\n');
    expect(r.params).toEqual([
      { key: "BOOT_IMAGE", value: "/vmlinuz" },
      { key: "ro" },
      { key: "a", value: "b c" },
      { key: "x.y", value: "1" },
    ]);
    expect(r.initArgs).toEqual(["single", "X=1"]);
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = splitKernelCmdline(s);
        for (const p of r.params) expect(p.key.length + (p.value?.length ?? 0)).toBeLessThanOrEqual(s.length);
      }),
    );
  });
});
