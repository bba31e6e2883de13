/**
 * Prometheus metrics of the agent (`/metrics`), from `prom-client`: scans and their duration, variables by
 * source kind, unattributed variables, secrets, findings by severity, collection issues by code, events
 * dropped by a sink. Gauges describe the processes alive at the last scan; counters only grow.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CollectionIssue } from "../model/index.js";
import type { SeenProcess } from "./agent.js";

export class AgentMetrics {
  readonly registry = new Registry();
  private readonly scans = new Counter({
    name: "envtrace_scans_total",
    help: "Scans of the node's processes",
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "envtrace_scan_duration_seconds",
    help: "Wall time of one scan (only new processes are explained)",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly processes = new Gauge({
    name: "envtrace_processes",
    help: "Processes alive at the last scan",
    registers: [this.registry],
  });
  private readonly variables = new Gauge({
    name: "envtrace_variables",
    help: "Environment variables of live processes, by the kind of their source",
    labelNames: ["source_kind"],
    registers: [this.registry],
  });
  private readonly unattributed = new Gauge({
    name: "envtrace_unattributed_variables",
    help: "Variables whose source is unknown or only inherited",
    registers: [this.registry],
  });
  private readonly secrets = new Gauge({
    name: "envtrace_secrets",
    help: "Variables that hold a credential (masked in every output)",
    registers: [this.registry],
  });
  private readonly findings = new Gauge({
    name: "envtrace_findings",
    help: "Findings on live processes, by severity",
    labelNames: ["severity"],
    registers: [this.registry],
  });
  private readonly issues = new Counter({
    name: "envtrace_collection_issues_total",
    help: "Things that could not be read, by code",
    labelNames: ["code"],
    registers: [this.registry],
  });
  readonly dropped = new Counter({
    name: "envtrace_events_dropped_total",
    help: "Events a sink could not take (a dead collector, a full queue)",
    registers: [this.registry],
  });

  /** Records one scan: its duration, what is alive now, and the issues of the processes explained. */
  observe(durationMs: number, live: Iterable<SeenProcess>, issues: Iterable<CollectionIssue["code"]>): void {
    this.scans.inc();
    this.duration.observe(durationMs / 1000);
    let n = 0;
    let unknown = 0;
    let secrets = 0;
    const byKind: Record<string, number> = {};
    const bySeverity: Record<string, number> = {};
    for (const p of live) {
      n++;
      unknown += p.unknown;
      secrets += p.secrets;
      for (const [k, c] of Object.entries(p.byKind)) byKind[k] = (byKind[k] ?? 0) + c;
      for (const [k, c] of Object.entries(p.findings)) bySeverity[k] = (bySeverity[k] ?? 0) + (c ?? 0);
    }
    this.processes.set(n);
    this.unattributed.set(unknown);
    this.secrets.set(secrets);
    this.variables.reset();
    for (const [k, c] of Object.entries(byKind)) this.variables.set({ source_kind: k }, c);
    this.findings.reset();
    for (const sev of ["info", "low", "medium", "high", "critical"])
      this.findings.set({ severity: sev }, bySeverity[sev] ?? 0);
    for (const code of issues) this.issues.inc({ code });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
