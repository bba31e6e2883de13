/**
 * Fixture trees under test/fixtures/host/<check id>/<case>/ run through the real runner with an
 * injectable root; each case's expected.json names the pid, Go release, the message ids (and keys) it must
 * produce and a subset of the facts. Git cannot store modes or owners, so `chmod`/`chown` entries are
 * applied to a temporary copy of the tree.
 */
import { chmod, chown, cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseGoVersion } from "./go-release.js";
import { hostChecks, runHostChecks } from "./index.js";

const ROOT = path.resolve(import.meta.dirname, "../../test/fixtures/host");

interface Expected {
  pid: number;
  goVersion: string;
  check: string;
  messageIds: string[];
  keys?: string[];
  facts: Record<string, unknown>;
  chmod?: Record<string, string>;
  chown?: Record<string, number>;
}

const cases: Array<[string, string]> = [];
for (const id of await readdir(ROOT)) {
  for (const c of await readdir(path.join(ROOT, id))) cases.push([id, c]);
}
const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

describe("host fixtures", () => {
  it("covers every check with at least one fixture case", () => {
    const ids = new Set(cases.map(([id]) => id));
    for (const c of hostChecks) expect(ids, c.meta.id).toContain(c.meta.id);
  });

  it("an empty root gives collection issues and `unknown`, never an exception", async () => {
    const empty = await mkdtemp(path.join(tmpdir(), "envtrace-host-empty-"));
    temps.push(empty);
    const report = await runHostChecks({ root: empty, pid: 1, env: {} });
    expect(Object.fromEntries(report.checks.map((c) => [c.dimension, c.status]))).toEqual({
      kernel: "unknown",
      cgroup: "unknown",
      selinux: "ok", // not present
      shells: "unknown",
      glibc: "unknown",
      hardening: "unknown",
    });
    expect(report.go).toBeNull(); // a fixture root never runs `go version`
    for (const c of report.checks)
      if (c.dimension !== "selinux") expect(c.issues.length, c.id).toBeGreaterThan(0);
    expect(report.checks.find((c) => c.dimension === "selinux")!.facts.mode).toBe("not present");
  });

  it.each(cases)("%s/%s", async (id, name) => {
    let root = path.join(ROOT, id, name);
    const exp = JSON.parse(await readFile(path.join(root, "expected.json"), "utf8")) as Expected;
    expect(exp.check).toBe(id);
    if (exp.chmod || exp.chown) {
      const tmp = await mkdtemp(path.join(tmpdir(), "envtrace-host-fixture-"));
      temps.push(tmp);
      await cp(root, tmp, { recursive: true, verbatimSymlinks: true });
      root = tmp;
      for (const [p, mode] of Object.entries(exp.chmod ?? {}))
        await chmod(path.join(root, p), Number.parseInt(mode, 8));
      for (const [p, uid] of Object.entries(exp.chown ?? {})) await chown(path.join(root, p), uid, uid);
    }
    const check = hostChecks.find((c) => c.meta.id === id)!;
    const report = await runHostChecks({
      root,
      pid: exp.pid,
      goVersion: parseGoVersion(exp.goVersion),
      checks: [check],
      env: {},
    });
    const result = report.checks[0]!;
    expect(result.id).toBe(id);
    expect(result.findings.map((f) => f.messageId).sort()).toEqual([...exp.messageIds].sort());
    for (const f of result.findings) {
      expect(f.id).toBe(id);
      expect(f.remediation).toBeTruthy();
      expect(f.references?.length).toBeGreaterThan(0);
    }
    if (exp.keys) expect(result.findings.map((f) => f.key).sort()).toEqual([...exp.keys].sort());
    expect(result.facts).toMatchObject(exp.facts);
    expect(result.status).toBe(
      result.findings.some((f) => ["medium", "high", "critical"].includes(f.severity))
        ? "fail"
        : result.findings.length > 0
          ? "warn"
          : result.status,
    );
  });
});
