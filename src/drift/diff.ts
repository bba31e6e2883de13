/**
 * Drift between two snapshots: added / removed / changed variables and Go settings, each with its source
 * on both sides, and findings (ids, severity) for security-relevant drift.
 *
 * Equality uses value fingerprints, so two masked secrets compare equal exactly when their values are
 * equal. Sources compare on kind, mechanism, file and resource (not line numbers, pids or evidence, which
 * differ between hosts without meaning anything).
 */
import { detectSecret } from "../detect/index.js";
import { FULL_MASK, fingerprint } from "../detect/mask.js";
import type { Finding, Severity } from "../model/index.js";
import { SEVERITY_RANK } from "../model/index.js";
import type { Snapshot, SnapshotEntry, SnapshotSource } from "./snapshot.js";

export type ChangeKind = "added" | "removed" | "changed" | "source-changed";
export type DriftScope = "variable" | "go";

export interface DriftSide {
  value: string;
  masked: boolean;
  source: SnapshotSource;
}

export interface DriftChange {
  scope: DriftScope;
  key: string;
  change: ChangeKind;
  before?: DriftSide;
  after?: DriftSide;
  /** Present when the change produced a finding. */
  findingId?: string;
  severity: Severity;
}

export interface DriftReport {
  schemaVersion: 1;
  a: { file: string; label: string; createdAt: string; subject: Snapshot["subject"]; go?: string };
  b: { file: string; label: string; createdAt: string; subject: Snapshot["subject"]; go?: string };
  changes: DriftChange[];
  findings: Finding[];
  notes: string[];
}

/** Finding ids; one per kind of drift (see docs/drift.md). */
export const DRIFT_IDS = {
  added: "ENVT-DRIFT-001",
  removed: "ENVT-DRIFT-002",
  changed: "ENVT-DRIFT-003",
  "source-changed": "ENVT-DRIFT-004",
  go: "ENVT-DRIFT-005",
  secretSource: "ENVT-DRIFT-006",
} as const;

/** Security-relevant classes of variables, with the severity of adding/changing, removing, moving them. */
interface KeyClass {
  id: string;
  test: (key: string) => boolean;
  set: Severity;
  removed: Severity;
  why: string;
  remediation: string;
}

const GO_SUPPLY_CHAIN = new Set([
  "GOFLAGS",
  "GOPROXY",
  "GOSUMDB",
  "GONOSUMDB",
  "GONOSUMCHECK",
  "GONOSUMCHECKSUMDB",
  "GOINSECURE",
  "GOPRIVATE",
  "GONOPROXY",
  "GOTOOLCHAIN",
  "GOAUTH",
  "GOENV",
  "GOVCS",
]);
const CODE_LOADING = new Set([
  "NODE_OPTIONS",
  "NODE_PATH",
  "PYTHONPATH",
  "PYTHONSTARTUP",
  "PYTHONHOME",
  "PERL5LIB",
  "PERL5OPT",
  "RUBYOPT",
  "RUBYLIB",
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "CLASSPATH",
  "BASH_ENV",
  "ENV",
  "PROMPT_COMMAND",
  "GIT_SSH_COMMAND",
  "GIT_EXEC_PATH",
]);
const TLS_TRUST = new Set([
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "NODE_EXTRA_CA_CERTS",
  "NODE_TLS_REJECT_UNAUTHORIZED",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "GIT_SSL_NO_VERIFY",
  "GIT_SSL_CAINFO",
]);

