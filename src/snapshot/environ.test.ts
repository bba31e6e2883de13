import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBytes, envFromStrings, parseEnviron, sameValue } from "./environ.js";

describe("parseEnviron", () => {
  it("splits NUL-separated entries and keeps the first of duplicate keys, like getenv", () => {
    const r = parseEnviron(Buffer.from("A=1\0B=x=y\0A=2\0EMPTY=\0noequals\0"));
    expect([...r.env.keys()]).toEqual(["A", "B", "EMPTY"]);
    expect(r.env.get("A")?.value).toBe("1");
    expect(r.env.get("B")?.value).toBe("x=y");
    expect(r.env.get("EMPTY")?.value).toBe("");
    expect(r.duplicates).toEqual(["A"]);
    expect(r.malformed).toBe(1);
  });

  it("keeps non-UTF-8 bytes losslessly and shows them escaped", () => {
    const raw = Buffer.from([0x4b, 0x3d, 0x61, 0xff, 0xfe, 0x62, 0xc3, 0xa9]); // K=a\xff\xfeb é
    const e = parseEnviron(raw).env.get("K")!;
    expect(e.escaped).toBe(true);
    expect(e.value).toBe("a\\xff\\xfebé");
    expect(Buffer.from(e.raw)).toEqual(raw.subarray(2));
  });

  it("compares values by bytes, not by their escaped text", () => {
    const a = parseEnviron(Buffer.from([0x4b, 0x3d, 0xff])).env.get("K");
    const b = parseEnviron(Buffer.from("K=\\xff")).env.get("K");
    expect(a?.value).toBe(b?.value);
    expect(sameValue(a, b)).toBe(false);
  });

  it("never throws and round-trips every entry's bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const { env } = parseEnviron(bytes);
        for (const e of env.values()) {
          expect(Buffer.from(bytes).includes(Buffer.from(e.raw))).toBe(true);
          if (!e.escaped) expect(decodeBytes(e.raw).text).toBe(e.value);
        }
      }),
    );
  });

  it("builds maps from strings", () => {
    expect(envFromStrings([["X", "1"]]).get("X")?.raw).toEqual(new TextEncoder().encode("1"));
  });
});
