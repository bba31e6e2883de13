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

/** PID_MAX_LIMIT on 64-bit Linux (2^22): no pid is larger, whatever /proc/sys/kernel/pid_max says. */
export const PID_MAX_LIMIT = 4_194_304;

export function parsePid(value: string): number {
  // PID_MAX_LIMIT is 2^22 on 64-bit Linux; anything above is no process id.
  if (!/^\d+$/.test(value) || Number(value) <= 0) {
    throw new EnvtraceError("USAGE", {
      detail: `--pid expects a process id (a positive integer), got '${value.slice(0, 40)}'`,
    });
  }
  if (Number(value) > PID_MAX_LIMIT) {
    throw new EnvtraceError("USAGE", {
      detail: `--pid ${value} is above the largest pid Linux can assign (${PID_MAX_LIMIT}, see /proc/sys/kernel/pid_max): no such process`,
    });
  }
  return Number(value);
}

export function collectPids(value: string, previous: number[] = []): number[] {
  return [...previous, ...value.split(",").map((v) => parsePid(v.trim()))];
}

export function atOrAbove(severity: Severity, threshold: Severity | undefined): boolean {
  return threshold !== undefined && SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/** `--ci gitlab|github` and `--ci-file F`: the CI job envtrace runs in, when its environment does not say. */
export function addCiOptions(cmd: import("commander").Command): import("commander").Command {
  return cmd
    .addOption(
      new Option("--ci <provider>", "attribute as a job of this CI system").choices(["gitlab", "github"]),
    )
    .option("--ci-file <file>", "the pipeline (.gitlab-ci.yml) or workflow file of the job");
}

export function ciOptions(o: {
  ci?: string;
  ciFile?: string;
}): { ci?: "gitlab" | "github"; ciFile?: string } | undefined {
  if (!o.ci && !o.ciFile) return undefined;
  return {
    ...(o.ci ? { ci: o.ci as "gitlab" | "github" } : {}),
    ...(o.ciFile ? { ciFile: String(o.ciFile) } : {}),
  };
}
