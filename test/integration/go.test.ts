/**
 * `envtrace go` and `envtrace go verify-modcache` against the real go command (Debian's golang-go, Go 1.19;
 * installed by scripts/install-test-deps.sh). Go ≥ 1.21 behaviour ($GOROOT/go.env) is covered by fixture
 * tests in src/go/provenance.test.ts; here the real 1.19 shows what it does with a go.env (ignores it).
 * Module caches are built by Go itself from a file:// GOPROXY the test writes (zips made with yazl).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yazl from "yazl";
import { run } from "../../src/cli/run.js";
import { auditGo } from "../../src/go/audit.js";
import { collectRaw } from "../../src/go/collect.js";
import { escapeModulePath } from "../../src/go/modcache/escape.js";
import type { VerifyReport } from "../../src/go/modcache/verify.js";

function findGo(): string {
  for (const d of (process.env.PATH ?? "").split(":")) {
    const p = path.join(d, "go");
    if (d && fs.existsSync(p)) return p;
  }
  throw new Error("the go command is missing: run `sh scripts/install-test-deps.sh` (installs golang-go)");
}

const GO = findGo();
let tmp: string;
let n = 0;

/** A fresh, minimal environment: its own HOME and XDG_CONFIG_HOME, nothing Go-related inherited. */
function freshEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dir = path.join(tmp, `env${n++}`);
  fs.mkdirSync(path.join(dir, "home"), { recursive: true });
  fs.mkdirSync(path.join(dir, "xdg"), { recursive: true });
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: path.join(dir, "home"),
    XDG_CONFIG_HOME: path.join(dir, "xdg"),
    USER: "gopher",
    ...extra,
  };
}

function go(args: string[], env: Record<string, string>, cwd = tmp): string {
  return execFileSync(GO, args, { env, cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs go and returns stdout + stderr (for warnings), whatever the exit code. */
function goWithStderr(args: string[], env: Record<string, string>): string {
  const r = spawnSync(GO, args, { env, cwd: tmp, encoding: "utf8" });
  return `${r.stdout}${r.stderr}`;
}

function lineOf(file: string, key: string): number {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  let last = -1;
  for (const [i, l] of lines.entries()) if (l.startsWith(`${key}=`)) last = i + 1;
  return last;
}

async function cli(argv: string[], env: Record<string, string>) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: process.stdin,
    env,
    pid: process.pid,
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "envtrace-go-it-"));
});
afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

