/**
 * Builds the one {@link Report} from what each domain returns. Pure: no I/O, no rendering. Values arrive
 * masked (domain results hold `SecretValue`s or snapshot masks); nothing here can reveal one.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { DriftReport } from "../drift/diff.js";
import type { VerifyReport } from "../go/modcache/verify.js";
import type { GoReport } from "../go/types.js";
import type { HostReport } from "../host/types.js";
import { fingerprint } from "../model/fingerprint.js";
import type {
  CollectionIssue,
  DisplayValue,
  ExplainResult,
  Finding,
  Report,
  RunInfo,
  Severity,
  Subject,
} from "../model/index.js";
import { REPORT_SCHEMA_VERSION } from "../model/index.js";

export const TOOL = {
  name: "envtrace",
  informationUri: "https://github.com/envtrace/envtrace",
} as const;

export interface RunStart {
  command: string;
  /** Already masked (the CLI runs argv through the redactor). */
  argv: readonly string[];
  version: string;
  startedAt: Date;
  revealed?: boolean;
  failOn?: Severity;
  host?: string;
  id?: string;
}

export function runInfo(start: RunStart, endedAt = new Date()): RunInfo {
  const info: RunInfo = {
    id: start.id ?? randomUUID(),
    tool: { ...TOOL, version: start.version },
    command: start.command,
    argv: [...start.argv],
    host: start.host ?? hostname(),
    startedAt: start.startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    revealed: !!start.revealed,
  };
  if (start.failOn) info.failOn = start.failOn;
  return info;
}

export function buildReport(run: RunInfo, subjects: Subject[], issues: CollectionIssue[] = []): Report {
  return { schemaVersion: REPORT_SCHEMA_VERSION, run, subjects, issues };
}

/** A process, container or pod container that was explained. */
export function explainSubject(r: ExplainResult<DisplayValue>, missing?: readonly string[]): Subject {
  const s = r.subject;
  const kind = s.kind ?? "process";
  let subject: Subject;
  if (kind === "container") {
    subject = base("container", `container/${s.name}`, `container ${s.name}`, { container: s.name });
  } else if (kind === "pod" || kind === "pod-template") {
    const [namespace, pod, container] = splitPod(s.name ?? "");
    subject = base("pod-container", `pod/${s.name}`, s.name ?? "pod", {
      ...(namespace ? { namespace } : {}),
      ...(pod ? { pod } : {}),
      ...(container ? { container } : {}),
      ...(kind === "pod-template" ? { template: true } : {}),
      ...(s.pid !== undefined ? { pid: s.pid } : {}),
    });
  } else if (kind === "inputs") {
    subject = base("inputs", `inputs/${s.name ?? "inputs"}`, s.name ?? "inputs", {});
  } else {
    const name = s.pid !== undefined ? `${s.comm ?? "?"} (pid ${s.pid})` : (s.name ?? "process");
    subject = base("process", s.pid !== undefined ? `process/${s.pid}` : `process/${name}`, name, {});
    if (s.pid !== undefined) subject.details.pid = s.pid;
    if (s.comm !== undefined) subject.details.comm = s.comm;
    if (s.exe !== undefined) subject.details.exe = s.exe;
    if (s.startTime !== undefined) subject.details.startTime = s.startTime;
  }
  if (r.envPid !== undefined) subject.details.envPid = r.envPid;
  subject.variables = r.variables;
  subject.findings = r.findings;
  subject.issues = r.issues;
  if (missing && missing.length > 0) subject.missing = [...missing];
  return subject;
}

function splitPod(name: string): [string?, string?, string?] {
  const parts = name.split("/");
  if (parts.length >= 3) return [parts[0], parts.slice(1, -1).join("/"), parts.at(-1)];
  return [undefined, name, undefined];
}

function base(kind: Subject["kind"], id: string, name: string, details: Subject["details"]): Subject {
  return { id, kind, name, details, findings: [], issues: [] };
}

