/** How a reporter turns a (masked) value into text: the mask, or the raw value only under `--reveal`. */
import type { DisplayValue } from "../model/index.js";

export function displayString(v: DisplayValue, reveal: boolean): string {
  return typeof v === "string" ? v : reveal ? v.reveal() : v.mask;
}

export function isMasked(v: DisplayValue, reveal: boolean): boolean {
  return typeof v !== "string" && !reveal;
}
