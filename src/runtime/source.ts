/**
 * An engine `Attribution` in the JSON form of the report schema's `source` (flattened location), for the
 * runtime's answers. The mapping is the JSON reporter's own (`sourceJson` in src/report/json.ts); what the
 * runtime does differently is said here: `kind, confidence, evidence` lead (the runtime's `Source` order),
 * arrays and times are copied (the runtime freezes what it hands out, and must not freeze the engine's
 * objects), a candidate keeps only where it is (`file`+`line`, or `resource`+`key`), and there is no
 * `snippet` (the runtime never reads source lines).
 */
import { type Attribution, isFileLocation, type Location } from "../model/index.js";
import { sourceJson } from "../report/json.js";
import type { Source } from "./types.js";

type Candidate = NonNullable<Source["candidates"]>[number];

export function toSource(a: Attribution): Source {
  const j = sourceJson(a) as Record<string, unknown> & Partial<Source>;
  const out: Source = { kind: a.kind, confidence: a.confidence, evidence: [...a.evidence] };
  for (const [k, v] of Object.entries(j)) {
    if (k === "kind" || k === "confidence" || k === "evidence" || k === "snippet") continue;
    if (k === "time") out.time = { ...(v as NonNullable<Source["time"]>) };
    else if (k === "times") out.times = (v as NonNullable<Source["times"]>).map((t) => ({ ...t }));
    else if (k === "candidates") out.candidates = (v as Candidate[]).map(candidate);
    else (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

function candidate(c: Candidate): Candidate {
  return isFileLocation(c as Location)
    ? { file: c.file, ...(c.line ? { line: c.line } : {}) }
    : { resource: c.resource, ...(c.key ? { key: c.key } : {}) };
}
