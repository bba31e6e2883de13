/**
 * The webhook's and the agent's events, JSON lines on stdout, in bounded memory. When stdout is a pipe whose
 * reader stops (a stalled log collector), Node's process.stdout queues every write in memory without limit
 * (measured: 100 MB queued, RSS +100 MB, for 100k events of 1 KB): a long-running webhook would grow until
 * the kubelet kills it. When stdout is a pipe or a socket, events go through a handle on the same
 * descriptor instead: at most `maxBufferedBytes` wait, an event beyond that is dropped whole and counted
 * (`onDrop`), and lines are never torn. A file or a terminal keeps the plain stream.
 */
import { fstatSync } from "node:fs";
import { Socket } from "node:net";

export interface EventLines {
  /** Queues one line (with its newline); drops it when too much is waiting. */
  write(line: string): void;
  /** Lines dropped so far. */
  readonly dropped: number;
  /** Flushes what waits (up to `timeoutMs`), then lets the descriptor go. */
  close(timeoutMs?: number): Promise<void>;
}

export interface EventLinesOptions {
  /** The descriptor to write to (default 1). */
  fd?: number;
  /** The stream used when the descriptor is not a pipe or socket (default process.stdout). */
  fallback?: { write(s: string): unknown };
  /** Bytes that may wait before lines are dropped (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Called after each drop with the running total and the text dropped. */
  onDrop?: (total: number, text: string) => void;
}

export function eventLines(o: EventLinesOptions = {}): EventLines {
  const fd = o.fd ?? 1;
  const max = o.maxBufferedBytes ?? 8 * 1024 * 1024;
  let kind: "stream" | "socket" = "stream";
  try {
    const st = fstatSync(fd);
    if (st.isFIFO() || st.isSocket()) kind = "socket";
  } catch {
    // A closed descriptor: the stream reports its own errors.
  }
  if (kind === "stream") {
    const out = o.fallback ?? process.stdout;
    return { write: (line) => void out.write(line), dropped: 0, close: async () => {} };
  }
  const sock = new Socket({ fd, readable: false, writable: true });
  // A reader that went away (EPIPE) is a dead collector, not a crash: what follows is dropped.
  let broken = false;
  sock.on("error", () => {
    broken = true;
  });
  let dropped = 0;
  return {
    write(line) {
      if (broken || sock.writableLength + line.length > max) {
        dropped++;
        o.onDrop?.(dropped, line);
        return;
      }
      sock.write(line);
    },
    get dropped() {
      return dropped;
    },
    close(timeoutMs = 2000) {
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          sock.destroy();
          resolve();
        }, timeoutMs);
        timer.unref();
        if (broken) {
          sock.destroy();
          return done();
        }
        // end() calls back once everything queued has reached the pipe.
        sock.end(() => {
          sock.destroy();
          done();
        });
      });
    },
  };
}
