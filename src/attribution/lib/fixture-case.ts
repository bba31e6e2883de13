/**
 * Test support for the host resolvers' fixture trees (`test/fixtures/<kind>/<id>/<case>/`): runs the real
 * pipeline (`ExplainSession` with the case directory as the host root) and compares the result with the
 * case's `expected.json` (kind, mechanism, file, line, confidence, shadowed values and places, issues).
 * Returns the mismatches as lines, so a test asserts an empty list and prints what differs.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ExplainSession } from "../../explain.js";
import { isFileLocation } from "../../model/index.js";

export interface ExpectedVariable {
  key: string;
  kind: string;
  mechanism?: string;
  file?: string;
  line?: number;
  confidence: string;
  shadowed?: Array<{ value: string; kind?: string; file?: string; line?: number }>;
}
export interface ExpectedCase {
  subject: number;
  variables: ExpectedVariable[];
  issues?: Array<{ subject: string; code: string }>;
}

export async function checkFixtureCase(dir: string): Promise<{ mismatches: string[]; checked: number }> {
  const expected = JSON.parse(readFileSync(path.join(dir, "expected.json"), "utf8")) as ExpectedCase;
  const session = new ExplainSession({ root: dir, reveal: true });
  const result = await session.explain(expected.subject);
  const mismatches: string[] = [];
  for (const want of expected.variables) {
    const got = result.variables.find((v) => v.key === want.key);
    if (!got?.winner) {
      mismatches.push(`${want.key}: not attributed`);
      continue;
    }
    const w = got.winner;
    const loc = isFileLocation(w.location) ? w.location : undefined;
    const cmp = (field: string, a: unknown, b: unknown) => {
      if (b !== undefined && a !== b)
        mismatches.push(`${want.key}.${field}: got ${String(a)}, want ${String(b)}`);
    };
    cmp("kind", w.kind, want.kind);
    cmp("mechanism", w.mechanism, want.mechanism);
    cmp("confidence", w.confidence, want.confidence);
    cmp("file", loc?.file, want.file);
    cmp("line", loc?.line, want.line);
    for (const s of want.shadowed ?? []) {
      const hit = got.shadowed.find((x) => {
        const l = isFileLocation(x.attribution.location) ? x.attribution.location : undefined;
        return (
          String(x.value) === s.value &&
          (s.kind === undefined || x.attribution.kind === s.kind) &&
          (s.file === undefined || l?.file === s.file) &&
          (s.line === undefined || l?.line === s.line)
        );
      });
      if (!hit)
        mismatches.push(`${want.key}: missing shadowed ${s.kind ?? ""} ${s.file ?? ""}:${s.line ?? ""}`);
    }
  }
  for (const want of expected.issues ?? []) {
    if (!result.issues.some((i) => i.subject === want.subject && i.code === want.code)) {
      mismatches.push(`missing issue ${want.code} for ${want.subject}`);
    }
  }
  return { mismatches, checked: expected.variables.length };
}

/** The case directories of one resolver: `test/fixtures/<kind>/<id>/<case>/` holding an expected.json. */
export function fixtureCases(kind: string, id: string): string[] {
  const dir = fileURLToPath(new URL(`../../../test/fixtures/${kind}/${id}/`, import.meta.url));
  return readdirSync(dir)
    .sort()
    .map((c) => path.join(dir, c));
}
