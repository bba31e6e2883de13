/**
 * The rule catalogue: one entry per finding id envtrace can emit (secrets, Go, module cache, host,
 * Kubernetes, drift), built from each family's own metadata objects (the check registries, the secret
 * rule providers, `DRIFT_IDS`, `MODCACHE_IDS`), never a second copy of their text. SARIF's `rules`, the
 * JUnit and HTML reporters read it; findings carry only the id.
 *
 * Help text comes from `docs/` (the file, or one section of it) and is read lazily, on first use, from
 * the package's own `docs/` folder (shipped: `files` in package.json). Embedding it at build time would
 * put ~150 KB of markdown into every CLI start-up for the few rules a SARIF run shows; the docs stay the
 * one source. When a docs file cannot be read (a trimmed install), the help falls back to the entry's
 * description, remediation and references, so `help` is never empty.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { providers } from "../detect/rules/index.js";
import { DRIFT_IDS } from "../drift/diff.js";
import { goChecks } from "../go/checks/index.js";
import { hostChecks } from "../host/index.js";
import { k8sChecks } from "../k8s/checks/index.js";
import type { Severity } from "../model/index.js";
import { MODCACHE_IDS, TOOL } from "../report/build.js";

export type RuleFamily =
  | "secret"
  | "go"
  | "modcache"
  | "host"
  | "k8s"
  | "drift"
  | "audit"
  | "policy"
  | "admission"
  | "record"
  | "other";

/** One secret-detection rule under ENVT-SECRET-001 (the finding's messageId is `secret.<id>`). */
export interface SecretRuleEntry {
  id: string;
  provider: string;
  description: string;
  severity: Severity;
  tags: readonly string[];
  /** Where the token format is documented. */
  formatUri?: string;
  /** docs/detect/<provider>.md on the project site. */
  helpUri: string;
}

export interface RuleMeta {
  /** The finding id: `ENVT-GO-001`. */
  id: string;
  /** Short slug (SARIF `name`): `gosumdb-off`. */
  name: string;
  title: string;
  shortDescription: string;
  fullDescription: string;
  /** Markdown (read from docs/ on first use). */
  readonly help: string;
  helpUri: string;
  defaultSeverity: Severity;
  tags: readonly string[];
  /** Security-relevant: SARIF gives it a `security-severity` and the `security` tag. */
  security: boolean;
  references: readonly string[];
  family: RuleFamily;
  remediation?: string;
  /** The docs file the help comes from (package-relative), and the section when only one is used. */
  docs?: { file: string; section?: string; until?: string };
  /** Go checks: `default` checks always run; others only under `--profile`. */
  profile?: string;
  /** ENVT-SECRET-001 only: every secret rule, for pages that list them. */
  rules?: readonly SecretRuleEntry[];
}

const DOCS_BASE = `${TOOL.informationUri}/blob/main/`;

let packageRoot: string | null | undefined;

