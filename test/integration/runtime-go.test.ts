/**
 * The Go module (go/envtrace) with Debian's Go 1.19 and Debian's Gin, Echo and OpenTelemetry sources
 * (/usr/share/gocode; scripts/install-test-deps.sh installs them): `go test` of the core and every adapter
 * in GOPATH mode (no module proxy is reachable), and a Go program started by a login bash whose
 * ~/.bash_profile exports a variable: SourceOf names that file:line, through the real envtrace CLI.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const PKG = "github.com/envtrace/envtrace/go/envtrace";
const GOCODE = "/usr/share/gocode";

let gopath: string;
let goEnv: NodeJS.ProcessEnv;
beforeAll(() => {
  for (const p of ["github.com/gin-gonic/gin", "github.com/labstack/echo", "go.opentelemetry.io/otel/sdk"])
    if (!existsSync(join(GOCODE, "src", p)))
      throw new Error(`${p} missing under ${GOCODE}: run sh scripts/install-test-deps.sh`);
  gopath = mkdtempSync(join(tmpdir(), "envtrace-gopath-"));
  // GOPATH mode: the module's directory under its import path (a symlink to the package directory
  // itself is followed; `...` patterns would not be), then Debian's tree for the dependencies.
  mkdirSync(join(gopath, "src/github.com/envtrace/envtrace/go"), { recursive: true });
  symlinkSync(join(ROOT, "go/envtrace"), join(gopath, "src", PKG));
  goEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GO111MODULE: "off",
    GOPATH: `${gopath}:${GOCODE}`,
    GOFLAGS: "",
    GOCACHE: process.env.GOCACHE ?? join(tmpdir(), "envtrace-gocache"),
  };
});
afterAll(() => rmSync(gopath, { recursive: true, force: true }));

describe("go/envtrace", () => {
  it("go test: core, net/http middleware, Gin, Echo, OpenTelemetry adapters (real servers on loopback)", async () => {
    const pkgs = [PKG, `${PKG}/ginenvtrace`, `${PKG}/echoenvtrace`, `${PKG}/otelenvtrace`];
    const { stdout } = await exec("go", ["test", "-count=1", ...pkgs], {
      cwd: gopath,
      env: goEnv,
      timeout: 300_000,
    });
    for (const p of pkgs) expect(stdout).toMatch(new RegExp(`^ok\\s+${p.replace(/[./]/g, "\\$&")}\\s`, "m"));
  }, 320_000);

  it("SourceOf names the ~/.bash_profile line that exported a variable (engine run as ENVTRACE_BIN)", async () => {
    const prog = join(gopath, "src/etprobe");
    mkdirSync(prog, { recursive: true });
    writeFileSync(
      join(prog, "main.go"),
      `package main

import (
	"encoding/json"
	"os"

	envtrace "${PKG}"
)

func main() {
	envtrace.Init()
	envtrace.Setenv("SET_IN_MAIN", "1")
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"profile": envtrace.SourceOf("FROM_PROFILE"),
		"main":    envtrace.SourceOf("SET_IN_MAIN"),
		"reason":  envtrace.Reason(),
	})
}
`,
    );
    const bin = join(gopath, "etprobe");
    await exec("go", ["build", "-o", bin, "etprobe"], { cwd: gopath, env: goEnv, timeout: 300_000 });
    const home = join(gopath, "home");
    mkdirSync(home);
    writeFileSync(join(home, ".bash_profile"), "# profile\nexport FROM_PROFILE=from-profile\n");
    const engine = join(gopath, "envtrace-bin");
    writeFileSync(
      engine,
      `#!/bin/sh\nexec node --import ${join(ROOT, "node_modules/tsx/dist/loader.mjs")} --input-type=module -e "import { run } from '${join(ROOT, "src/cli/run.ts")}'; process.exitCode = await run(process.argv.slice(1));" -- "$@"\n`,
      { mode: 0o755 },
    );
    // `; true` keeps bash from exec'ing the program: bash stays its parent, the actor that exported it.
    const { stdout } = await exec("bash", ["-lc", `${bin}; true`], {
      cwd: home,
      env: { PATH: process.env.PATH, HOME: home, ENVTRACE_BIN: engine },
      timeout: 120_000,
    });
    const r = JSON.parse(stdout);
    expect(r.reason).toBe("");
    expect(r.profile).toMatchObject({
      kind: "shell",
      mechanism: "bash",
      file: join(home, ".bash_profile"),
      line: 2,
      actor: "bash",
      confidence: "certain",
    });
    expect(r.main).toMatchObject({
      kind: "runtime",
      mechanism: "envtrace.Setenv",
      file: join(prog, "main.go"),
      line: 12,
      confidence: "certain",
    });
  }, 320_000);
});
