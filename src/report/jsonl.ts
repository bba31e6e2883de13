/**
 * JSON lines for log pipelines: one event per line (see `events.ts`), each carrying its run, host, time
 * and subject, so that a line read alone says what it is about.
 */
import { reportEvents } from "./events.js";
import type { Reporter } from "./reporter.js";

export const jsonlReporter: Reporter = {
  id: "jsonl",
  description: "one JSON object per variable, setting, check, drift entry, finding and issue",
  extension: "jsonl",
  render(r) {
    const events = reportEvents(r);
    return events.length === 0 ? "" : `${events.map((e) => JSON.stringify(e)).join("\n")}\n`;
  },
};
