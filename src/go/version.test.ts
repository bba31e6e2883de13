import { describe, expect, it } from "vitest";
import { features, isSupported, parseGoVersion } from "./version.js";

describe("parseGoVersion", () => {
  it("reads go version output", () => {
    expect(parseGoVersion("go version go1.19.8 linux/amd64\n")).toMatchObject({
      raw: "go1.19.8",
      major: 1,
      minor: 19,
      patch: 8,
      goos: "linux",
      goarch: "amd64",
    });
    expect(parseGoVersion("go version go1.21rc2 linux/arm64")).toMatchObject({
      minor: 21,
      pre: "rc2",
      goarch: "arm64",
    });
    expect(parseGoVersion("go version go1.24.1 X:boringcrypto linux/amd64")).toMatchObject({
      minor: 24,
      patch: 1,
      goarch: "amd64",
    });
    expect(parseGoVersion("go version devel go1.28-abcdef Tue linux/amd64")).toMatchObject({
      minor: 28,
      devel: true,
    });
    expect(parseGoVersion("nonsense")).toBeUndefined();
  });
  it("applies the two-newest-majors policy and version features", () => {
    const v = (s: string) => parseGoVersion(s)!;
    expect(isSupported(v("go1.27.0"))).toBe(true);
    expect(isSupported(v("go1.26.7"))).toBe(true);
    expect(isSupported(v("go1.25.14"))).toBe(false);
    expect(isSupported(v("go1.19.8"))).toBe(false);
    expect(features(v("go1.19.8"))).toEqual({
      gorootGoEnv: false,
      toolchain: false,
      changedFlag: false,
      goauth: false,
    });
    expect(features(v("go1.23.0"))).toMatchObject({ gorootGoEnv: true, changedFlag: true, goauth: false });
  });
});
