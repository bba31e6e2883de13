/**
 * One reporter per format behind one interface. Reporters receive results that are already masked;
 * a value is a string or a SecretValue (whose string form is its mask). A reporter never reveals a value
 * unless `opts.reveal` is set, and then says so in its output.
 */
import type { DisplayValue, ExplainResult } from "../model/index.js";

export interface RenderOptions {
  color: boolean;
  reveal: boolean;
  /** Terminal width for text layout; undefined = no truncation. */
  width?: number;
}

export interface ExplainReporter {
  readonly id: string;
  render(results: ReadonlyArray<ExplainResult<DisplayValue>>, opts: RenderOptions): string;
}

export function displayString(v: DisplayValue, reveal: boolean): string {
  return typeof v === "string" ? v : reveal ? v.reveal() : v.mask;
}
