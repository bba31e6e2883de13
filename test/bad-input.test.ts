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

describe("usage errors: one `envtrace:` line naming the input and the fix, exit 2", () => {
  const oneLine = (r: { code: number; stderr: string; stdout: string }) => {
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^envtrace: /);
    return r.stderr;
  };

  it("argument-parser errors (unknown option, unknown command) are one line, not commander's two", async () => {
    expect(oneLine(await runCli(["explain", "--bogus"]))).toMatch(
      /unknown option '--bogus'.*envtrace --help/,
    );
    expect(oneLine(await runCli(["bogus"]))).toMatch(/unknown command 'bogus'/);
  });

  it("an unknown format lists the formats the command writes", async () => {
    expect(oneLine(await runCli(["explain", "-o", "yaml"]))).toMatch(
      /unknown format 'yaml'.*text, json, jsonl/,
    );
  });

  it("a pid above PID_MAX_LIMIT is named as such (it is positive)", async () => {
    expect(oneLine(await runCli(["explain", "--pid", "99999999"]))).toMatch(
      /above the largest pid Linux can assign/,
    );
  });

  it("`k8s explain -f json FILE` says -f is --filename and the format is -o", async () => {
    expect(oneLine(await runCli(["k8s", "explain", "-f", "json", "x.yaml"]))).toMatch(
      /too many arguments.*-o\/--format.*-f is --filename/,
    );
  });

  it("--output into a missing directory is refused before any work, and nothing is written", async () => {
    const target = join(dir, "no-such-dir", "report.json");
    expect(oneLine(await runCli(["host", "--go-version", "1.22", "--output", target]))).toMatch(
      /--output .*no-such-dir.*does not exist/,
    );
    expect(() => execFileSync("ls", [join(dir, "no-such-dir")], { stdio: "ignore" })).toThrow();
  });

  it("--output writes the whole report atomically (no temporary file left behind)", async () => {
    const target = join(dir, "host.json");
    const r = await runCli(["host", "--go-version", "1.22", "-o", "json", "--output", target]);
    expect(r.stdout).toBe("");
    const doc = JSON.parse(execFileSync("cat", [target], { encoding: "utf8" }));
    expect(doc.subjects[0].kind).toBe("host");
    expect(execFileSync("ls", ["-a", dir], { encoding: "utf8" })).not.toMatch(/\.tmp/);
  });
});

describe("a file the user names must be one: one line, exit 2", () => {
  it("host --binary DIR is refused (it was silently ignored)", async () => {
    const r = await runCli(["host", "--go-version", "1.22", "--binary", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^envtrace: --binary .*: not a regular file; name a program/);
  });

  it("go verify-modcache --gosum DIR or a missing go.sum says so (not a cache problem)", async () => {
    const cache = mkdtempSync(join(tmpdir(), "envtrace-mc-"));
    try {
      const asDir = await runCli(["go", "verify-modcache", "--gomodcache", cache, "--gosum", dir]);
      expect(asDir.code).toBe(2);
      expect(asDir.stderr).toMatch(/^envtrace: --gosum .*: not a regular file; name a go\.sum/);
      const missing = await runCli([
        "go",
        "verify-modcache",
        "--gomodcache",
        cache,
        "--gosum",
        join(dir, "nope.sum"),
      ]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^envtrace: --gosum .*nope\.sum: cannot read it \(ENOENT\)/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe("--exclude-env", () => {
  it("leaves matching variables and their findings out of every format; a bad pattern is one line", async () => {
    const { startProcess, waitForDescendant, killAll } = await import("./helpers/processes.js");
    const token = `ghp_${"Ex9Lq2Wm4R".repeat(3)}Ab12Cd`;
    const child = startProcess("sh", ["-c", "sleep 60; :"], {
      env: { PATH: "/usr/bin:/bin", CI_JOB_TOKEN: token, CI_PIPELINE_ID: "7", KEEP_ME: "1" },
    });
    try {
      const pid = String(await waitForDescendant(child.pid!, "sleep"));
      const r = await runCli(["explain", "--pid", pid, "-o", "json", "--exclude-env", "CI_.*"]);
      const keys = JSON.parse(r.stdout).subjects[0].variables.map((v: { key: string }) => v.key);
      expect(keys).toContain("KEEP_ME");
      expect(keys.filter((k: string) => k.startsWith("CI_"))).toEqual([]);
      expect(r.stdout).not.toContain("CI_JOB_TOKEN");
      const bad = await runCli(["explain", "--pid", pid, "--exclude-env", "("]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^envtrace: --exclude-env '\(' is not a regular expression/);
    } finally {
      killAll();
    }
  });
});

describe("--strict", () => {
  it("fails (exit 2, one line) when anything could not be read; without it the run succeeds", async () => {
    const file = join(dir, "mixed.yaml");
    execFileSync("sh", [
      "-c",
      `printf 'kind: Pod\\nmetadata: {name: p}\\nspec:\\n  containers:\\n  - name: c\\n    env: [{name: A, value: "1"}]\\n---\\n[unclosed\\n' > ${file}`,
    ]);
    const plain = await runCli(["k8s", "explain", "-f", file, "-o", "json"]);
    expect(plain.code).toBe(0);
    const doc = JSON.parse(plain.stdout);
    expect([...doc.issues, ...doc.subjects[0].issues].length).toBeGreaterThan(0);
    const strict = await runCli(["k8s", "explain", "-f", file, "-o", "json", "--strict"]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/^envtrace: --strict: \d+ collection issue\(s\), first: /);
    expect(strict.stderr.trim().split("\n")).toHaveLength(1);
  });
});
