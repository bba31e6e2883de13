/**
 * The dev/staging/prod use case with real processes: two real `sleep` processes started with different
 * environments are explained from /proc, snapshotted (through the CLI and the library), and diffed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { killAll, startProcess } from "../../test/helpers/processes.js";
import { ExplainSession } from "../explain.js";
import { diffSnapshots } from "./diff.js";
import { buildSnapshot, parseSnapshot, serializeSnapshot } from "./snapshot.js";

const TOKEN = "ghp_R8xK2mQ9vL4tZ7pW1nB6cY3hJ5fD0gA2sE8u"; // random-looking: detection checks entropy
const KEY = "drift-test-fingerprint-key-0123456789";
const cliEnv = { NO_COLOR: "1", ENVTRACE_FINGERPRINT_KEY: KEY };
const base = { LANG: "C.UTF-8", HOME: "/root", API_TOKEN: TOKEN };
const dev = {
  ...base,
  PATH: "/usr/local/bin:/usr/bin:/bin",
  GOPROXY: "https://proxy.golang.org,direct",
  NO_PROXY: "localhost",
};
const prod = {
  ...base,
  PATH: "/opt/vendor/bin:/usr/local/bin:/usr/bin:/bin",
  GOPROXY: "http://mirror.corp.example",
  GOFLAGS: "-insecure",
  LD_LIBRARY_PATH: "/opt/vendor/lib",
  HTTPS_PROXY: "http://proxy.corp.example:3128",
};

const hasGo = (() => {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

let devPid = 0;
let prodPid = 0;
let dir = "";
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "envtrace-drift-"));
  devPid = startProcess("/bin/sleep", ["60"], { env: dev }).pid!;
  prodPid = startProcess("/bin/sleep", ["60"], { env: prod }).pid!;
  // Wait until both have exec'd sleep (their environ is then the one given).
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const comm = (p: number) => readFileSync(`/proc/${p}/comm`, "utf8").trim();
    if (comm(devPid) === "sleep" && comm(prodPid) === "sleep") break;
    await new Promise((r) => setTimeout(r, 10));
  }
});
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** The drift subject of a `diff --format json` report, in the shape of a DriftReport. */
function driftOf(stdout: string): ReturnType<typeof diffSnapshots> {
  const s = JSON.parse(stdout).subjects[0];
  return { ...s, changes: s.drift, notes: s.notes ?? [] };
}

function expectDrift(r: ReturnType<typeof diffSnapshots>): void {
  const byKey = new Map(r.changes.filter((c) => c.scope === "variable").map((c) => [c.key, c]));
  expect(byKey.get("PATH")?.change).toBe("changed");
  expect(byKey.get("GOPROXY")?.change).toBe("changed");
  expect(byKey.get("GOFLAGS")?.change).toBe("added");
  expect(byKey.get("LD_LIBRARY_PATH")?.change).toBe("added");
  expect(byKey.get("HTTPS_PROXY")?.change).toBe("added");
  expect(byKey.get("NO_PROXY")?.change).toBe("removed");
  // The same secret on both sides compares equal through its fingerprint: no drift reported.
  expect(byKey.has("API_TOKEN")).toBe(false);
  expect(byKey.has("LANG")).toBe(false);
  const f = r.findings.map((x) => [x.id, x.messageId, x.key]);
  expect(f).toContainEqual(["ENVT-DRIFT-003", "drift.changed.path", "PATH"]);
  expect(f).toContainEqual(["ENVT-DRIFT-003", "drift.changed.go-supply-chain", "GOPROXY"]);
  expect(f).toContainEqual(["ENVT-DRIFT-001", "drift.added.go-supply-chain", "GOFLAGS"]);
  expect(f).toContainEqual(["ENVT-DRIFT-001", "drift.added.loader-path", "LD_LIBRARY_PATH"]);
  expect(f).toContainEqual(["ENVT-DRIFT-001", "drift.added.proxy", "HTTPS_PROXY"]);
  // Each side keeps its source.
  expect(byKey.get("PATH")?.before?.source.kind).toBeTruthy();
  expect(byKey.get("PATH")?.after?.source.kind).toBeTruthy();
}