describe("envtrace go with the real go command", () => {
  it("attributes `go env -w` settings to the GOENV file with the line Go wrote", async () => {
    const env = freshEnv();
    go(["env", "-w", "GOSUMDB=off", "GOPRIVATE=github.com", "GOFLAGS=-mod=mod"], env);
    const file = path.join(env.XDG_CONFIG_HOME!, "go", "env");
    const raw = await collectRaw({ env, origins: false });
    const by = new Map(raw.settings.map((s) => [s.key, s]));
    expect(raw.go.version).toMatch(/^go1\.\d+/);
    expect(by.get("GOSUMDB")).toMatchObject({
      value: "off",
      source: { kind: "goenv-file", file, line: lineOf(file, "GOSUMDB") },
    });
    expect(by.get("GOFLAGS")?.source).toMatchObject({
      kind: "goenv-file",
      file,
      line: lineOf(file, "GOFLAGS"),
    });
    expect(by.get("GONOSUMDB")).toMatchObject({
      value: "github.com",
      source: { kind: "derived", from: "GOPRIVATE" },
    });
    expect(by.get("GOENV")).toMatchObject({ value: file, source: { kind: "default" } });
    const report = await auditGo(raw);
    const ids = report.findings.map((f) => `${f.id}/${f.key ?? ""}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        "ENVT-GO-001/GOSUMDB",
        "ENVT-GO-003/GOPRIVATE",
        "ENVT-GO-011/GOFLAGS",
        "ENVT-GO-019/",
      ]),
    );
  });

  it("the OS environment wins over `go env -w` (which only warns); an empty variable falls through", async () => {
    const env = freshEnv();
    go(["env", "-w", "GOPROXY=https://goenv.example,direct"], env);
    const warned = goWithStderr(["env", "-w", "GOPROXY=https://goenv2.example,direct"], {
      ...env,
      GOPROXY: "https://env.example,direct",
    });
    expect(warned).toMatch(/does not override conflicting OS environment variable/);
    const file = path.join(env.XDG_CONFIG_HOME!, "go", "env");

    const raw = await collectRaw({ env: { ...env, GOPROXY: "https://env.example,direct" }, origins: false });
    const s = raw.settings.find((x) => x.key === "GOPROXY")!;
    expect(s).toMatchObject({
      value: "https://env.example,direct",
      source: { kind: "environment", confidence: "certain" },
    });
    expect(s.shadowed?.[0]).toMatchObject({
      value: "https://goenv2.example,direct",
      source: { kind: "goenv-file", file },
    });
    expect(s.notes?.join()).toMatch(/does not take effect/);

    const empty = await collectRaw({ env: { ...env, GOPROXY: "" }, origins: false });
    const e = empty.settings.find((x) => x.key === "GOPROXY")!;
    expect(e).toMatchObject({
      value: "https://goenv2.example,direct",
      source: { kind: "goenv-file", confidence: "certain" },
    });
    expect(e.notes?.join()).toMatch(/empty string/);
  });

  it("GOENV=off: the GOENV file is not a source", async () => {
    const env = freshEnv();
    go(["env", "-w", "GOSUMDB=off"], env);
    const raw = await collectRaw({ env: { ...env, GOENV: "off" }, origins: false });
    const by = new Map(raw.settings.map((s) => [s.key, s]));
    expect(by.get("GOSUMDB")).toMatchObject({
      value: "sum.golang.org",
      source: { kind: "default", confidence: "certain" },
    });
    expect(by.get("GOENV")).toMatchObject({ source: { kind: "environment" } });
    expect(raw.userFile).toBeUndefined();
  });

  it("Go 1.19 ignores a $GOROOT/go.env; envtrace says so and keeps the default", async () => {
    const real = fs.realpathSync(path.join(path.dirname(fs.realpathSync(GO)), ".."));
    const root = path.join(tmp, "goroot119");
    fs.mkdirSync(root);
    for (const e of fs.readdirSync(real)) fs.symlinkSync(path.join(real, e), path.join(root, e));
    fs.writeFileSync(path.join(root, "go.env"), "GOPROXY=direct\nGOSUMDB=off\n");
    const env = freshEnv({ GOROOT: root });
    const raw = await collectRaw({ env, origins: false });
    const by = new Map(raw.settings.map((s) => [s.key, s]));
    if (raw.probe.version.minor >= 21) {
      expect(by.get("GOPROXY")).toMatchObject({
        value: "direct",
        source: { kind: "goroot-go.env", line: 1 },
      });
    } else {
      expect(by.get("GOPROXY")).toMatchObject({
        value: "https://proxy.golang.org,direct",
        source: { kind: "default" },
      });
      expect(by.get("GOROOT")?.notes?.join()).toMatch(/does not read go.env/);
    }
    expect(by.get("GOROOT")).toMatchObject({ value: root, source: { kind: "environment" } });
  });

  it("--pid: settings from a process's environment, attributed by the host engine", async () => {
    const env = freshEnv({ GOFLAGS: "-toolexec=/bin/true", GONOSUMCHECK: "1" });
    const child = spawn("sleep", ["30"], { env, stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const raw = await collectRaw({ pid: child.pid!, goPath: GO });
      const s = raw.settings.find((x) => x.key === "GOFLAGS")!;
      expect(s.source.kind).toBe("environment");
      // The process that set GOFLAGS before exec'ing sleep is this test process.
      expect(s.source.origin?.actor).toMatchObject({ pid: process.pid });
      const ids = (await auditGo(raw)).findings.map((f) => `${f.id}/${f.key}`);
      expect(ids).toEqual(expect.arrayContaining(["ENVT-GO-012/GOFLAGS", "ENVT-GO-016/GONOSUMCHECK"]));
    } finally {
      child.kill();
    }
  });

  it("CLI: JSON shape, masking, --fail-on, --redact", async () => {
    const secret = "Wq7pass0rdXyz";
    const env = freshEnv({ GOPROXY: `https://ci:${secret}@goproxy.corp.example/,direct` });
    const j = await cli(["go", "--format", "json", "--no-origins"], env);
    expect(j.stderr).toBe("");
    expect(j.code).toBe(0);
    expect(j.stdout).not.toContain(secret);
    const doc = JSON.parse(j.stdout);
    expect(Object.keys(doc)).toEqual(["schemaVersion", "go", "settings", "findings", "issues"]);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.go).toEqual({ version: expect.stringMatching(/^go1\./), path: GO });
    const gp = doc.settings.find((s: { key: string }) => s.key === "GOPROXY");
    expect(gp).toMatchObject({
      value: "https://********@goproxy.corp.example/,direct",
      source: { kind: "environment" },
    });
    expect(doc.findings.map((f: { id: string }) => f.id)).toContain("ENVT-GO-008");
    for (const f of doc.findings)
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining(["id", "severity", "key", "message", "remediation", "references"]),
      );

    expect((await cli(["go", "--no-origins", "--fail-on", "high"], env)).code).toBe(1);
    const text = await cli(["go", "--no-origins"], env);
    expect(text.stdout).toMatch(/^GOPROXY\s+https:\/\/\*{8}@goproxy\.corp\.example\/,direct\s+environment/m);
    expect(text.stdout).not.toContain(secret);

    const r = await cli(["go", "--redact"], env);
    expect(r.stdout).not.toContain(secret);
    expect(r.stdout).not.toContain(env.HOME!);
    const red = JSON.parse(r.stdout);
    expect(red).toMatchObject({
      GOPATH: "$HOME/go",
      GOMODCACHE: "$GOPATH/pkg/mod",
      GOCACHE: "$HOME/.cache/go-build",
      GOPROXY: "https://********@goproxy.corp.example/,direct",
    });
  });

  it("CLI: a missing go binary is a one-line error naming the fix", async () => {
    const r = await cli(["go", "--no-origins"], { PATH: "/nonexistent", HOME: "/tmp" });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--go/);
  });
});