const CLASSES: readonly KeyClass[] = [
  {
    id: "loader",
    test: (k) => k === "LD_PRELOAD" || k === "LD_AUDIT",
    set: "critical",
    removed: "low",
    why: "makes the dynamic loader inject a library into every program",
    remediation:
      "find who sets it (the source on each side) and remove it unless it is an approved instrumentation agent",
  },
  {
    id: "loader-path",
    test: (k) => k === "LD_LIBRARY_PATH",
    set: "high",
    removed: "low",
    why: "changes which shared libraries programs load",
    remediation:
      "confirm the directories are root-owned and intended; prefer RPATH/RUNPATH or ld.so.conf over the environment",
  },
  {
    id: "path",
    test: (k) => k === "PATH",
    set: "high",
    removed: "medium",
    why: "changes which programs run",
    remediation:
      "compare the segments on both sides and make every environment use the same, root-owned directories",
  },
  {
    id: "go-supply-chain",
    test: (k) => GO_SUPPLY_CHAIN.has(k),
    set: "high",
    removed: "medium",
    why: "changes where Go modules come from or how they are verified",
    remediation:
      "align the Go module settings across environments; run `envtrace go` on each to see the risk of each value",
  },
  {
    id: "code-loading",
    test: (k) => CODE_LOADING.has(k),
    set: "high",
    removed: "low",
    why: "makes an interpreter or shell load extra code",
    remediation:
      "remove it unless every environment is meant to load that code, and then set it in one place",
  },
  {
    id: "tls-trust",
    test: (k) => TLS_TRUST.has(k),
    set: "high",
    removed: "medium",
    why: "changes which TLS certificates are trusted",
    remediation: "use the same trust store everywhere; never disable verification outside development",
  },
  {
    id: "proxy",
    test: (k) => /^(https?|ftp|all|no)_proxy$/i.test(k),
    set: "medium",
    removed: "low",
    why: "routes (or stops routing) network traffic through a proxy",
    remediation: "make the proxy settings identical where traffic must take the same route",
  },
];

function classOf(key: string): KeyClass | undefined {
  return CLASSES.find((c) => c.test(key));
}

function lower(s: Severity): Severity {
  const order: Severity[] = ["info", "low", "medium", "high", "critical"];
  return order[Math.max(0, order.indexOf(s) - 1)]!;
}

function sameSource(a: SnapshotSource, b: SnapshotSource): boolean {
  // Go settings from the environment also compare who set the variable (one level of origin).
  const k = (s: SnapshotSource | undefined, depth = 0): string =>
    s
      ? [
          s.kind,
          s.mechanism ?? "",
          s.file ?? "",
          s.resource ?? "",
          s.resourceKey ?? "",
          s.from ?? "",
          depth < 1 ? k(s.origin, depth + 1) : "",
        ].join("\0")
      : "";
  return k(a) === k(b);
}

/** A snapshot source as any reader of a drift entry holds it. */
export type SnapshotSourceLike = SnapshotSource;

export function describeSource(s: SnapshotSource, depth = 0): string {
  const where = s.file ? `${s.file}${s.line !== undefined ? `:${s.line}` : ""}` : (s.resource ?? "");
  const kind = s.mechanism ? `${s.kind}:${s.mechanism}` : s.from ? `${s.kind} from ${s.from}` : s.kind;
  const own = where ? `${kind} ${where}` : kind;
  // A Go setting from the environment: say who put the variable there.
  return s.origin && depth < 2 ? `${own} ← ${describeSource(s.origin, depth + 1)}` : own;
}

/**
 * One side of a change. When either side is a secret, an unmasked other side (an older rule set, a weaker
 * detector) is masked too, and so is any value the detector flags now.
 */
const side = (e: SnapshotEntry, secret: boolean): DriftSide => {
  if (!e.masked && (secret || detectSecret(e.key, e.value))) {
    return { value: FULL_MASK, masked: true, source: e.source };
  }
  return { value: e.value, masked: e.masked, source: e.source };
};

export interface DiffOptions {
  /** Keys left out of the comparison (per-session variables such as SSH_CONNECTION). */
  ignore?: readonly string[];
}

/** Variables that differ between any two sessions without meaning drift; ignored unless asked for. */
export const VOLATILE_KEYS: readonly string[] = [
  "_",
  "OLDPWD",
  "PWD",
  "SHLVL",
  "SSH_CLIENT",
  "SSH_CONNECTION",
  "SSH_TTY",
  "SSH_AUTH_SOCK",
  "XDG_SESSION_ID",
  "INVOCATION_ID",
  "JOURNAL_STREAM",
  "TERM_SESSION_ID",
  "WINDOWID",
];

