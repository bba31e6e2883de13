/**
 * Reading a `--format json` report (schema v2) in tests: the whole document, validated against the
 * published schema, and a flat view of its one subject (`subject`, `variables`, `findings`, `issues`).
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";

const schema = JSON.parse(
  readFileSync(new URL("../../schema/report.v2.schema.json", import.meta.url), "utf8"),
);
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary report JSON by path
type Json = any;

export const validateReport = ajv.compile(schema);

/** Parses a report and fails when it does not match schema/report.v2.schema.json. */
export function parseReport(stdout: string): Json {
  const doc: Json = JSON.parse(stdout);
  if (!validateReport(doc))
    throw new Error(`report does not match the schema: ${JSON.stringify(validateReport.errors)}`);
  return doc;
}

/** The one subject of a report, flat: details as `subject` (with kind and name), the report's issues included. */
export function single(stdout: string): Json {
  const doc = parseReport(stdout);
  const s = doc.subjects[0] ?? { details: {}, variables: [], findings: [], issues: [] };
  return {
    ...s,
    subject: { ...s.details, kind: s.kind, name: s.name },
    variables: s.variables ?? [],
    issues: [...doc.issues, ...(s.issues ?? [])],
    revealed: doc.run.revealed,
    run: doc.run,
  };
}
