/** The checks of a host subject: one line per dimension with its status, and the facts that explain it. */
import type { CheckResult, Subject } from "../../model/index.js";
import type { Paint } from "./layout.js";

/** The fact shapes the details read (written by src/host/cgroup.ts, selinux.ts, shells.ts, hardening.ts). */
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

function details(c: CheckResult): string[] {
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
      for (const [k, v] of Object.entries(f.goContexts ?? {}))
        out.push(`${k} ${v.path}: ${v.context ?? "no context"}`);
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

export function hostTitle(s: Subject): string {
  const d = s.details;
  const go = d.go ? `${d.go.version} (from ${d.go.source})` : "not detected (--go-version to set)";
  return `envtrace host — pid ${d.pid}${d.root && d.root !== "/" ? `, root ${d.root}` : ""}, Go ${go}`;
}

export function checkLines(s: Subject, paint: Paint): string[] {
  const checks = s.checks ?? [];
  if (checks.length === 0) return [];
  const statusColor = { ok: "green", warn: "yellow", fail: "red", unknown: "dim" } as const;
  const idW = Math.max(...checks.map((c) => c.id.length));
  const dimW = Math.max(...checks.map((c) => c.dimension.length));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(
      `${c.id.padEnd(idW)}  ${c.dimension.padEnd(dimW)}  ${paint(c.status.padEnd(7), statusColor[c.status])} ${c.summary}`,
    );
    for (const d of details(c)) lines.push(paint(`${" ".repeat(idW + dimW + 13)}${d}`, "dim"));
  }
  return lines;
}
