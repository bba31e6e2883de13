/**
 * JSON lines for log pipelines: one event per line (see `events.ts`), each carrying its run, host, time
 * and subject, so that a line read alone says what it is about.
 */
import { forEachEvent } from "./events.js";
import type { Reporter } from "./reporter.js";

export const jsonlReporter: Reporter = {
  id: "jsonl",
  description: "one JSON object per variable, setting, check, drift entry, finding and issue",
  extension: "jsonl",
  render(r) {
    // One event at a time: built, written, dropped.
    const lines: string[] = [];
    forEachEvent(r, (e) => {
      lines.push(JSON.stringify(e));
    });
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  },
};
