/**
 * One reporter per format behind one interface. A reporter receives a {@link Report} that is already
 * masked (a value is a string or a SecretValue whose string form is its mask) and returns the bytes to
 * write. It reveals a value only when `report.run.revealed` is set, and then says so in its output.
 */
import type { Report, Severity } from "../model/index.js";

/** Every output format; each has one file `src/report/<id>.ts` and an entry in `index.ts`. */
export const FORMATS = [
  "text",
  "json",
  "jsonl",
  "sarif",
  "junit",
  "syslog",
  "k8s",
  "markdown",
  "html",
] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** ANSI colours (text only; the CLI decides: a TTY and no NO_COLOR). */
  color?: boolean;
  /** Terminal width for text layout; undefined = no limit. */
  width?: number;
  /** `--wide`: never cut a column. */
  wide?: boolean;
  /** Findings at or above this severity are failures (JUnit); default: the run's `--fail-on`, else `high`. */
  failOn?: Severity;
  /** RFC 5424 options (syslog). */
  syslog?: { pen?: number; maxLineBytes?: number; appName?: string };
  /** Kubernetes objects (k8s): one audit level for every event; reports or events left out. */
  k8s?: { level?: "None" | "Metadata" | "Request" | "RequestResponse"; reports?: boolean; events?: boolean };
}

export interface Reporter {
  readonly id: Format;
  readonly description: string;
  /** File name extension for `--output` suggestions and CI templates. */
  readonly extension: string;
  render(report: Report, opts: RenderOptions): string | Promise<string>;
}

export { displayString } from "./values.js";
