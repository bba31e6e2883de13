/** Bad input found by review: each gives an issue or a one-line error, promptly, never a hang or a crash. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { indexFiles } from "../src/k8s/explain.js";
import { loadManifest, MAX_YAML_BYTES } from "../src/k8s/load.js";
import { createHostFs } from "../src/snapshot/host-fs.js";
import { runCli } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "envtrace-bad-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("bad input", () => {
  it("a startup file that is a FIFO is skipped at once, not waited on", async () => {
    execFileSync("mkfifo", [join(dir, ".bashrc")]);
    const t0 = Date.now();
    expect(await createHostFs("/").readTextIfExists(join(dir, ".bashrc"))).toBeUndefined();
    const r = await runCli(["shell", "--shell", "bash", "--interactive", "--home", dir, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it("a manifest that is a device or too large for the YAML parser is an issue, not a read of everything", async () => {
    const idx = await indexFiles(["/dev/zero"]);
    expect(idx.issues.map((i) => i.code)).toEqual(["UNSUPPORTED"]);
    const big = `# ${"x".repeat(MAX_YAML_BYTES)}\nkind: ConfigMap\n`;
    expect(loadManifest(big, "big.yaml").issues.map((i) => i.code)).toEqual(["TOO_LARGE"]);
  });

  it("verify-modcache of a directory that does not exist is an error, not 'all modules verified'", async () => {
    const r = await runCli(["go", "verify-modcache", "--gomodcache", join(dir, "nope")]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/verified/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
