/** schema/report.v2.schema.json is the shape the json reporter writes, and it lists every kind the code has. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SOURCE_KINDS, SUBJECT_KINDS } from "../../src/model/index.js";
import { jsonReporter } from "../../src/report/json.js";
import { parseReport } from "../helpers/report.js";
import { goldenReport } from "./golden-input.js";

const schema = JSON.parse(
  readFileSync(new URL("../../schema/report.v2.schema.json", import.meta.url), "utf8"),
);

describe("report schema v2", () => {
  it("validates the golden report's JSON", async () => {
    const doc = parseReport(await jsonReporter.render(goldenReport(), {}));
    expect(doc.schemaVersion).toBe(2);
    expect(doc.subjects[0].missing).toEqual(["GITHUB_TOKEN_UNSET"]);
  });

  it("rejects a document that breaks it (the validator is not a no-op)", async () => {
    const doc = JSON.parse(await jsonReporter.render(goldenReport(), {}));
    doc.subjects[0].kind = "spaceship";
    expect(() => parseReport(JSON.stringify(doc))).toThrow(/does not match/);
  });

  it("lists every source kind and subject kind of the model", () => {
    expect(schema.definitions.source.properties.kind.enum).toEqual([...SOURCE_KINDS]);
    expect(schema.definitions.subject.properties.kind.enum).toEqual([...SUBJECT_KINDS]);
  });
});