/** The package directory (holds package.json and docs/), from src/, dist/ or the CLI bundle alike. */
export function findPackageRoot(): string | null {
  if (packageRoot !== undefined) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  packageRoot = null;
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && existsSync(join(dir, "docs"))) {
      try {
        if (JSON.parse(readFileSync(pkg, "utf8")).name === "envtrace") {
          packageRoot = dir;
          break;
        }
      } catch {
        // not ours: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return packageRoot;
}

const docsCache = new Map<string, string | null>();

/** A docs file's text, or null when it is not there. */
function readDocs(file: string): string | null {
  const hit = docsCache.get(file);
  if (hit !== undefined) return hit;
  const root = findPackageRoot();
  let text: string | null = null;
  if (root) {
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch {
      text = null;
    }
  }
  docsCache.set(file, text);
  return text;
}

/** One `## heading` section of a markdown file (up to the next heading of the same level). */
function section(md: string, heading: string): string | null {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return null;
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(#+)\s/.exec(lines[i]!);
    if (m && m[1]!.length <= level) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end).join("\n").trim();
}

/** The text before a heading (the file's introduction). */
function until(md: string, heading: string): string {
  const i = md.split("\n").findIndex((l) => l.trim() === heading);
  return (i < 0 ? md : md.split("\n").slice(0, i).join("\n")).trim();
}

function fallbackHelp(e: Omit<RuleMeta, "help">): string {
  const parts = [`**${e.id}** — ${e.title}`, e.fullDescription];
  if (e.remediation) parts.push(`**Remediation:** ${e.remediation}`);
  if (e.references.length > 0) parts.push(`**References:** ${e.references.join(", ")}`);
  return parts.join("\n\n");
}

/** Gives an entry its lazy `help`: the docs text when present, else a composed one. */
function withHelp(e: Omit<RuleMeta, "help">): RuleMeta {
  let cached: string | undefined;
  return Object.defineProperty({ ...e } as RuleMeta, "help", {
    enumerable: true,
    get(): string {
      if (cached !== undefined) return cached;
      const md = e.docs ? readDocs(e.docs.file) : null;
      let text: string | null = md;
      if (md && e.docs?.section) text = section(md, e.docs.section);
      else if (md && e.docs?.until) text = until(md, e.docs.until);
      cached = text?.trim() ? text.trim() : fallbackHelp(e);
      return cached;
    },
  });
}

const anchor = (heading: string) =>
  heading
    .replace(/^#+\s*/, "")
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");

function docsUri(file: string, heading?: string): string {
  return `${DOCS_BASE}${file}${heading ? `#${anchor(heading)}` : ""}`;
}

/** The worst severity of a set (the default of a check whose messages vary). */
const SEV: Severity[] = ["info", "low", "medium", "high", "critical"];
const worst = (xs: readonly Severity[]): Severity =>
  SEV[Math.max(0, ...xs.map((s) => SEV.indexOf(s)))] ?? "medium";

function secretEntries(): RuleMeta[] {
  const rules: SecretRuleEntry[] = providers.flatMap((p) =>
    p.rules.map((r) => {
      const e: SecretRuleEntry = {
        id: r.id,
        provider: p.meta.id,
        description: r.description,
        severity: r.severity,
        tags: r.tags,
        helpUri: docsUri(`docs/detect/${p.meta.id}.md`),
      };
      if (r.docs) e.formatUri = r.docs;
      return e;
    }),
  );
  const file = "docs/rules.md";
  return [
    withHelp({
      id: "ENVT-SECRET-001",
      name: "secret-in-environment",
      title: "A credential in an environment variable",
      shortDescription:
        "An environment variable holds a credential (a secret rule matched its name and value)",
      fullDescription: `A secret rule (tokens with known formats, private keys, URLs with passwords, credential-bearing names; every rule is listed in docs/rules.md) matched the variable. The value is masked in every output; the finding names the key, the rule (messageId secret.<rule>) and who set it.`,
      helpUri: docsUri(file),
      defaultSeverity: "high",
      tags: ["security", "secret", "credential"],
      security: true,
      references: ["https://cwe.mitre.org/data/definitions/526.html"],
      family: "secret",
      remediation:
        "Move the value to a secret store and reference it (file mount, secret manager); rotate it if it was exposed.",
      docs: { file, until: "## `envtrace redact`" },
      rules,
    }),
  ];
}

function goEntries(): RuleMeta[] {
  return goChecks.map((c) =>
    withHelp({
      id: c.meta.id,
      name: c.meta.name,
      title: c.meta.description,
      shortDescription: c.meta.description,
      fullDescription: `${c.meta.description}. ${c.remediation}`,
      helpUri: docsUri(`docs/go/${c.meta.id}.md`),
      defaultSeverity: c.severity,
      tags: ["security", "go", "supply-chain", ...(c.profile === "default" ? [] : [`profile:${c.profile}`])],
      security: true,
      references: c.references,
      family: "go",
      remediation: c.remediation,
      docs: { file: `docs/go/${c.meta.id}.md` },
      profile: c.profile,
    }),
  );
}

/**
 * Module cache mismatch kinds (`go verify-modcache`). Their only metadata is the kind name and the table
 * of docs/go/index.md, so the short titles live here.
 */
const MODCACHE_TITLES: Record<keyof typeof MODCACHE_IDS, string> = {
  "tampered-zip": "A module zip no longer hashes to its recorded .ziphash",
  "tampered-ziphash": "A module's .ziphash disagrees with go.sum or the extracted tree",
  "gosum-mismatch": "A go.sum line disagrees with the module cache",
  "mod-mismatch": "A cached .mod file differs from the go.mod inside the zip",
  "dir-modified": "An extracted module directory differs from its zip",
  "unreadable-zip": "A module zip in the cache is corrupt or truncated",
};

function modcacheEntries(): RuleMeta[] {
  const file = "docs/go/index.md";
  const heading = "## verify-modcache";
  return (Object.entries(MODCACHE_IDS) as Array<[keyof typeof MODCACHE_IDS, string]>).map(([kind, id]) =>
    withHelp({
      id,
      name: `modcache-${kind}`,
      title: MODCACHE_TITLES[kind],
      shortDescription: MODCACHE_TITLES[kind],
      fullDescription: `${MODCACHE_TITLES[kind]} (go verify-modcache recomputes the h1: hashes of the module cache and compares them with .ziphash, the extracted tree and go.sum).`,
      helpUri: docsUri(file, heading),
      defaultSeverity: kind === "unreadable-zip" ? "medium" : "critical",
      tags: ["security", "go", "supply-chain", "integrity"],
      security: true,
      references: ["https://go.dev/ref/mod#authenticating", "https://go.dev/ref/mod#go-mod-verify"],
      family: "modcache",
      docs: { file, section: heading },
    }),
  );
}

/** Host checks whose findings are about exposure (writable startup files, process hardening). */
const HOST_SECURITY = new Set(["shells", "hardening"]);

function hostEntries(): RuleMeta[] {
  return hostChecks.map((c) =>
    withHelp({
      id: c.meta.id,
      name: c.meta.dimension,
      title: c.meta.title,
      shortDescription: c.meta.title,
      fullDescription: c.meta.description,
      helpUri: docsUri(`docs/host/${c.meta.id}.md`),
      // Severity is per message and the messages are private to each check: medium is the default level.
      defaultSeverity: "medium",
      tags: ["host", c.meta.dimension, ...(HOST_SECURITY.has(c.meta.dimension) ? ["security"] : [])],
      security: HOST_SECURITY.has(c.meta.dimension),
      references: c.meta.references,
      family: "host",
      docs: { file: `docs/host/${c.meta.id}.md` },
    }),
  );
}

/** Kubernetes checks about credentials (the others are hygiene). */
const K8S_SECURITY = new Set(["ENVT-K8S-001", "ENVT-K8S-002"]);

function k8sEntries(): RuleMeta[] {
  return k8sChecks.map((c) =>
    withHelp({
      id: c.meta.id,
      name: docsTitleSlug(`docs/k8s/${c.meta.id}.md`) ?? c.meta.id.toLowerCase(),
      title: c.meta.description,
      shortDescription: c.meta.description,
      fullDescription: `${c.meta.description}. ${c.meta.remediation}`,
      helpUri: docsUri(`docs/k8s/${c.meta.id}.md`),
      defaultSeverity: c.meta.severity,
      tags: ["kubernetes", ...(K8S_SECURITY.has(c.meta.id) ? ["security"] : [])],
      security: K8S_SECURITY.has(c.meta.id),
      references: c.meta.references,
      family: "k8s",
      remediation: c.meta.remediation,
      docs: { file: `docs/k8s/${c.meta.id}.md` },
    }),
  );
}

/** A slug from a docs page's title (`# ENVT-K8S-001 — credential as a literal env value`). */
function docsTitleSlug(file: string): string | undefined {
  const first = readDocs(file)?.split("\n", 1)[0];
  const m = first ? /^#\s+\S+\s+—\s+(.+)$/.exec(first) : null;
  return m?.[1]
    ?.toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Drift finding kinds (docs/drift.md "Findings" table). */
const DRIFT_TITLES: Record<keyof typeof DRIFT_IDS, { name: string; title: string }> = {
  added: { name: "drift-added", title: "A security-relevant variable was added" },
  removed: { name: "drift-removed", title: "A security-relevant variable was removed" },
  changed: { name: "drift-changed", title: "A security-relevant variable has another value" },
  "source-changed": {
    name: "drift-source-changed",
    title: "A variable keeps its value but comes from another source",
  },
  go: { name: "drift-go-setting", title: "A Go setting was added, removed, changed or moved source" },
  secretSource: {
    name: "drift-secret-source-changed",
    title: "A secret keeps its value but comes from another source",
  },
};

function driftEntries(): RuleMeta[] {
  const file = "docs/drift.md";
  const heading = "## Findings";
  return (Object.entries(DRIFT_IDS) as Array<[keyof typeof DRIFT_IDS, string]>).map(([k, id]) =>
    withHelp({
      id,
      name: DRIFT_TITLES[k].name,
      title: DRIFT_TITLES[k].title,
      shortDescription: DRIFT_TITLES[k].title,
      fullDescription: `${DRIFT_TITLES[k].title} between two snapshots; severity follows the key's class (loader, PATH, Go supply chain, code loading, TLS trust, proxy) or secrecy.`,
      helpUri: docsUri(file, heading),
      defaultSeverity: k === "secretSource" ? "high" : "medium",
      tags: ["security", "drift"],
      security: true,
      references: [docsUri(file)],
      family: "drift",
      docs: { file, section: heading },
    }),
  );
}

/** Families whose ids live in a small table next to their code: the table is their metadata. */
interface TableRule {
  id: string;
  name: string;
  title: string;
  severity: Severity;
  security: boolean;
  tags: string[];
}

const AUDIT_RULES: TableRule[] = [
  ["ENVT-AUDIT-001", "edited", "An audit record was changed after it was written"],
  ["ENVT-AUDIT-002", "deleted", "Audit records are missing from the chain"],
  ["ENVT-AUDIT-003", "inserted", "A record was inserted into the audit chain"],
  ["ENVT-AUDIT-004", "reordered", "Audit records are out of order"],
  ["ENVT-AUDIT-005", "truncated", "The audit log ends before its recorded head (or with a torn line)"],
  ["ENVT-AUDIT-006", "bad-mac", "An audit record's HMAC does not verify with the key"],
  ["ENVT-AUDIT-007", "unknown-schema", "An audit record of a schema this version cannot verify"],
  ["ENVT-AUDIT-008", "corrupted", "An audit log line is not a record (binary, malformed JSON)"],
].map(([id, name, title]) => ({
  id: id!,
  name: name!,
  title: title!,
  severity: name === "unknown-schema" ? "medium" : "critical",
  security: true,
  tags: ["security", "audit", "integrity"],
}));

const POLICY_RULES: TableRule[] = [
  {
    id: "ENVT-POLICY-001",
    name: "undeclared",
    title: "A variable is present but not declared by the policy",
    severity: "medium",
    security: false,
    tags: ["policy"],
  },
  {
    id: "ENVT-POLICY-002",
    name: "missing",
    title: "A declared variable is missing",
    severity: "medium",
    security: false,
    tags: ["policy"],
  },
  {
    id: "ENVT-POLICY-003",
    name: "expired-ignore",
    title: "An ignore in the policy has expired",
    severity: "medium",
    security: false,
    tags: ["policy"],
  },
  {
    id: "ENVT-POLICY-004",
    name: "rule-error",
    title: "A policy rule failed to evaluate",
    severity: "high",
    security: false,
    tags: ["policy"],
  },
];

const ADMISSION_RULES: TableRule[] = [
  {
    id: "ENVT-ADM-001",
    name: "injected-not-allowed",
    title: "A variable injected by another admission webhook is not on the allow list",
    severity: "medium",
    security: true,
    tags: ["security", "kubernetes", "admission"],
  },
  {
    id: "ENVT-ADM-002",
    name: "undeclared",
    title: "A workload sets a variable it does not declare",
    severity: "low",
    security: false,
    tags: ["kubernetes", "admission"],
  },
];

const RECORD_RULES: TableRule[] = [
  {
    id: "ENVT-RECORD-001",
    name: "static-disagrees",
    title: "The static answer for a variable disagrees with what envtrace record saw",
    severity: "low",
    security: false,
    tags: ["record", "accuracy"],
  },
];

function tableEntries(rules: TableRule[], family: RuleFamily, file: string, heading?: string): RuleMeta[] {
  return rules.map((r) =>
    withHelp({
      id: r.id,
      name: r.name,
      title: r.title,
      shortDescription: r.title,
      fullDescription: r.title,
      helpUri: docsUri(file, heading),
      defaultSeverity: r.severity,
      tags: r.tags,
      security: r.security,
      references: [],
      family,
      docs: heading ? { file, section: heading } : { file },
    }),
  );
}

let all: readonly RuleMeta[] | undefined;

/** Every rule, sorted by id. */
export function catalogue(): readonly RuleMeta[] {
  all ??= [
    ...secretEntries(),
    ...goEntries(),
    ...modcacheEntries(),
    ...hostEntries(),
    ...k8sEntries(),
    ...driftEntries(),
    ...tableEntries(
      AUDIT_RULES,
      "audit",
      "docs/audit.md",
      "## `envtrace audit verify FILE… [--key-file F] [--no-mac] [--expect-head H]… [--witness CAPTURE]`",
    ),
    ...tableEntries(POLICY_RULES, "policy", "docs/policy.md", "## Findings of the engine itself"),
    ...tableEntries(RECORD_RULES, "record", "docs/record.md", "## ENVT-RECORD-001"),
    ...tableEntries(
      ADMISSION_RULES,
      "admission",
      "docs/fleet.md",
      "## `envtrace webhook` (validating admission webhook)",
    ),
  ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return all;
}

let byId: Map<string, RuleMeta> | undefined;

/** The entry of a finding id, or a generic one (a user policy's id, a newer rule) so reporters never fail. */
export function ruleMeta(id: string): RuleMeta {
  byId ??= new Map(catalogue().map((e) => [e.id, e]));
  return byId.get(id) ?? genericMeta(id);
}

/** True when the catalogue has the id. */
export function hasRule(id: string): boolean {
  byId ??= new Map(catalogue().map((e) => [e.id, e]));
  return byId.has(id);
}

function genericMeta(id: string): RuleMeta {
  return withHelp({
    id,
    name: id.toLowerCase(),
    title: id,
    shortDescription: `envtrace finding ${id}`,
    fullDescription: `A finding with id ${id}, which this version of envtrace has no catalogue entry for.`,
    helpUri: TOOL.informationUri,
    defaultSeverity: "medium",
    tags: [],
    security: false,
    references: [],
    family: "other",
  });
}

/** The secret rule entry of a secret finding's messageId (`secret.github-pat`). */
export function secretRule(messageId: string): SecretRuleEntry | undefined {
  const id = messageId.startsWith("secret.") ? messageId.slice("secret.".length) : messageId;
  return ruleMeta("ENVT-SECRET-001").rules?.find((r) => r.id === id);
}

export { worst as worstSeverity };