describe("drift between two real processes", () => {
  it("library: explain → snapshot → diff", async () => {
    const session = new ExplainSession();
    const a = buildSnapshot(await session.explain(devPid), {
      label: "dev",
      fingerprintKey: Buffer.from(KEY),
    });
    const b = buildSnapshot(await session.explain(prodPid), {
      label: "prod",
      fingerprintKey: Buffer.from(KEY),
    });
    for (const s of [a, b]) {
      const text = serializeSnapshot(s);
      expect(text).not.toContain(TOKEN);
      expect(parseSnapshot(text, "s")).toEqual(JSON.parse(text));
    }
    expectDrift(diffSnapshots(a, b, { a: "dev.json", b: "prod.json" }));
  });

  it("CLI: envtrace snapshot --pid, then envtrace diff --fail-on high", async () => {
    const a = path.join(dir, "dev.json");
    const b = path.join(dir, "prod.json");
    expect(
      (await runCli(["snapshot", "--pid", String(devPid), "--label", "dev", "--out", a], { env: cliEnv }))
        .code,
    ).toBe(0);
    expect(
      (await runCli(["snapshot", "--pid", String(prodPid), "--label", "prod", "--out", b], { env: cliEnv }))
        .code,
    ).toBe(0);
    expect(readFileSync(a, "utf8")).not.toContain(TOKEN);
    const r = await runCli(["diff", a, b, "--format", "json", "--fail-on", "high"], { env: cliEnv });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expectDrift(driftOf(r.stdout));
    const text = await runCli(["diff", a, b], { env: cliEnv });
    expect(text.stdout).toMatch(/^changed\s+PATH\s/m);
    expect(text.stdout).not.toContain(TOKEN);
  });

  it.runIf(hasGo)("CLI: snapshot --go records Go settings with sources; diff reports Go drift", async () => {
    const a = path.join(dir, "dev-go.json");
    const b = path.join(dir, "prod-go.json");
    expect(
      (
        await runCli(["snapshot", "--go", "--pid", String(devPid), "--label", "dev", "--out", a], {
          env: cliEnv,
        })
      ).stderr,
    ).toBe("");
    expect(
      (
        await runCli(["snapshot", "--go", "--pid", String(prodPid), "--label", "prod", "--out", b], {
          env: cliEnv,
        })
      ).code,
    ).toBe(0);
    const sb = parseSnapshot(readFileSync(b), b);
    const goproxy = sb.go?.settings.find((s) => s.key === "GOPROXY");
    expect(goproxy?.source.kind).toBe("environment");
    const r = await runCli(["diff", a, b, "--format", "json"], { env: cliEnv });
    const doc = driftOf(r.stdout);
    expect(doc.changes).toContainEqual(
      expect.objectContaining({ scope: "go", key: "GOPROXY", change: "changed" }),
    );
    expect(doc.findings).toContainEqual(expect.objectContaining({ id: "ENVT-DRIFT-005", key: "GOPROXY" }));
  });

  it("CLI: snapshots made with different fingerprint keys do not compare secrets, and say so", async () => {
    const a = path.join(dir, "dev-k1.json");
    const b = path.join(dir, "dev-k2.json");
    await runCli(["snapshot", "--pid", String(devPid), "--label", "k1", "--out", a], { env: cliEnv });
    await runCli(["snapshot", "--pid", String(devPid), "--label", "k2", "--out", b], {
      env: { ...cliEnv, ENVTRACE_FINGERPRINT_KEY: `${KEY}-other` },
    });
    const doc = driftOf((await runCli(["diff", a, b, "--format", "json"], { env: cliEnv })).stdout);
    // Same process, so the only "drift" is the secret that could not be compared.
    expect(doc.changes.map((c) => [c.key, c.change])).toEqual([["API_TOKEN", "changed"]]);
    expect(doc.notes.join(" ")).toMatch(/different keys/);
  });

  it("snapshot CLI names an unwritable --out in one line", async () => {
    const r = await runCli(
      ["snapshot", "--pid", String(devPid), "--out", path.join(dir, "no/such/dir/x.json")],
      { env: cliEnv },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/x\.json: cannot write the snapshot \(ENOENT\)/);
    writeFileSync(path.join(dir, "keep"), "");
  });
});
