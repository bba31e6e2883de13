/**
 * bin/envtrace.js (README: "Node 24 takes that flag only from the command line, so `node bin/envtrace.js …`
 * on Node 24 replaces itself once with a process that has it"). The suite runs on Node 20, 22 and 24
 * (scripts/test-all.sh): on each line the running CLI's own command line is read from /proc while it
 * waits for input (`redact` of stdin).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/envtrace.js", import.meta.url));
const major = Number(process.versions.node.split(".")[0]);

/**
 * Starts the CLI waiting on stdin and reads its command line from /proc: on Node 24 until it shows the
 * re-executed one (or 10 s pass), elsewhere after 1.5 s (the re-exec is bin's first statement).
 */
async function cmdlineWhileRunning(args: string[]): Promise<{ argv: string[]; code: number }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const read = () => readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  const until = Date.now() + (major >= 24 ? 10_000 : 1_500);
  let argv = read();
  while (Date.now() < until && !(major >= 24 && argv.includes("--liftoff-only"))) {
    await new Promise((r) => setTimeout(r, 50));
    argv = read();
  }
  child.stdin.end("PLAIN=1\n");
  const code = await new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
  return { argv, code };
}

describe("bin/envtrace.js", () => {
  it(`on Node ${major}: ${major >= 24 ? "re-executes itself with --liftoff-only (same pid)" : "runs as started (the flag is set at run time)"}`, async () => {
    const { argv, code } = await cmdlineWhileRunning(["redact"]);
    expect(code).toBe(0);
    expect(argv[0]).toBe(process.execPath);
    expect(argv).toContain(BIN);
    if (major >= 24) {
      expect(argv.slice(1, argv.indexOf(BIN))).toEqual(["--max-semi-space-size=64", "--liftoff-only"]);
    } else {
      expect(argv).not.toContain("--liftoff-only");
    }
  });
});
