/**
 * What `npm install envtrace` gets: the packed file list (no tests, fixtures, sources or source maps),
 * no install-time build (dist/ is built at pack time), a LICENSE, and versions that agree.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VERSION } from "../src/version.js";

const root = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

function packedFiles(): string[] {
  // --ignore-scripts: the suite has already built dist/ (prepack would build it again).
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return (JSON.parse(out)[0].files as Array<{ path: string }>).map((f) => f.path);
}

describe("the published package", () => {
  it("ships the built CLI and library, docs, schema and LICENSE — and nothing of the tests or sources", () => {
    const files = packedFiles();
    for (const f of ["bin/envtrace.js", "dist/bundle/cli.js", "dist/index.js", "dist/index.d.ts", "LICENSE"])
      expect(files, f).toContain(f);
    expect(files).toContain("schema/report.v2.schema.json");
    const unwanted = files.filter((f) =>
      /(^|\/)(test|tests|fixtures|__tests__)\/|\.test\.|\.map$|^src\/|fixture-case|^bench\/|^scripts\//.test(
        f,
      ),
    );
    expect(unwanted).toEqual([]);
  });

  it("does not build on install (prepack builds, no prepare) and states the Node lines it supports", () => {
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(pkg.scripts.prepack).toMatch(/build/);
    expect(pkg.engines.node).toBe("^20.19 || ^22.12 || >=24");
    expect(pkg.license).toBe("Apache-2.0");
    expect(readFileSync(new URL("../LICENSE", import.meta.url), "utf8")).toMatch(
      /Apache License\s+Version 2\.0/,
    );
  });

  it("reports the package's version", () => {
    expect(VERSION).toBe(pkg.version);
  });
});
