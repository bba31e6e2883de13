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
import { single } from "../helpers/report.js";

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
    const doc = single(j.stdout);
    expect(doc.kind).toBe("go-toolchain");
    expect(doc.details.go).toEqual({ version: expect.stringMatching(/^go1\./), path: GO });
    const gp = doc.settings.find((s: { key: string }) => s.key === "GOPROXY");
    expect(gp).toMatchObject({
      value: "https://********@goproxy.corp.example/,direct",
      source: { kind: "environment" },
    });
    expect(doc.findings.map((f: { id: string }) => f.id)).toContain("ENVT-GO-008");
    for (const f of doc.findings)
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining([
          "id",
          "severity",
          "message",
          "subject",
          "fingerprint",
          "remediation",
          "references",
        ]),
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

  it("the safe probe runs in a directory without go.mod and skips costly names unless --full", async () => {
    const env = freshEnv({ CGO_CFLAGS: "-O2 -fplugin=/tmp/x.so" });
    const safe = await collectRaw({ env, origins: false, goPath: GO });
    const by = new Map(safe.settings.map((s) => [s.key, s]));
    expect(by.get("GOMOD")?.value).toBe("/dev/null");
    expect(safe.probe.asked).not.toContain("CGO_CFLAGS");
    expect(by.get("CGO_CFLAGS")).toMatchObject({
      probed: false,
      value: "-O2 -fplugin=/tmp/x.so",
      source: { kind: "environment" },
    });
    expect((await auditGo(safe)).findings.map((f) => f.messageId)).toContain("cgo-flags.code-loading");
    const full = await collectRaw({ env: freshEnv(), origins: false, full: true });
    const cflags = full.settings.find((s) => s.key === "CGO_CFLAGS")!;
    expect(full.probe.asked).toBe("all");
    expect(cflags.probed).toBe(true);
    expect(cflags.value).not.toBe("");
  });

  it("CLI: a missing go binary is a one-line error naming the fix", async () => {
    const r = await cli(["go", "--no-origins"], { PATH: "/nonexistent", HOME: "/tmp" });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--go/);
  });
});

/** Writes a zip with the given entries (what a module proxy serves). */
function makeZip(file: string, entries: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const [name, data] of Object.entries(entries)) z.addBuffer(Buffer.from(data), name);
    z.outputStream.pipe(fs.createWriteStream(file)).on("close", resolve).on("error", reject);
    z.end();
  });
}

interface Mod {
  path: string;
  version: string;
  files: Record<string, string>;
  goMod?: string;
}

const MODS: Mod[] = [
  {
    path: "example.com/Upper",
    version: "v1.0.0",
    goMod: "module example.com/Upper\n\ngo 1.19\n",
    files: { "upper.go": "package upper\n\nconst X = 1\n", "B/b.go": "package b\n" },
  },
  {
    path: "example.com/lib",
    version: "v1.2.0",
    goMod: "module example.com/lib\n\ngo 1.19\n",
    files: {
      "lib.go": "package lib\n\nfunc F() int { return 42 }\n",
      "internal/x/x.go": "package x\n",
      LICENSE: "MIT\n",
    },
  },
  { path: "example.com/nomod", version: "v0.1.0", files: { "nomod.go": "package nomod\n" } },
];

