/** An engine `Attribution` in the JSON form of the report schema's `source` (flattened location). */
import { type Attribution, isFileLocation, isProcessActor } from "../model/index.js";
import type { Source } from "./types.js";

export function toSource(a: Attribution): Source {
  const out: Source = { kind: a.kind, confidence: a.confidence, evidence: [...a.evidence] };
  if (a.mechanism) out.mechanism = a.mechanism;
  const loc = a.location;
  if (loc) {
    if (isFileLocation(loc)) {
      out.file = loc.file;
      if (loc.line !== undefined) out.line = loc.line;
      if (loc.column !== undefined) out.column = loc.column;
    } else {
      out.resource = loc.resource;
      if (loc.key !== undefined) out.resourceKey = loc.key;
      if (loc.file !== undefined) out.file = loc.file;
      if (loc.line !== undefined) out.line = loc.line;
    }
  }
  if (a.actor) {
    out.actor = isProcessActor(a.actor)
      ? { pid: a.actor.pid, comm: a.actor.comm, ...(a.actor.exe ? { exe: a.actor.exe } : {}) }
      : {
          fieldManager: a.actor.fieldManager,
          ...(a.actor.operation ? { operation: a.actor.operation } : {}),
        };
  }
  if (a.time) out.time = { ...a.time };
  if (a.times && a.times.length > 0) out.times = a.times.map((t) => ({ ...t }));
  if (a.candidates && a.candidates.length > 0)
    out.candidates = a.candidates.map((c) =>
      isFileLocation(c)
        ? { file: c.file, ...(c.line ? { line: c.line } : {}) }
        : { resource: c.resource, ...(c.key ? { key: c.key } : {}) },
    );
  return out;
}