export function goSubject(r: GoReport, pid?: number): Subject {
  const s = base("go-toolchain", pid !== undefined ? `go/${pid}` : "go", `go ${r.go.version || "?"}`, {
    go: { version: r.go.version, path: r.go.path },
    ...(pid !== undefined ? { pid } : {}),
  });
  s.settings = r.settings;
  s.findings = r.findings;
  s.issues = r.issues;
  return s;
}

export function hostSubject(r: HostReport): Subject {
  const s = base("host", "host", `host (pid ${r.pid})`, { root: r.root, pid: r.pid, go: r.go });
  s.checks = r.checks.map(({ id, dimension, title, status, summary, facts }) => ({
    id,
    dimension,
    title,
    status,
    summary,
    facts,
  }));
  s.findings = r.checks.flatMap((c) => c.findings);
  s.issues = [...r.issues, ...r.checks.flatMap((c) => c.issues)];
  return s;
}

export function driftSubject(r: DriftReport): Subject {
  const side = (x: DriftReport["a"]) => ({
    file: x.file,
    label: x.label,
    createdAt: x.createdAt,
    ...(x.go ? { go: x.go } : {}),
  });
  const s = base("drift", `drift/${r.a.label}..${r.b.label}`, `${r.a.label} → ${r.b.label}`, {
    a: side(r.a),
    b: side(r.b),
  });
  s.drift = r.changes;
  s.findings = r.findings;
  if (r.notes.length > 0) s.notes = r.notes;
  return s;
}

/** Mismatch kinds of `go verify-modcache` as findings (ids in the catalogue: ENVT-GO-2NN). */
export const MODCACHE_IDS: Record<VerifyReport["mismatches"][number]["kind"], string> = {
  "tampered-zip": "ENVT-GO-201",
  "tampered-ziphash": "ENVT-GO-202",
  "gosum-mismatch": "ENVT-GO-203",
  "mod-mismatch": "ENVT-GO-204",
  "dir-modified": "ENVT-GO-205",
  "unreadable-zip": "ENVT-GO-206",
};

export function modcacheSubject(r: VerifyReport): Subject {
  const s = base("module-cache", `modcache/${r.gomodcache}`, r.gomodcache, {
    gomodcache: r.gomodcache,
    moduleVersions: r.moduleVersions,
    zips: r.zips,
    zipBytes: r.zipBytes,
    gosum: r.gosum,
    // The same mismatches as the findings, with the hashes as separate fields for machines.
    mismatches: r.mismatches,
  });
  s.findings = r.mismatches.map((m): Finding => {
    const id = MODCACHE_IDS[m.kind];
    const mv = `${m.module}@${m.version}`;
    const f: Finding = {
      id,
      severity: m.kind === "unreadable-zip" ? "medium" : "critical",
      messageId: `modcache.${m.kind}`,
      message: `${mv}${m.part ? ` (${m.part})` : ""}: ${m.kind.replace(/-/g, " ")}${
        m.expected ? `; recorded ${m.expected}` : ""
      }${m.actual ? `, computed ${m.actual}` : ""}${m.confirmedBy?.length ? ` (${m.confirmedBy.join(", ")} agree with the record)` : ""}`,
      subject: mv,
      key: mv,
      fingerprint: fingerprint(id, m.kind, mv, m.part ?? ""),
      remediation:
        m.kind === "unreadable-zip"
          ? "Remove the damaged download (`go clean -modcache`, or delete the module's @v files) and download it again."
          : "Treat the cache as compromised: `go clean -modcache`, download again through a trusted GOPROXY/GOSUMDB, and find who wrote to the cache.",
      references: ["https://go.dev/ref/mod#authenticating", "https://go.dev/ref/mod#go-mod-verify"],
    };
    const file = m.files[0];
    if (file) {
      const at = /^(.*):(\d+)$/.exec(file);
      f.location = at ? { file: at[1]!, line: Number(at[2]) } : { file };
    }
    return f;
  });
  s.issues = r.issues;
  return s;
}