describe("envtrace go verify-modcache with a cache built by the real go command", () => {
  let cache: string;
  let gosum: string;
  let mainDir: string;
  let goEnv: Record<string, string>;

  beforeAll(async () => {
    const proxy = path.join(tmp, "proxy");
    cache = path.join(tmp, "modcache");
    mainDir = path.join(tmp, "main");
    fs.mkdirSync(mainDir, { recursive: true });
    for (const m of MODS) {
      const dir = path.join(proxy, escapeModulePath(m.path), "@v");
      fs.mkdirSync(dir, { recursive: true });
      const prefix = `${m.path}@${m.version}/`;
      const entries: Record<string, string> = {};
      if (m.goMod) entries[`${prefix}go.mod`] = m.goMod;
      for (const [f, d] of Object.entries(m.files)) entries[prefix + f] = d;
      await makeZip(path.join(dir, `${m.version}.zip`), entries);
      fs.writeFileSync(path.join(dir, `${m.version}.mod`), m.goMod ?? `module ${m.path}\n`);
      fs.writeFileSync(
        path.join(dir, `${m.version}.info`),
        JSON.stringify({ Version: m.version, Time: "2024-01-01T00:00:00Z" }),
      );
      fs.writeFileSync(path.join(dir, "list"), `${m.version}\n`);
    }
    fs.writeFileSync(
      path.join(mainDir, "go.mod"),
      `module example.com/main\n\ngo 1.19\n\nrequire (\n${MODS.map((m) => `\t${m.path} ${m.version}\n`).join("")})\n`,
    );
    goEnv = freshEnv({
      GOMODCACHE: cache,
      GOFLAGS: "-mod=mod -modcacherw",
      GOPROXY: `file://${proxy}`,
      GONOSUMDB: "*",
      GONOSUMCHECK: "1",
      GOSUMDB: "off",
      GOCACHE: path.join(tmp, "gocache"),
    });
    // go.sum lines computed by Go itself, offline.
    go(["mod", "download", ...MODS.map((m) => m.path)], goEnv, mainDir);
    gosum = path.join(mainDir, "go.sum");
  }, 120_000);

  /** A private copy of the cache and go.sum to tamper with. */
  async function copy(): Promise<{ cache: string; gosum: string }> {
    const dir = path.join(tmp, `case${n++}`);
    await fsp.cp(cache, path.join(dir, "modcache"), { recursive: true });
    await fsp.copyFile(gosum, path.join(dir, "go.sum"));
    return { cache: path.join(dir, "modcache"), gosum: path.join(dir, "go.sum") };
  }
  const dl = (c: string, m: Mod, ext: string) =>
    path.join(c, "cache", "download", escapeModulePath(m.path), "@v", `${m.version}${ext}`);
  const kinds = (r: VerifyReport) =>
    r.mismatches.map((m) => `${m.kind}:${m.module}@${m.version}${m.part ? `:${m.part}` : ""}`).sort();

  async function verify(c: { cache: string; gosum: string }) {
    const r = await cli(
      ["go", "verify-modcache", "--gomodcache", c.cache, "--gosum", c.gosum, "--format", "json"],
      goEnv,
    );
    const s = single(r.stdout);
    return { code: r.code, report: { ...s.details, issues: s.issues } as VerifyReport };
  }

  it("Go wrote go.sum with both lines per module, and the clean cache verifies", async () => {
    const sum = fs.readFileSync(gosum, "utf8");
    expect(sum).toContain("example.com/Upper v1.0.0 h1:VdQ1Jyqxgoy35LOGr7DI/qJt2Z2hbS1vUw71u1qip1A=");
    expect(sum.trim().split("\n")).toHaveLength(6);
    const { code, report } = await verify(await copy());
    expect(report.mismatches).toEqual([]);
    expect(report).toMatchObject({ moduleVersions: 3, zips: 3, gosum: [{ entries: 6, notInCache: 0 }] });
    expect(code).toBe(0);
  });

  it("a tampered zip: found, confirmed by go.sum and the extracted tree; `go mod verify` agrees", async () => {
    const c = await copy();
    const m = MODS[0]!;
    const prefix = `${m.path}@${m.version}/`;
    await makeZip(dl(c.cache, m, ".zip"), {
      [`${prefix}go.mod`]: m.goMod!,
      [`${prefix}upper.go`]: "package upper\n\nconst X = 2 // evil\n",
      [`${prefix}B/b.go`]: "package b\n",
    });
    const { code, report } = await verify(c);
    expect(code).toBe(1);
    expect(kinds(report)).toEqual([
      "gosum-mismatch:example.com/Upper@v1.0.0:zip",
      "tampered-zip:example.com/Upper@v1.0.0",
    ]);
    const t = report.mismatches.find((x) => x.kind === "tampered-zip")!;
    expect(t.confirmedBy).toEqual(["go.sum", "extracted-dir"]);
    expect(t.files).toEqual([dl(c.cache, m, ".zip")]);
    const goVerify = spawnSync(GO, ["mod", "verify"], {
      cwd: mainDir,
      env: { ...goEnv, GOMODCACHE: c.cache },
      encoding: "utf8",
    });
    expect(goVerify.status).not.toBe(0);
    expect(`${goVerify.stdout}${goVerify.stderr}`).toMatch(/zip has been modified/);
  });

  it("a tampered .ziphash: the zip still matches go.sum", async () => {
    const c = await copy();
    const m = MODS[1]!;
    fs.writeFileSync(dl(c.cache, m, ".ziphash"), "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    const { code, report } = await verify(c);
    expect(code).toBe(1);
    expect(kinds(report)).toEqual(["tampered-ziphash:example.com/lib@v1.2.0"]);
    expect(report.mismatches[0]!.confirmedBy).toEqual(["go.sum", "extracted-dir"]);
  });

  it("a go.sum line that disagrees names the go.sum file and line", async () => {
    const c = await copy();
    const lines = fs.readFileSync(c.gosum, "utf8").split("\n");
    const i = lines.findIndex((l) => l.startsWith("example.com/lib v1.2.0 h1:"));
    lines[i] = "example.com/lib v1.2.0 h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=";
    fs.writeFileSync(c.gosum, lines.join("\n"));
    const { code, report } = await verify(c);
    expect(code).toBe(1);
    expect(kinds(report)).toEqual(["gosum-mismatch:example.com/lib@v1.2.0:zip"]);
    expect(report.mismatches[0]!.files[0]).toBe(`${c.gosum}:${i + 1}`);
    expect(report.mismatches[0]!.expected).toBe("h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=");
  });

  it("a tampered .mod disagrees with go.sum and with the go.mod inside the zip", async () => {
    const c = await copy();
    fs.writeFileSync(
      dl(c.cache, MODS[0]!, ".mod"),
      "module example.com/Upper\n\ngo 1.19\n\nrequire evil.example/x v1.0.0\n",
    );
    const { code, report } = await verify(c);
    expect(code).toBe(1);
    expect(kinds(report)).toEqual([
      "gosum-mismatch:example.com/Upper@v1.0.0:go.mod",
      "mod-mismatch:example.com/Upper@v1.0.0",
    ]);
  });

  it("a modified file in the extracted tree", async () => {
    const c = await copy();
    fs.appendFileSync(path.join(c.cache, "example.com", "!upper@v1.0.0", "upper.go"), "// changed\n");
    const { report } = await verify(c);
    expect(kinds(report)).toEqual(["dir-modified:example.com/Upper@v1.0.0"]);
  });

  it("a truncated zip is a mismatch, not a crash", async () => {
    const c = await copy();
    const z = dl(c.cache, MODS[2]!, ".zip");
    fs.truncateSync(z, 40);
    const { code, report } = await verify(c);
    expect(code).toBe(1);
    expect(kinds(report)).toEqual(["unreadable-zip:example.com/nomod@v0.1.0"]);
  });

  it("text output names kind, module, version and files", async () => {
    const c = await copy();
    fs.writeFileSync(dl(c.cache, MODS[1]!, ".ziphash"), "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    const r = await cli(["go", "verify-modcache", "--gomodcache", c.cache, "--gosum", c.gosum], goEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tampered-ziphash\s+example\.com\/lib\s+v1\.2\.0\s+\S+v1\.2\.0\.ziphash/);
  });
});
