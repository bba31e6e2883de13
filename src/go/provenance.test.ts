import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvFile } from "./envfile.js";
import { resolveSettings } from "./provenance.js";
import type { GoSetting } from "./types.js";
import { parseGoVersion } from "./version.js";

const FIX = path.resolve(import.meta.dirname, "../../test/fixtures/go/provenance");

function load(name: string) {
  const dir = path.join(FIX, name);
  const c = JSON.parse(fs.readFileSync(path.join(dir, "case.json"), "utf8"));
  const read = (rel: string) => {
    const p = path.join(dir, rel);
    return fs.existsSync(p) ? { path: p, entries: parseEnvFile(fs.readFileSync(p, "utf8")) } : undefined;
  };
  const userFile = read("config/go/env");
  const gorootFile = read("goroot/go.env");
  const settings = resolveSettings({
    version: parseGoVersion(c.version)!,
    env: c.env,
    probed: c.probed,
    ...(userFile ? { userFile } : {}),
    ...(gorootFile ? { gorootFile } : {}),
    extraKeys: ["CGO_CFLAGS"],
  });
  const by = new Map(settings.map((s) => [s.key, s]));
  return { dir, by, get: (k: string): GoSetting<string> => by.get(k)! };
}

const where = (s: GoSetting<string>) => [
  s.source.kind,
  s.source.file ? path.basename(path.dirname(s.source.file)) : undefined,
  s.source.line,
];

describe("provenance, Go 1.21 stack (fixture GOROOT/go.env + GOENV file + environment)", () => {
  const { get } = load("go121-stack");
  it("a non-empty environment variable wins; the go env -w line and go.env line are shadowed", () => {
    const s = get("GOPROXY");
    expect(where(s)).toEqual(["environment", undefined, undefined]);
    expect(s.value).toBe("https://env.example,direct");
    expect(s.shadowed?.map((x) => [x.source.kind, x.source.line])).toEqual([
      ["goenv-file", 5],
      ["goroot-go.env", 2],
    ]);
    expect(s.notes?.join()).toMatch(/does not take effect/);
  });
  it("the GOENV file wins over go.env", () => {
    expect(where(get("GOSUMDB"))).toEqual(["goenv-file", "go", 1]);
    expect(get("GOSUMDB").shadowed?.[0]?.source).toMatchObject({ kind: "goroot-go.env", line: 3 });
  });
  it("an empty environment variable falls through to the GOENV file, whose last duplicate wins", () => {
    const s = get("GOFLAGS");
    expect(where(s)).toEqual(["goenv-file", "go", 4]);
    expect(s.notes?.join("|")).toMatch(/empty string/);
    expect(s.notes?.join("|")).toMatch(/line 4 wins over line\(s\) 2/);
  });
  it("go.env supplies GOTOOLCHAIN (resolved by envtrace, not probed); GOROOT in go.env is ignored", () => {
    expect(where(get("GOTOOLCHAIN"))).toEqual(["goroot-go.env", "goroot", 4]);
    expect(get("GOTOOLCHAIN").value).toBe("auto");
    expect(get("GOTOOLCHAIN").probed).toBe(false);
    expect(get("GOROOT").source).toMatchObject({ kind: "derived", from: "go-binary" });
    expect(get("GOROOT").notes?.join()).toMatch(/ignores/);
  });
  it("derived defaults: GONOPROXY/GONOSUMDB from GOPRIVATE, GOMODCACHE from GOPATH; computed values", () => {
    expect(get("GONOSUMDB").source).toMatchObject({ kind: "derived", from: "GOPRIVATE" });
    expect(get("GONOPROXY").source).toMatchObject({ kind: "derived", from: "GOPRIVATE" });
    expect(get("GOMODCACHE").source).toMatchObject({ kind: "derived", from: "GOPATH" });
    expect(get("GOVERSION").source.kind).toBe("computed");
    expect(get("GOPATH").source.kind).toBe("default");
    expect(get("GOENV").source.kind).toBe("default");
  });
  it("costly names are resolved from their sources without asking go", () => {
    expect(get("CGO_CFLAGS")).toMatchObject({ probed: false, source: { kind: "default" } });
  });
});

describe("provenance, Go 1.19 ignores $GOROOT/go.env", () => {
  const { get, by } = load("go119-ignores-go.env");
  it("go.env lines are not sources before Go 1.21", () => {
    expect(get("GOPROXY").source.kind).toBe("default");
    expect(get("GOSUMDB").source.kind).toBe("default");
    expect(by.has("GOTOOLCHAIN")).toBe(false);
    expect(get("GOROOT").notes?.join()).toMatch(/does not read go.env/);
  });
});

describe("provenance consistency", () => {
  it("lowers confidence when go printed something else than the source holds", () => {
    const [s] = resolveSettings({
      version: parseGoVersion("go1.22.0")!,
      env: { GOPROXY: "https://a.example" },
      probed: { GOPROXY: "https://b.example" },
    });
    expect(s).toMatchObject({
      key: "GOPROXY",
      value: "https://b.example",
      source: { kind: "environment", confidence: "likely" },
    });
  });
});
