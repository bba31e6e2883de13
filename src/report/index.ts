/** Reporter registry: one file per format, listed explicitly. */
import { jsonReporter } from "./json.js";
import type { ExplainReporter } from "./reporter.js";
import { textReporter } from "./text.js";

export const reporters: readonly ExplainReporter[] = [textReporter, jsonReporter];

export function reporterFor(id: string): ExplainReporter | undefined {
  return reporters.find((r) => r.id === id);
}

export type { ExplainReporter, RenderOptions } from "./reporter.js";
