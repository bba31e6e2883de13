import { describe, expect, it } from "vitest";
import { runCli } from "../../../test/helpers/cli.js";
import { commands, loadCommands } from "./index.js";

describe("command registry", () => {
  it("has unique names, each loading the command it names", async () => {
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of commands) expect((await c.load()).name).toBe(c.name);
  });

  it("loads only the command a run executes, none for --version, all for help", async () => {
    expect((await loadCommands(["explain", "--pid", "1"])).map((c) => c.name)).toEqual(["explain"]);
    expect((await loadCommands(["k8s", "explain", "-f", "x"])).map((c) => c.name)).toEqual(["k8s"]);
    expect(await loadCommands(["--version"])).toEqual([]);
    expect((await loadCommands(["--help"])).length).toBe(commands.length);
    expect((await loadCommands([])).length).toBe(commands.length);
  });

  it("answers --version and lists every command in --help", async () => {
    expect((await runCli(["--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(["--help"]);
    for (const c of commands) expect(help.stdout).toContain(`  ${c.name}`);
  });
});
