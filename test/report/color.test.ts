/** The README's promise: colour only on a terminal (or FORCE_COLOR), and never with NO_COLOR. */
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const ESC = "\x1b[";
const argv = ["host", "--go-version", "1.22"];

describe("colour", () => {
  it("is off when stdout is not a terminal", async () => {
    expect((await runCli(argv, { env: {} })).stdout).not.toContain(ESC);
  });
  it("is on with FORCE_COLOR, and NO_COLOR wins over it", async () => {
    expect((await runCli(argv, { env: { FORCE_COLOR: "1" } })).stdout).toContain(ESC);
    expect((await runCli(argv, { env: { FORCE_COLOR: "1", NO_COLOR: "1" } })).stdout).not.toContain(ESC);
  });
  it("never goes into a file written with --output, nor into machine formats", async () => {
    const json = await runCli([...argv, "-o", "json"], { env: { FORCE_COLOR: "1" } });
    expect(json.stdout).not.toContain(ESC);
  });
});
