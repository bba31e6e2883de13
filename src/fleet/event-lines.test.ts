import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventLines } from "./event-lines.js";

const dir = mkdtempSync(join(tmpdir(), "envtrace-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real pipe whose reader never reads: its write end fills after the kernel's 64 KiB. */
function stalledPipe(): { reader: number; writer: number } {
  const fifo = join(dir, `fifo-${Math.random().toString(36).slice(2)}`);
  execFileSync("mkfifo", [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  return { reader, writer };
}

function drain(fd: number): string {
  const buf = Buffer.alloc(1 << 20);
  let text = "";
  for (;;) {
    let n = 0;
    try {
      n = readSync(fd, buf);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EAGAIN") break;
      throw err;
    }
    if (n === 0) break;
    text += buf.subarray(0, n).toString("utf8");
  }
  return text;
}

describe("eventLines", () => {
  it("never blocks on a full pipe: bounded memory, whole lines, drops counted", async () => {
    const { reader, writer } = stalledPipe();
    const drops: number[] = [];
    const out = eventLines({ fd: writer, maxBufferedBytes: 100_000, onDrop: (n) => drops.push(n) });
    const line = (i: number) => `${JSON.stringify({ seq: i, pad: "x".repeat(1000) })}\n`;
    const t0 = Date.now();
    for (let i = 0; i < 1000; i++) out.write(line(i));
    // 1000 lines of ~1 KiB into 64 KiB of pipe and 100 KB of queue: the writes return, the rest is dropped.
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(out.dropped).toBeGreaterThan(700);
    expect(drops.at(-1)).toBe(out.dropped);
    await new Promise((r) => setTimeout(r, 50));
    // Reading frees the pipe; what was queued follows; every line arrives whole and in order.
    let text = drain(reader);
    const reading = setInterval(() => {
      text += drain(reader);
    }, 5);
    await out.close(5000);
    clearInterval(reading);
    text += drain(reader);
    closeSync(reader);
    const seqs = text
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs.length).toBe(1000 - out.dropped);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBe(0);
  });

  it("writes a file through the plain stream", async () => {
    const fd = openSync(join(dir, "events.jsonl"), "w");
    const seen: string[] = [];
    const out = eventLines({ fd, fallback: { write: (s: string) => seen.push(s) } });
    out.write('{"a":1}\n');
    await out.close();
    closeSync(fd);
    expect(seen).toEqual(['{"a":1}\n']);
    expect(out.dropped).toBe(0);
  });
});