export function diffSnapshots(
  a: Snapshot,
  b: Snapshot,
  names: { a: string; b: string },
  opts: DiffOptions = {},
): DriftReport {
  const ignore = new Set(opts.ignore ?? VOLATILE_KEYS);
  const notes: string[] = [];
  const comparableSecrets =
    a.fingerprintStyle === b.fingerprintStyle && a.fingerprintKeyId === b.fingerprintKeyId;
  if (!comparableSecrets) {
    notes.push(
      `the snapshots' value fingerprints were made with different ${a.fingerprintStyle === b.fingerprintStyle ? "keys" : `styles (${a.fingerprintStyle} vs ${b.fingerprintStyle})`}: masked values cannot be compared and are reported as changed; share ENVTRACE_FINGERPRINT_KEY (or _FILE) between the environments`,
    );
  }
  const subject = `${a.label} → ${b.label}`;
  const changes: DriftChange[] = [];
  const findings: Finding[] = [];
  const push = (
    scope: DriftScope,
    key: string,
    change: ChangeKind,
    before: SnapshotEntry | undefined,
    after: SnapshotEntry | undefined,
  ) => {
    const cls = classOf(key);
    const secret = !!(before?.masked || after?.masked);
    let severity: Severity;
    let id: string;
    let messageId: string;
    let message: string;
    let remediation: string | undefined = cls?.remediation;
    const what = scope === "go" ? `Go setting ${key}` : key;
    if (secret && change === "source-changed") {
      id = DRIFT_IDS.secretSource;
      severity = "high";
      messageId = "drift.secret-source-changed";
      message = `secret ${what} keeps its value but comes from ${describeSource(after!.source)} in ${b.label} instead of ${describeSource(before!.source)} in ${a.label}`;
      remediation =
        "make sure the credential is provisioned through the same, approved mechanism in every environment";
    } else {
      id = scope === "go" ? DRIFT_IDS.go : DRIFT_IDS[change];
      const base: Severity = cls ? (change === "removed" ? cls.removed : cls.set) : secret ? "low" : "info";
      severity = change === "source-changed" ? (cls ? lower(base) : "info") : base;
      // A rotated secret (value changed, same source) is expected drift.
      if (secret && change === "changed" && !cls) severity = "info";
      messageId = `drift.${scope === "go" ? "go-" : ""}${change}${cls ? `.${cls.id}` : secret ? ".secret" : ""}`;
      const verb = {
        added: "added in",
        removed: "missing in",
        changed: "has another value in",
        "source-changed": "comes from another source in",
      }[change];
      message = `${what} ${verb} ${b.label}${cls ? `: it ${cls.why}` : ""}`;
    }
    const c: DriftChange = { scope, key, change, severity };
    if (before) c.before = side(before, secret);
    if (after) c.after = side(after, secret);
    if (SEVERITY_RANK[severity] > SEVERITY_RANK.info || cls || secret) {
      const f: Finding = {
        id,
        severity,
        messageId,
        message,
        subject,
        key,
        fingerprint: fingerprint(id, messageId, scope, key),
        references: ["docs/drift.md"],
      };
      if (remediation) f.remediation = remediation;
      findings.push(f);
      c.findingId = id;
    }
    changes.push(c);
  };
  const compare = (scope: DriftScope, left: readonly SnapshotEntry[], right: readonly SnapshotEntry[]) => {
    const l = new Map(left.map((e) => [e.key, e]));
    const r = new Map(right.map((e) => [e.key, e]));
    const keys = [...new Set([...l.keys(), ...r.keys()])].sort();
    for (const key of keys) {
      if (scope === "variable" && ignore.has(key)) continue;
      const x = l.get(key);
      const y = r.get(key);
      if (!x && y) push(scope, key, "added", undefined, y);
      else if (x && !y) push(scope, key, "removed", x, undefined);
      else if (x && y) {
        // Plain values compare as text; masked ones by fingerprint, when the fingerprints are comparable.
        const sameValue =
          !x.masked && !y.masked
            ? x.value === y.value
            : x.masked && y.masked && comparableSecrets && x.fingerprint === y.fingerprint;
        if (!sameValue) push(scope, key, "changed", x, y);
        else if (!sameSource(x.source, y.source)) push(scope, key, "source-changed", x, y);
      }
    }
  };
  compare("variable", a.variables, b.variables);
  if (a.go || b.go) {
    if (!a.go || !b.go) notes.push(`Go settings are only in ${a.go ? a.label : b.label} (snapshot --go)`);
    else compare("go", a.go.settings, b.go.settings);
  }
  findings.sort(
    (p, q) =>
      SEVERITY_RANK[q.severity] - SEVERITY_RANK[p.severity] || (p.key ?? "").localeCompare(q.key ?? ""),
  );
  const meta = (s: Snapshot, file: string) => {
    const m: DriftReport["a"] = { file, label: s.label, createdAt: s.createdAt, subject: s.subject };
    if (s.go) m.go = s.go.version;
    return m;
  };
  return { schemaVersion: 1, a: meta(a, names.a), b: meta(b, names.b), changes, findings, notes };
}
