/**
 * Figure (issue 6): `envtrace diff` core — median time to read, validate (ajv) and diff two snapshots of
 * 2,000 variables each, next to JSON.parse of the same two documents (the floor for reading them at all),
 * measured in the same run. Run: `npx tsx bench/drift-diff.ts`.
 */
import { diffSnapshots } from "../src/drift/diff.js";
import { buildSnapshot, parseSnapshot, serializeSnapshot } from "../src/drift/snapshot.js";
import type { DisplayValue, ExplainResult } from "../src/model/index.js";
import { median, row, timeIt } from "./lib.js";

const RUNS = Number(process.env.RUNS ?? 30);
const N = 2000;
function result(seed: string): ExplainResult<DisplayValue> {
  return {
    subject: { pid: 1, comm: "app" },
    variables: Array.from({ length: N }, (_, i) => ({
      key: `VAR_${i}`,
      value: i % 10 === 0 ? `${seed}-${i}` : `value-${i}`,
      winner: {
        kind: "systemd" as const,
        mechanism: "Environment",
        location: { file: `/etc/systemd/system/app${i % 7}.service`, line: i },
        confidence: "certain" as const,
        evidence: [],
      },
      shadowed: [],
      notes: [],
    })),
    findings: [],
    issues: [],
  };
}
const a = serializeSnapshot(buildSnapshot(result("dev"), { label: "dev" }));
const b = serializeSnapshot(buildSnapshot(result("prod"), { label: "prod" }));
const diff: number[] = [];
const floor: number[] = [];
for (let i = 0; i < RUNS; i++) {
  diff.push(
    await timeIt(() => diffSnapshots(parseSnapshot(a, "a"), parseSnapshot(b, "b"), { a: "a", b: "b" })),
  );
  floor.push(await timeIt(() => [JSON.parse(a), JSON.parse(b)]));
}
row(
  `parse+validate+diff, 2×${N} vars (median)`,
  median(diff),
  "ms",
  "JSON.parse of both snapshots",
  median(floor),
);
