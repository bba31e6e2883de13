import { Option } from "commander";
import type { Severity } from "../model/index.js";
import { SEVERITY_RANK } from "../model/index.js";
import { EnvtraceError } from "./errors.js";

export const formatOption = (formats: readonly string[] = ["text", "json"]) =>
  new Option("-f, --format <format>", "output format").choices([...formats]).default("text");

export const failOnOption = () =>
  new Option("--fail-on <severity>", "exit 1 when a finding is at or above this severity")
    .choices(Object.keys(SEVERITY_RANK))
    .default(undefined);

export function parsePid(value: string): number {
  // PID_MAX_LIMIT is 2^22 on 64-bit Linux; anything above is no process id.
  if (!/^\d+$/.test(value) || Number(value) <= 0 || Number(value) > 4_194_304) {
    throw new EnvtraceError("USAGE", { detail: `--pid expects a positive process id, got '${value}'` });
  }
  return Number(value);
}

export function collectPids(value: string, previous: number[] = []): number[] {
  return [...previous, ...value.split(",").map((v) => parsePid(v.trim()))];
}

export function atOrAbove(severity: Severity, threshold: Severity | undefined): boolean {
  return threshold !== undefined && SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}
