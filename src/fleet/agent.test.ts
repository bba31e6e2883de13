import { afterEach, describe, expect, it } from "vitest";
import { FakeHost } from "../../test/helpers/fake-proc.js";
import type { Subject } from "../model/index.js";
import { nextDelay, ProcessScanner } from "./agent.js";

let host: FakeHost | undefined;
afterEach(() => host?.cleanup());

/** The (display) value of `key` in the subject of `pid` among the subjects a scan handed to its sink. */
function shownValue(subjects: Subject[], pid: number, key: string): string | undefined {
  const v = subjects.find((x) => x.id === `process/${pid}`)?.variables?.find((l) => l.key === key)?.value;
  return v === undefined ? undefined : String(v);
}

describe("ProcessScanner", () => {
  it("explains each process once, and a reused pid (new start time) as a new process with its own environ", async () => {
    host = new FakeHost()
      .process({ pid: 1, ppid: 0, comm: "init", env: { HOME: "/" } })
      .process({ pid: 40, ppid: 1, comm: "sleep", env: { MARK: "first" }, startTicks: 100 });
    const scanner = new ProcessScanner({ root: host.root });
    const seen: Subject[][] = [];
    const sink = async (s: Subject[]) => void seen.push(s);

    const first = await scanner.scan(sink);
    expect(first).toMatchObject({ explained: 2, live: 2, gone: 0 });
    expect(shownValue(seen.flat(), 40, "MARK")).toBe("first");

    seen.length = 0;
    const again = await scanner.scan(sink);
    expect(again).toMatchObject({ explained: 0, live: 2, gone: 0 });
    expect(seen.flat()).toEqual([]);

    // pid 40 exited and the kernel gave its pid to a new process: same pid, later start time.
    host.process({ pid: 40, ppid: 1, comm: "sleep", env: { MARK: "second" }, startTicks: 900 });
    seen.length = 0;
    const reused = await scanner.scan(sink);
    expect(reused).toMatchObject({ explained: 1, live: 2, gone: 1 });
    expect(shownValue(seen.flat(), 40, "MARK")).toBe("second");
  });

  it("keeps per-process counts between scans, never a value", async () => {
    host = new FakeHost()
      .process({ pid: 1, ppid: 0, comm: "init", env: { HOME: "/" } })
      .process({ pid: 41, ppid: 1, comm: "sleep", env: { A: "1", B: "2" } });
    const scanner = new ProcessScanner({ root: host.root });
    await scanner.scan();
    const p = [...scanner.processes()].find((x) => x.pid === 41);
    expect(p).toMatchObject({ key: "41:1041", variables: 2 });
    expect(JSON.stringify([...scanner.processes()])).not.toContain('"1"');
  });
});

describe("nextDelay", () => {
  it("backs off to twice an overrunning scan, at most ten intervals", () => {
    expect(nextDelay(30_000, 100)).toBe(30_000);
    expect(nextDelay(1_000, 1_500)).toBe(3_000);
    expect(nextDelay(1_000, 60_000)).toBe(10_000);
  });
});
