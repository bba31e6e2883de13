/**
 * ENVT-HOST-001: the running kernel against the minimum the detected Go release needs
 * (facts/go-env.md §4.3: ≤1.18 → 2.6.23, 1.19–1.23 → 2.6.32, ≥1.24 → 3.2, plus architecture minimums).
 * Reads `/proc/sys/kernel/osrelease` and `/proc/sys/kernel/arch` (uname(2) fields), falling back to
 * `os.release()` / `os.machine()` on the live root.
 */
import * as os from "node:os";
import type { CollectionIssue, Finding } from "../model/index.js";
import { issueFromError } from "../snapshot/host-fs.js";
import { hostFinding } from "./finding.js";
import { compareKernel, formatKernel, goLabel, kernelMinimum, parseKernelRelease } from "./go-release.js";
import { defineHostCheck, type HostMessage } from "./types.js";

const MESSAGES = {
  "kernel.below-go-minimum": {
    severity: "high",
    remediation:
      "run the program on a kernel at or above the minimum, or build it with an older Go release that still supports this kernel",
  },
} satisfies Record<string, HostMessage>;

export const kernelCheck = defineHostCheck({
  meta: {
    id: "ENVT-HOST-001",
    dimension: "kernel",
    title: "Kernel version vs the Go release's minimum",
    description:
      "Compares the running kernel (osrelease) with the minimum Linux kernel the detected Go release supports.",
    references: [
      "https://go.dev/wiki/Linux",
      "https://go.dev/doc/go1.24#linux",
      "https://go.dev/doc/go1.23#linux",
    ],
  },
  async run(ctx) {
    const issues: CollectionIssue[] = [];
    const read = async (p: string, fallback: () => string): Promise<string | undefined> => {
      try {
        const t = await ctx.fs.readTextIfExists(p, 4096);
        if (t !== undefined) return t.trim();
      } catch (err) {
        issues.push(issueFromError(p, err));
      }
      return ctx.live ? fallback() : undefined;
    };
    const release = await read("/proc/sys/kernel/osrelease", () => os.release());
    const arch = await read("/proc/sys/kernel/arch", () => os.machine());
    const facts: Record<string, unknown> = { release: release ?? null, arch: arch ?? null };
    const findings: Finding[] = [];
    const version = release ? parseKernelRelease(release) : undefined;
    if (!release) {
      issues.push({
        subject: "/proc/sys/kernel/osrelease",
        code: "ENOENT",
        detail: "kernel release unknown",
      });
      return { summary: "unknown", facts, findings, issues, status: "unknown" };
    }
    if (!version) {
      issues.push({ subject: "/proc/sys/kernel/osrelease", code: "PARSE", detail: "not a kernel version" });
      return { summary: `${release} (unparsed)`, facts, findings, issues, status: "unknown" };
    }
    facts.version = formatKernel(version);
    if (!ctx.go) {
      return {
        summary: `${release} (Go release unknown: Go ≥ 1.24 needs ≥ 3.2, 1.19–1.23 need ≥ 2.6.32)`,
        facts,
        findings,
        issues,
      };
    }
    const { min, source } = kernelMinimum(ctx.go, arch);
    facts.goMinimum = { go: ctx.go.raw, kernel: formatKernel(min), source };
    const ok = compareKernel(version, min) >= 0;
    facts.meetsMinimum = ok;
    if (!ok) {
      findings.push(
        hostFinding(
          this.meta,
          "kernel.below-go-minimum",
          { ...MESSAGES["kernel.below-go-minimum"], references: [source, ...this.meta.references] },
          `kernel ${formatKernel(version)} is below ${formatKernel(min)}, the minimum for ${goLabel(ctx.go)}${arch ? ` on ${arch}` : ""}`,
          "host",
          ctx.go.raw,
        ),
      );
    }
    return {
      summary: `${release} (${goLabel(ctx.go)} needs ≥ ${formatKernel(min)}${ok ? "" : ": BELOW"})`,
      facts,
      findings,
      issues,
    };
  },
});
