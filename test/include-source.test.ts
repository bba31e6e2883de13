/**
 * `--include-source` (issue 17): each file:line source carries the line's text as `snippet`, masked. A real
 * bash login shell reads a real `~/.bash_profile`; the report is read as JSON and JSON lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { killAll, startProcess, waitForDescendant } from "./helpers/processes.js";
import { single } from "./helpers/report.js";

const home = mkdtempSync(join(tmpdir(), "envtrace-snippet-"));
// A token a text rule finds, and a password only the variable's name marks as secret.
const token = `ghp_${"Vb7Qz2Lk9W".repeat(3)}Xy34Pq`;
const password = "Zq8vN3kT1pLx";
let pid = "";

beforeAll(async () => {
  writeFileSync(
    join(home, ".bash_profile"),
    [
      "# envtrace test profile",
      "export API_URL=https://api.example.invalid/v1",
      `export GH_TOKEN=${token}`,
      `export DB_PASSWORD='${password}'`,
      "",
    ].join("\n"),
  );
  const child = startProcess("bash", ["-l", "-c", "sleep 60; :"], {
    env: { HOME: home, PATH: "/usr/bin:/bin", USER: "root" },
  });
  pid = String(await waitForDescendant(child.pid!, "sleep"));
});

afterAll(() => {
  killAll();
  rmSync(home, { recursive: true, force: true });
});

type Variable = { key: string; source: { file?: string; line?: number; snippet?: string } };

describe("--include-source", () => {
  it("adds the masked line of each file:line source to json", async () => {
    const r = await runCli(["explain", "--pid", pid, "-o", "json", "--include-source"]);
    expect(r.code).toBe(0);
    const vars = single(r.stdout).variables as Variable[];
    const byKey = (k: string) => vars.find((v) => v.key === k)!.source;
    expect(byKey("API_URL")).toMatchObject({
      file: join(home, ".bash_profile"),
      line: 2,
      snippet: "export API_URL=https://api.example.invalid/v1",
    });
    expect(byKey("GH_TOKEN").snippet).toMatch(/^export GH_TOKEN=\S*\*/);
    expect(byKey("DB_PASSWORD").snippet).toMatch(/^export DB_PASSWORD='\S*\*/);
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(token);
      expect(out).not.toContain(password);
    }
  });

  it("is in json lines too, and absent without the flag", async () => {
    const lines = await runCli(["explain", "--pid", pid, "-o", "jsonl", "--include-source"]);
    expect(lines.stdout).toContain('"snippet":"export API_URL=https://api.example.invalid/v1"');
    expect(lines.stdout).not.toContain(token);
    expect(lines.stdout).not.toContain(password);
    const plain = await runCli(["explain", "--pid", pid, "-o", "json"]);
    expect(plain.stdout).not.toContain('"snippet"');
  });
});
