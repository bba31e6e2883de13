/** Reporter registry: one file per format, listed explicitly, by format id. */
import type { DisplayValue, ExplainResult } from "../model/index.js";
import { VERSION } from "../version.js";
import { buildReport, explainSubject, runInfo } from "./build.js";
import type { Format, RenderOptions, Reporter } from "./reporter.js";

/** Each format's module is loaded when it is used (the HTML reporter brings Graphviz as WASM). */
const loaders: Record<Format, () => Promise<Reporter>> = {
  text: async () => (await import("./text.js")).textReporter,
  json: async () => (await import("./json.js")).jsonReporter,
  jsonl: async () => (await import("./jsonl.js")).jsonlReporter,
  sarif: async () => (await import("./sarif.js")).sarifReporter,
  junit: async () => (await import("./junit.js")).junitReporter,
  syslog: async () => (await import("./syslog.js")).syslogReporter,
  k8s: async () => (await import("./k8s.js")).k8sReporter,
  markdown: async () => (await import("./markdown.js")).markdownReporter,
  html: async () => (await import("./html.js")).htmlReporter,
};

export async function reporterFor(format: Format): Promise<Reporter> {
  return loaders[format]();
}

/** Every reporter, by format id (loads them all). */
export async function reporters(): Promise<Record<Format, Reporter>> {
  const out = {} as Record<Format, Reporter>;
  for (const [id, load] of Object.entries(loaders) as Array<[Format, () => Promise<Reporter>]>)
    out[id] = await load();
  return out;
}

/**
 * Renders explain results (processes, containers, pod containers) in one format: the library's shortcut
 * for `explainProcess()` → text/JSON/SARIF … without the CLI.
 */
export async function renderResults(
  results: ReadonlyArray<ExplainResult<DisplayValue>>,
  format: Format,
  opts: RenderOptions & { reveal?: boolean; command?: string } = {},
): Promise<string> {
  const run = runInfo({
    command: opts.command ?? "explain",
    argv: [],
    version: VERSION,
    startedAt: new Date(),
    revealed: !!opts.reveal,
  });
  return (await reporterFor(format)).render(
    buildReport(
      run,
      results.map((r) => explainSubject(r)),
    ),
    opts,
  );
}

export { buildReport, explainSubject, runInfo } from "./build.js";
export { FORMATS, type Format, type RenderOptions, type Reporter } from "./reporter.js";
