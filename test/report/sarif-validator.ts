/**
 * Validates SARIF with the official validator, `@microsoft/sarif-multitool validate` (offline), with the
 * SARIF rules and GitHub's ingestion rules (`--rule-kind Sarif;Gh`). The tool exits 0 even when it finds
 * errors, so this reads its output log and returns every `error`-level result.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The package's main export is the path of the platform binary; run it without a shell (bin.js uses one,
// which splits `Sarif;Gh`).
const multitool: string = createRequire(import.meta.url)("@microsoft/sarif-multitool");

export interface ValidationError {
  ruleId: string;
  text: string;
}

export function sarifErrors(sarif: string, name = "report"): ValidationError[] {
  const dir = mkdtempSync(join(tmpdir(), "envtrace-sarif-"));
  try {
    const input = join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.sarif`);
    const out = join(dir, "validation.sarif");
    writeFileSync(input, sarif);
    execFileSync(
      multitool,
      ["validate", input, "-o", out, "--rule-kind", "Sarif;Gh", "--log", "ForceOverwrite", "--quiet"],
      { stdio: "pipe", timeout: 120_000, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" } },
    );
    const log = JSON.parse(readFileSync(out, "utf8"));
    const rules: Array<{ id: string; messageStrings?: Record<string, { text: string }> }> =
      log.runs[0].tool.driver.rules ?? [];
    const results: Array<{
      ruleId: string;
      ruleIndex?: number;
      level?: string;
      message: { id?: string; text?: string; arguments?: string[] };
    }> = log.runs[0].results ?? [];
    // A result without a level has its rule's default (warning for every multitool rule).
    return results
      .filter((r) => r.level === "error")
      .map((r) => {
        const rule = rules.find((x) => x.id === r.ruleId);
        const template = r.message.id ? rule?.messageStrings?.[r.message.id]?.text : undefined;
        const text =
          r.message.text ??
          template?.replace(/\{(\d+)\}/g, (_, i) => r.message.arguments?.[Number(i)] ?? "") ??
          JSON.stringify(r.message.arguments);
        return { ruleId: r.ruleId, text };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
