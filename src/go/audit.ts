/**
 * Runs the Go checks over a raw collection and builds the report (values masked). Findings carry the
 * check's id, severity, remediation and references; their messages never contain a setting's value.
 */
import * as fsp from "node:fs/promises";
import { fingerprint } from "../model/fingerprint.js";
import type { Severity } from "../model/index.js";
import { SEVERITY_RANK } from "../model/index.js";
import { goChecks } from "./checks/index.js";
import type { GoCheck, GoCheckContext, GoProfile } from "./checks/types.js";
import { maskSettings, type RawGoCollection } from "./collect.js";
import type { GoFinding, GoReport } from "./types.js";

export interface AuditOptions {
  /** Extra profiles besides `default` (org policies: `strict`, `cn-mirror`). */
  profiles?: readonly GoProfile[];
  checks?: readonly GoCheck[];
  reveal?: boolean;
}

export function checkContext(raw: RawGoCollection): GoCheckContext {
  const byKey = new Map(raw.settings.map((s) => [s.key, s]));
  const ctx: GoCheckContext = {
    version: raw.probe.version,
    get: (k) => byKey.get(k)?.value ?? "",
    setting: (k) => byKey.get(k),
    settings: raw.settings,
    env: raw.env,
    stat: async (p) => {
      try {
        return await fsp.stat(p);
      } catch {
        return undefined;
      }
    },
  };
  if (raw.userFile) ctx.userFile = raw.userFile;
  if (raw.uid !== undefined) ctx.uid = raw.uid;
  return ctx;
}

export async function runGoChecks(
  ctx: GoCheckContext,
  opts: Pick<AuditOptions, "profiles" | "checks"> = {},
): Promise<GoFinding[]> {
  const profiles = new Set<GoProfile>(["default", ...(opts.profiles ?? [])]);
  const findings: GoFinding[] = [];
  for (const check of opts.checks ?? goChecks) {
    if (!profiles.has(check.profile)) continue;
    for (const hit of await check.run(ctx)) {
      const f: GoFinding = {
        id: check.meta.id,
        messageId: hit.messageId,
        severity: hit.severity ?? check.severity,
        message: hit.message,
        subject: "go",
        fingerprint: fingerprint(check.meta.id, hit.messageId, "go", hit.key ?? ""),
        remediation: check.remediation,
        references: [...check.references],
      };
      if (hit.key !== undefined) f.key = hit.key;
      findings.push(f);
    }
  }
  return findings.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export async function auditGo(raw: RawGoCollection, opts: AuditOptions = {}): Promise<GoReport> {
  const findings = await runGoChecks(checkContext(raw), opts);
  return {
    schemaVersion: 1,
    go: raw.go,
    settings: maskSettings(raw.settings, opts.reveal),
    findings,
    issues: raw.issues,
  };
}

export function worstSeverity(findings: readonly GoFinding[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const f of findings)
    if (!worst || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}
