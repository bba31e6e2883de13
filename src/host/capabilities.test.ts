import { existsSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CAPABILITIES, DANGEROUS_CAPABILITIES, decodeCapabilities } from "./capabilities.js";

describe("capability table", () => {
  // The real kernel header (Debian linux-libc-dev) is the source of the table: every #define must agree.
  const header = "/usr/include/linux/capability.h";
  it.runIf(existsSync(header))("matches every CAP_* number in the installed linux/capability.h", () => {
    const text = readFileSync(header, "utf8");
    const defs = [...text.matchAll(/^#define\s+(CAP_[A-Z_]+)\s+(\d+)\s*$/gm)].map(
      (m) => [m[1]!, Number(m[2])] as const,
    );
    expect(defs.length).toBeGreaterThanOrEqual(41);
    for (const [name, n] of defs) expect(CAPABILITIES[n], name).toBe(name);
    const last = /#define\s+CAP_LAST_CAP\s+(CAP_[A-Z_]+)/.exec(text)?.[1];
    expect(CAPABILITIES.indexOf(last!)).toBeGreaterThanOrEqual(40);
  });

  it("matches the running kernel's cap_last_cap", () => {
    const f = "/proc/sys/kernel/cap_last_cap";
    if (!existsSync(f)) return;
    const last = Number(readFileSync(f, "utf8"));
    // Kernels newer than the table show extra bits as CAP_<n>; the table covers at least up to 40.
    expect(CAPABILITIES.length - 1).toBeGreaterThanOrEqual(Math.min(last, 40));
  });

  it("decodes masks bit by bit", () => {
    expect(decodeCapabilities("0000000000000000")).toEqual([]);
    expect(decodeCapabilities("0000000000000001")).toEqual(["CAP_CHOWN"]);
    expect(decodeCapabilities("0000000000200000")).toEqual(["CAP_SYS_ADMIN"]);
    expect(decodeCapabilities("000001ffffffffff")).toEqual(CAPABILITIES);
    expect(decodeCapabilities("0000020000000000")).toEqual(["CAP_41"]);
    expect(decodeCapabilities("xyz")).toBeUndefined();
    expect(decodeCapabilities("")).toBeUndefined();
  });

  it("only marks names from the table as dangerous", () => {
    for (const c of DANGEROUS_CAPABILITIES) expect(CAPABILITIES).toContain(c);
  });

  it("never throws and round-trips any 64-bit mask", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (mask) => {
        const names = decodeCapabilities(mask.toString(16).padStart(16, "0"))!;
        let back = 0n;
        for (const n of names)
          back |= 1n << BigInt(CAPABILITIES.includes(n) ? CAPABILITIES.indexOf(n) : Number(n.slice(4)));
        expect(back).toBe(mask);
      }),
    );
    fc.assert(fc.property(fc.string(), (s) => void decodeCapabilities(s)));
  });
});
