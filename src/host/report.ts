/**
 * Renders a {@link HostReport} as text (people) or JSON (machines; `schemaVersion` 1). Host facts hold no
 * environment variable values (only GOMAXPROCS as a number and directory paths), so nothing needs masking.
 */
import { SEVERITY_RANK } from "../model/index.js";
import type { HostCheckResult, HostReport } from "./types.js";

export function renderHostJson(report: HostReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const ANSI = {
  red: "\x1b[31m",
  yellow: "\x1b[33m",
  green: "\x1b[32m",
  dim: "\x1b[2m",
  bold: "\x1b[1m",
  reset: "\x1b[0m",
};

/** The fact shapes the text details read (written by cgroup.ts, selinux.ts, shells.ts, hardening.ts). */
interface DetailFacts {
  mounts?: Array<{ version: string; mountPoint: string; controllers?: string[] }>;
  cpu?: { version: string; cgroup: string; dir: string };
  cpuset?: { cpus: string; count: number };
  affinity?: { cpus: string; count: number };
  processContext?: string;
  goContexts?: Record<string, { path: string; context: string | null }>;
  users?: Array<{ user: string; shell: string; inEtcShells: boolean | null; presentStartupFiles: string[] }>;
  capabilities?: Record<string, { hex: string; names: string[] }>;
}

function details(c: HostCheckResult): string[] {
  const f = c.facts as DetailFacts;
  const out: string[] = [];
  switch (c.dimension) {
    case "cgroup": {
      for (const m of f.mounts ?? [])
        out.push(
          `${m.version} ${m.mountPoint}${m.controllers?.length ? ` (${m.controllers.join(",")})` : ""}`,
        );
      if (f.cpu) out.push(`cpu controller: ${f.cpu.version} cgroup ${f.cpu.cgroup} → ${f.cpu.dir}`);
      if (f.cpuset) out.push(`cpuset: ${f.cpuset.cpus} (${f.cpuset.count} CPU(s))`);
      if (f.affinity) out.push(`affinity: ${f.affinity.cpus} (${f.affinity.count} CPU(s))`);
      break;
    }
    case "selinux": {
      if (f.processContext) out.push(`process context: ${f.processContext}`);
      for (const [k, v] of Object.entries(
        (f.goContexts ?? {}) as Record<string, { path: string; context: string | null }>,
      )) {
        out.push(`${k} ${v.path}: ${v.context ?? "no context"}`);
      }
      break;
    }
    case "shells": {
      for (const u of f.users ?? []) {
        const listed = u.inEtcShells === false ? " (not in /etc/shells)" : "";
        out.push(
          `${u.user}: ${u.shell}${listed} reads ${u.presentStartupFiles.length ? u.presentStartupFiles.join(", ") : "no startup file present"}`,
        );
      }
      break;
    }
    case "hardening": {
      const caps = f.capabilities ?? {};
      if (caps.CapEff) out.push(`CapEff ${caps.CapEff.hex}: ${caps.CapEff.names.join(" ") || "none"}`);
      if (caps.CapAmb?.names.length) out.push(`CapAmb ${caps.CapAmb.hex}: ${caps.CapAmb.names.join(" ")}`);
      break;
    }
  }
  return out;
}

export function renderHostText(report: HostReport, color = false): string {
  const paint = (s: string, k: keyof typeof ANSI) => (color ? `${ANSI[k]}${s}${ANSI.reset}` : s);
  const statusColor = { ok: "green", warn: "yellow", fail: "red", unknown: "dim" } as const;
  const lines: string[] = [];
  const go = report.go
    ? `${report.go.version} (from ${report.go.source})`
    : "not detected (--go-version to set)";
  lines.push(
    paint(
      `envtrace host — pid ${report.pid}${report.root !== "/" ? `, root ${report.root}` : ""}, Go ${go}`,
      "bold",
    ),
  );
  const idW = Math.max(...report.checks.map((c) => c.id.length));
  const dimW = Math.max(...report.checks.map((c) => c.dimension.length));
  for (const c of report.checks) {
    lines.push(
      `${c.id.padEnd(idW)}  ${c.dimension.padEnd(dimW)}  ${paint(c.status.padEnd(7), statusColor[c.status])} ${c.summary}`,
    );
    for (const d of details(c)) lines.push(paint(`${" ".repeat(idW + dimW + 13)}${d}`, "dim"));
  }
  const findings = report.checks
    .flatMap((c) => c.findings)
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  if (findings.length > 0) {
    lines.push("", paint("Findings", "bold"));
    for (const f of findings) {
      const sev = f.severity.toUpperCase().padEnd(8);
      lines.push(
        `  ${paint(sev, SEVERITY_RANK[f.severity] >= SEVERITY_RANK.high ? "red" : "yellow")} ${f.id} ${f.messageId}: ${f.message}`,
      );
      if (f.remediation) lines.push(paint(`           fix: ${f.remediation}`, "dim"));
    }
  }
  const issues = [...report.issues, ...report.checks.flatMap((c) => c.issues)];
  if (issues.length > 0) {
    lines.push("", paint(`${issues.length} collection issue(s)`, "dim"));
    for (const i of issues) lines.push(paint(`  ! ${i.subject}: ${i.code}: ${i.detail}`, "yellow"));
  }
  return `${lines.join("\n")}\n`;
}
