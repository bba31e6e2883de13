import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SecretValue } from "../detect/secret-value.js";
import type { Attribution, DisplayValue, Lineage, Subject } from "../model/index.js";
import { createHostFs } from "../snapshot/host-fs.js";
import { MAX_SNIPPET_CHARS, withSourceLines } from "./source-lines.js";

const root = mkdtempSync(join(tmpdir(), "envtrace-lines-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "home/u/.config/fish"), { recursive: true });
const long = `export LONG=${"x".repeat(400)}`;
writeFileSync(
  join(root, "home/u/.config/fish/config.fish"),
  ["set -gx APP_AUTH Zq8vN3kT1pLx", "set -gx EDITOR vim", long, ""].join("\n"),
);

const at = (file: string, line: number): Attribution => ({
  kind: "shell",
  location: { file, line },
  confidence: "certain",
  evidence: [],
});
const lineage = (key: string, value: DisplayValue, line: number, file = "/home/u/.config/fish/config.fish") =>
  ({ key, value, winner: at(file, line), shadowed: [], notes: [] }) as Lineage<DisplayValue>;
const subject = (variables: Lineage<DisplayValue>[]): Subject =>
  ({ id: "p", kind: "process", name: "p", details: {}, variables, findings: [], issues: [] }) as Subject;

describe("withSourceLines", () => {
  it("reads the line under the root and masks a secret value the text rules do not see", async () => {
    const [s] = await withSourceLines(
      [
        subject([
          lineage("APP_AUTH", new SecretValue("Zq8vN3kT1pLx", "********"), 1),
          lineage("EDITOR", "vim", 2),
          lineage("LONG", "x", 3),
          lineage("GONE", "1", 1, "/etc/missing"),
          lineage("PAST_END", "1", 99),
        ]),
      ],
      createHostFs(root),
    );
    const snip = (k: string) => s!.variables!.find((v) => v.key === k)!.winner!.snippet;
    expect(snip("APP_AUTH")).toBe("set -gx APP_AUTH ********");
    expect(snip("EDITOR")).toBe("set -gx EDITOR vim");
    expect(snip("LONG")).toHaveLength(MAX_SNIPPET_CHARS + 1);
    expect(snip("GONE")).toBeUndefined();
    expect(snip("PAST_END")).toBeUndefined();
    expect(JSON.stringify(s)).not.toContain("Zq8vN3kT1pLx");
  });
});
