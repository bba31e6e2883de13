/**
 * Drift fixtures: test/fixtures/drift/<case>/{a,b}.json are snapshots as `envtrace snapshot` writes them;
 * expected.json lists the changes ([scope, key, change]) and findings ([id, messageId, key, severity]).
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { buildReport, driftSubject, runInfo } from "../report/build.js";
import { textReporter } from "../report/text.js";
import { diffSnapshots } from "./diff.js";

const renderDriftText = (r: ReturnType<typeof diffSnapshots>): string =>
  textReporter.render(
    buildReport(runInfo({ command: "diff", argv: [], version: "0", startedAt: new Date() }), [
      driftSubject(r),
    ]),
    {},
  ) as string;

import { buildSnapshot, parseSnapshot } from "./snapshot.js";

const ROOT = path.resolve(import.meta.dirname, "../../test/fixtures/drift");
const cases = readdirSync(ROOT);

describe("drift fixtures", () => {
  it.each(cases)("%s", (name) => {
    const dir = path.join(ROOT, name);
    const load = (f: string) => parseSnapshot(readFileSync(path.join(dir, f)), f);
    const exp = JSON.parse(readFileSync(path.join(dir, "expected.json"), "utf8")) as {
      changes: string[][];
      findings: string[][];
    };
    const r = diffSnapshots(load("a.json"), load("b.json"), { a: "a.json", b: "b.json" });
    expect(r.changes.map((c) => [c.scope, c.key, c.change]).sort()).toEqual([...exp.changes].sort());
    expect(r.findings.map((f) => [f.id, f.messageId, f.key, f.severity]).sort()).toEqual(
      [...exp.findings].sort(),
    );
    // Both sides carry their source; masked values never show anything but the mask.
    for (const c of r.changes) {
      if (c.change !== "added") expect(c.before?.source.kind).toBeTruthy();
      if (c.change !== "removed") expect(c.after?.source.kind).toBeTruthy();
      for (const s of [c.before, c.after]) if (s?.masked) expect(s.value).toMatch(/\*{8}$/);
    }
    const text = renderDriftText(r);
    for (const c of r.changes) expect(text).toContain(c.key);
  });

  it("orders findings by severity, highest first", () => {
    const dir = path.join(ROOT, "path-and-loader");
    const r = diffSnapshots(
      parseSnapshot(readFileSync(path.join(dir, "a.json")), "a"),
      parseSnapshot(readFileSync(path.join(dir, "b.json")), "b"),
      { a: "a", b: "b" },
    );
    expect(r.findings[0]!.severity).toBe("critical");
  });

  it("reports a Go setting whose variable was set by someone else as moved source", () => {
    const key = Buffer.from("k".repeat(32));
    const snap = (file: string) =>
      buildSnapshot(
        { subject: { pid: 1, comm: "x" }, variables: [], findings: [], issues: [] },
        {
          label: file,
          fingerprintKey: key,
          go: {
            go: { version: "go1.22.0", path: "/usr/bin/go" },
            settings: [
              {
                key: "GOFLAGS",
                value: "-mod=readonly",
                source: {
                  kind: "environment",
                  confidence: "certain",
                  origin: {
                    kind: "shell",
                    mechanism: "bash",
                    location: { file, line: 3 },
                    confidence: "certain",
                    evidence: [],
                  },
                },
              },
            ],
          },
        },
      );
    const r = diffSnapshots(snap("/etc/profile"), snap("/home/u/.bashrc"), { a: "a", b: "b" });
    expect(r.changes.map((c) => [c.scope, c.key, c.change])).toEqual([["go", "GOFLAGS", "source-changed"]]);
    expect(r.findings.map((f) => [f.id, f.messageId, f.severity])).toEqual([
      ["ENVT-DRIFT-005", "drift.go-source-changed.go-supply-chain", "medium"],
    ]);
    expect(renderDriftText(r)).toContain("environment ← shell:bash /home/u/.bashrc:3");
  });

  it("compares per-session keys only when asked", () => {
    const dir = path.join(ROOT, "equal-secret-no-drift");
    const a = parseSnapshot(readFileSync(path.join(dir, "a.json")), "a");
    const b = parseSnapshot(readFileSync(path.join(dir, "b.json")), "b");
    expect(diffSnapshots(a, b, { a: "a", b: "b" }, { ignore: [] }).changes.map((c) => c.key)).toEqual([
      "SSH_CONNECTION",
    ]);
  });

  it("diff CLI: JSON output, --fail-on exit codes, one-line errors", async () => {
    const dir = path.join(ROOT, "path-and-loader");
    const a = path.join(dir, "a.json");
    const b = path.join(dir, "b.json");
    const j = await runCli(["diff", a, b, "--format", "json", "--fail-on", "critical"]);
    expect(j.code).toBe(1);
    const doc = JSON.parse(j.stdout) as {
      schemaVersion: number;
      subjects: Array<{ kind: string; drift: unknown[]; findings: Array<{ id: string }> }>;
    };
    expect(doc.schemaVersion).toBe(2);
    expect(doc.subjects[0]!.kind).toBe("drift");
    expect(doc.subjects[0]!.findings.map((f) => f.id)).toContain("ENVT-DRIFT-001");
    expect((await runCli(["diff", a, a, "--fail-on", "info"])).code).toBe(0);
    const missing = await runCli(["diff", a, path.join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/nope\.json.*envtrace snapshot --out/);
    const notSnap = await runCli(["diff", a, path.join(dir, "expected.json")]);
    expect(notSnap.code).toBe(2);
    expect(notSnap.stderr).toMatch(/expected\.json: not an envtrace snapshot/);
  });
});
