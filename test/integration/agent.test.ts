/**
 * The node agent against this machine's real processes: `--once` prints the events of every process,
 * the loop explains only new processes on later scans, serves /healthz, /readyz and /metrics over real
 * HTTP, and stops cleanly on SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { parseDuration } from "../../src/cli/commands/agent.js";
import { nextDelay } from "../../src/fleet/agent.js";
import { runCli } from "../helpers/cli.js";
import { killAll, startProcess, waitForDescendant } from "../helpers/processes.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const TOKEN = `ghp_${"Agent7Zq1".repeat(4)}Ab`;
afterAll(killAll);

interface Event {
  type: string;
  subject: { id: string; kind: string };
  key?: string;
  data: { value?: string; masked?: boolean };
}
const events = (text: string): Event[] =>
  text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);

async function sleeper(env: Record<string, string>): Promise<number> {
  const child = startProcess("sh", ["-c", "sleep 300; :"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
  });
  return waitForDescendant(child.pid!, "sleep");
}

describe("envtrace agent", () => {
  it("--once prints one JSON line per event for every process, secrets masked", async () => {
    const pid = await sleeper({ AGENT_MARK: "once", GITHUB_TOKEN: TOKEN });
    const r = await runCli(["agent", "--once"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(TOKEN);
    const mine = events(r.stdout).filter((e) => e.subject.id === `process/${pid}`);
    expect(mine.find((e) => e.type === "variable" && e.key === "AGENT_MARK")?.data.value).toBe("once");
    expect(mine.find((e) => e.type === "variable" && e.key === "GITHUB_TOKEN")?.data.masked).toBe(true);
    expect(mine.some((e) => e.type === "finding")).toBe(true);
  });

  it("rescans incrementally, serves health and metrics, and stops on SIGTERM", async () => {
    const before = await sleeper({ AGENT_MARK: "before" });
    const agent: ChildProcess = spawn(
      "node",
      ["bin/envtrace.js", "agent", "--interval", "500ms", "--listen", "127.0.0.1:0"],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    agent.stdout!.on("data", (d) => (out += d));
    agent.stderr!.on("data", (d) => (err += d));
    try {
      const port = await until(() => Number(/on 127\.0\.0\.1:(\d+)/.exec(err)?.[1]) || undefined);
      const get = async (p: string) => {
        const r = await fetch(`http://127.0.0.1:${port}${p}`);
        return { status: r.status, body: await r.text() };
      };
      await until(async () => ((await get("/readyz")).status === 200 ? true : undefined));
      expect((await get("/healthz")).status).toBe(200);
      const after = await sleeper({ AGENT_MARK: "after" });
      await until(() => (out.includes(`"process/${after}"`) ? true : undefined));
      // The process alive at the first scan was explained once, however many scans ran.
      const firstSeen = events(out).filter(
        (e) => e.subject.id === `process/${before}` && e.type === "variable" && e.key === "AGENT_MARK",
      );
      await until(async () =>
        /envtrace_scans_total [3-9]/.test((await get("/metrics")).body) ? true : undefined,
      );
      expect(firstSeen).toHaveLength(1);
      const metrics = (await get("/metrics")).body;
      expect(metrics).toMatch(/^envtrace_processes [1-9]\d*$/m);
      expect(metrics).toMatch(/^envtrace_variables\{source_kind="[a-z-]+"\} \d+$/m);
      expect(metrics).toMatch(/^envtrace_scan_duration_seconds_count \d+$/m);
      expect(metrics).toMatch(/^envtrace_findings\{severity="high"\} \d+$/m);
      expect((await get("/nope")).status).toBe(404);
      agent.kill("SIGTERM");
      const code = await new Promise<number | null>((resolve) => agent.on("exit", resolve));
      expect(code).toBe(0);
    } finally {
      agent.kill("SIGKILL");
    }
  });

  it("backs off when a scan overruns its interval; durations parse strictly", () => {
    expect(nextDelay(1000, 200)).toBe(1000);
    expect(nextDelay(1000, 1500)).toBe(3000);
    expect(nextDelay(1000, 60_000)).toBe(10_000);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("2m")).toBe(120_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(() => parseDuration("soon")).toThrow(/--interval expects a duration/);
  });
});

async function until<T>(f: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}
