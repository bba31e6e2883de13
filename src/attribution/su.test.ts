import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { ProcessSnapshot } from "../model/index.js";
import { checkFixtureCase, fixtureCases } from "./lib/fixture-case.js";
import { suMode } from "./su.js";

describe("su resolver (fixture trees through the real engine)", () => {
  for (const dir of fixtureCases("su", "su")) {
    it(path.basename(dir), async () => {
      const r = await checkFixtureCase(dir);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.mismatches).toEqual([]);
    });
  }
});

describe("suMode", () => {
  const actor = (cmdline: string[]): ProcessSnapshot => ({
    info: { pid: 2, ppid: 1, comm: "su", cmdline, ttyNr: 0, startTicks: 0, cgroup: [] },
    env: null,
  });
  it.each([
    [["su", "-", "alice"], true, false],
    [["su", "-l", "alice"], true, false],
    [["su", "--login", "-c", "id", "alice"], true, false],
    [["su", "-lc", "id", "alice"], true, false],
    [["su", "alice"], false, false],
    [["su", "-m", "alice"], false, true],
    [["su", "-m", "-", "alice"], true, false],
    [["su", "-c", "-l", "alice"], false, false],
  ])("%j → login %s, preserve %s", (cmdline, login, preserve) => {
    expect(suMode(actor(cmdline))).toEqual({ login, preserve });
  });
});
