/** `envtrace shell` over a fixture tree (hidden --root), registered on its own commander program. */
import { Readable } from "node:stream";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { EnvtraceError } from "../errors.js";
import type { CliIo } from "../io.js";
import { commandContext } from "../output.js";
import { defaultShell, shellCommand } from "./shell.js";

const ROOT = new URL("../../../test/fixtures/shell/bash/login", import.meta.url).pathname;

async function runShell(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ out: string; err?: string }> {
  let out = "";
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => undefined },
    stdin: Readable.from([]),
    env: { NO_COLOR: "1", HOME: "/home/u", PATH: "/usr/bin:/bin", ...env },
    pid: process.pid,
  };
  const program = new Command("envtrace").exitOverride();
  shellCommand.register(program, commandContext(io)).exitOverride();
  try {
    await program.parseAsync(["shell", "--root", ROOT, ...args], { from: "user" });
  } catch (err) {
    return { out, err: err instanceof EnvtraceError ? err.code : String(err) };
  }
  return { out };
}

describe("envtrace shell", () => {
  it("prints what the startup files export, with file:line, shadowed rows and segments; masks secrets", async () => {
    const { out } = await runShell(["--shell", "bash"]);
    expect(out).toMatch(/^bash \(login interactive\), HOME=\/home\/u/);
    // Under the subject's HOME, paths read as ~/…
    expect(out).toMatch(/EDITOR\s+vim\s+shell:bash\s+~\/\.bash_profile:2\s+certain/);
    expect(out).toMatch(/shadowed\s+nano\s+shell:bash\s+\/etc\/profile:9/);
    expect(out).toMatch(/segment\s+\/opt\/tools\/bin\s+\/etc\/profile\.d\/20-tools\.sh:2/);
    expect(out).toMatch(/DB_PASSWORD\s+\*{8}/);
    expect(out).not.toContain("s3cr3t-hunter2");
    expect(out).toContain("1 secret(s) masked");
  });

  it("JSON: versioned, masked flags, computed values, --reveal opts out and says so", async () => {
    const doc = JSON.parse((await runShell(["--format", "json"], { SHELL: "/bin/bash" })).out);
    expect(doc.schemaVersion).toBe(2);
    const json = doc.subjects[0];
    expect(json).toMatchObject({
      kind: "shell-startup",
      details: { shell: "bash", mode: { login: true, interactive: true } },
    });
    const v = (k: string) => json.variables.find((x: { key: string }) => x.key === k);
    expect(v("DB_PASSWORD")).toMatchObject({
      masked: true,
      source: { kind: "shell", mechanism: "bash", file: "/home/u/.bash_profile", line: 19 },
    });
    expect(v("DB_PASSWORD").value).toMatch(/^\*{8}/);
    expect(json.findings.map((f: { id: string; key: string }) => [f.id, f.key])).toContainEqual([
      "ENVT-SECRET-001",
      "DB_PASSWORD",
    ]);
    expect(JSON.stringify(doc)).not.toContain("s3cr3t-hunter2");
    expect(v("BUILD_ID")).toMatchObject({
      value: "(computed)",
      source: { line: 15, confidence: "possible" },
    });
    expect(v("GOFLAGS").source).toMatchObject({ confidence: "likely" });
    const revealed = await runShell(["--format", "json", "--reveal"]);
    expect(revealed.out).toContain("s3cr3t-hunter2");
    expect(JSON.parse(revealed.out).run.revealed).toBe(true);
  });

  it("--interactive alone: a non-login shell reads the rc files only", async () => {
    const json = JSON.parse((await runShell(["--interactive", "--format", "json"])).out).subjects[0];
    expect(json.details.mode).toEqual({ login: false, interactive: true });
    expect(json.details.files).toEqual(["/home/u/.bashrc"]);
  });

  it("the default shell comes from $SHELL, else bash; a bad --home is a one-line error", async () => {
    expect(defaultShell({ SHELL: "/usr/bin/zsh" })).toBe("zsh");
    expect(defaultShell({ SHELL: "/usr/bin/tcsh" })).toBe("bash");
    expect(defaultShell({})).toBe("bash");
    expect((await runShell(["--home", "/no/such/dir"])).err).toBe("BAD_INPUT");
  });
});
