/**
 * Snapshots: a versioned JSON document of one explain result (and, with `--go`, the Go toolchain
 * settings), written by `envtrace snapshot` and compared by `envtrace diff` (dev / staging / prod drift).
 *
 * Contract: a snapshot never holds a secret. Values that secret detection flagged are stored as their mask
 * plus a value fingerprint (src/detect), so equal secrets compare equal without being stored; other values
 * are stored as `envtrace explain` prints them. `parseSnapshot` never throws anything but a one-line
 * {@link EnvtraceError} naming the file and the fix.
 */

import { createHash } from "node:crypto";
import { Ajv } from "ajv";
import { EnvtraceError } from "../cli/errors.js";
import { loadFingerprintKey } from "../detect/fingerprint-key.js";
import { valueFingerprint as keyedFingerprint } from "../detect/mask.js";
import { isSecretValue } from "../detect/secret-value.js";
import {
  type Attribution,
  type CollectionIssue,
  type DisplayValue,
  type ExplainResult,
  isFileLocation,
} from "../model/index.js";

export const SNAPSHOT_KIND = "envtrace-snapshot";
export const SNAPSHOT_VERSION = 1;
/** Snapshots larger than this are refused (a process environment is at most a few MiB). */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/** Where a value came from, reduced to what is stable across runs (no pids, no evidence text). */
export interface SnapshotSource {
  kind: string;
  mechanism?: string;
  file?: string;
  line?: number;
  resource?: string;
  resourceKey?: string;
  /** Go settings: the setting it was derived from. */
  from?: string;
  /** Go settings from the environment: who put the variable there. */
  origin?: SnapshotSource;
  confidence?: string;
}

export interface SnapshotEntry {
  key: string;
  /** The value, or its mask when `masked`. */
  value: string;
  masked: boolean;
  /** Value fingerprint (see `fingerprintStyle`): equal values have equal fingerprints. */
  fingerprint: string;
  source: SnapshotSource;
}

export interface Snapshot {
  kind: typeof SNAPSHOT_KIND;
  schemaVersion: typeof SNAPSHOT_VERSION;
  createdAt: string;
  /** A name for the environment (`dev`, `prod`); default the host name. */
  label: string;
  /** How value fingerprints were made; snapshots compare secrets only when these agree. */
  fingerprintStyle: string;
  /** Identifies the fingerprint key (a hash of it, not the key): equal ids = comparable fingerprints. */
  fingerprintKeyId?: string;
  subject: { pid?: number; comm?: string; exe?: string; kind?: string; name?: string };
  variables: SnapshotEntry[];
  go?: { version: string; path: string; settings: SnapshotEntry[] };
  issues: CollectionIssue[];
}

/**
 * Value fingerprints are detect's keyed HMAC (`hmac-sha256:` + 12 hex; key from ENVTRACE_FINGERPRINT_KEY,
 * ENVTRACE_FINGERPRINT_KEY_FILE or the per-user key file). Environments compared for secret drift must
 * share the key; the snapshot records a key id so that `diff` can tell.
 */
export const FINGERPRINT_STYLE = "hmac-sha256";

export function fingerprintKeyId(key: Buffer): string {
  return createHash("sha256").update("envtrace-fingerprint-key-id\0").update(key).digest("hex").slice(0, 12);
}

function entryValue(v: DisplayValue): { value: string; masked: boolean; raw: string } {
  if (isSecretValue(v)) return { value: v.mask, masked: true, raw: v.reveal() };
  return { value: v, masked: false, raw: v };
}

export function attributionSource(a: Attribution | null | undefined): SnapshotSource {
  if (!a) return { kind: "unknown" };
  const s: SnapshotSource = { kind: a.kind };
  if (a.mechanism) s.mechanism = a.mechanism;
  const loc = a.location;
  if (loc) {
    if (isFileLocation(loc)) {
      s.file = loc.file;
      if (loc.line !== undefined) s.line = loc.line;
    } else {
      s.resource = loc.resource;
      if (loc.key !== undefined) s.resourceKey = loc.key;
      if (loc.file !== undefined) s.file = loc.file;
      if (loc.line !== undefined) s.line = loc.line;
    }
  }
  s.confidence = a.confidence;
  return s;
}

/** The Go settings part of a snapshot, as `collectGoSettings()` returns them (values masked). */
export interface GoSettingsInput {
  go: { version: string; path: string };
  settings: ReadonlyArray<{
    key: string;
    value: DisplayValue;
    source: {
      kind: string;
      file?: string;
      line?: number;
      from?: string;
      origin?: Attribution;
      confidence?: string;
    };
  }>;
  issues?: readonly CollectionIssue[];
}

export interface BuildSnapshotOptions {
  label: string;
  /** Key for value fingerprints; default detect's `loadFingerprintKey()`. */
  fingerprintKey?: Buffer;
  go?: GoSettingsInput;
  createdAt?: Date;
}

/** Builds a snapshot from a masked explain result (the output of `ExplainSession.explain`). */
export function buildSnapshot(result: ExplainResult<DisplayValue>, opts: BuildSnapshotOptions): Snapshot {
  const key = opts.fingerprintKey ?? loadFingerprintKey();
  const valueFingerprint = (raw: string) => keyedFingerprint(raw, key);
  const variables = result.variables.map((l) => {
    const v = entryValue(l.value);
    return {
      key: l.key,
      value: v.value,
      masked: v.masked,
      fingerprint: valueFingerprint(v.raw),
      source: attributionSource(l.winner),
    };
  });
  const snap: Snapshot = {
    kind: SNAPSHOT_KIND,
    schemaVersion: SNAPSHOT_VERSION,
    createdAt: (opts.createdAt ?? new Date()).toISOString(),
    label: opts.label,
    fingerprintStyle: FINGERPRINT_STYLE,
    fingerprintKeyId: fingerprintKeyId(key),
    subject: { ...result.subject },
    variables: variables.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    issues: [...result.issues],
  };
  if (opts.go) {
    snap.go = {
      version: opts.go.go.version,
      path: opts.go.go.path,
      settings: opts.go.settings.map((s) => {
        const v = entryValue(s.value);
        const source: SnapshotSource = { kind: s.source.kind };
        if (s.source.file !== undefined) source.file = s.source.file;
        if (s.source.line !== undefined) source.line = s.source.line;
        if (s.source.from !== undefined) source.from = s.source.from;
        if (s.source.origin) source.origin = attributionSource(s.source.origin);
        if (s.source.confidence !== undefined) source.confidence = s.source.confidence;
        return { key: s.key, value: v.value, masked: v.masked, fingerprint: valueFingerprint(v.raw), source };
      }),
    };
    snap.issues.push(...(opts.go.issues ?? []));
  }
  return snap;
}

export function serializeSnapshot(s: Snapshot): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

// ---- reading ------------------------------------------------------------------------------------

const sourceSchema = {
  type: "object",
  required: ["kind"],
  properties: {
    kind: { type: "string" },
    mechanism: { type: "string" },
    file: { type: "string" },
    line: { type: "integer" },
    resource: { type: "string" },
    resourceKey: { type: "string" },
    from: { type: "string" },
    confidence: { type: "string" },
    origin: { $ref: "#/$defs/source" },
  },
} as const;
const entrySchema = {
  type: "object",
  required: ["key", "value", "masked", "fingerprint", "source"],
  properties: {
    key: { type: "string" },
    value: { type: "string" },
    masked: { type: "boolean" },
    fingerprint: { type: "string" },
    source: { $ref: "#/$defs/source" },
  },
} as const;

/** JSON Schema (draft 2020-12 subset) of snapshot v1; `kind` and `schemaVersion` are checked first. */
export const SNAPSHOT_SCHEMA = {
  $defs: { source: sourceSchema, entry: entrySchema },
  type: "object",
  required: [
    "kind",
    "schemaVersion",
    "createdAt",
    "label",
    "fingerprintStyle",
    "subject",
    "variables",
    "issues",
  ],
  properties: {
    kind: { const: SNAPSHOT_KIND },
    schemaVersion: { const: SNAPSHOT_VERSION },
    createdAt: { type: "string" },
    label: { type: "string" },
    fingerprintStyle: { type: "string" },
    fingerprintKeyId: { type: "string" },
    subject: { type: "object" },
    variables: { type: "array", items: { $ref: "#/$defs/entry" } },
    go: {
      type: "object",
      required: ["version", "path", "settings"],
      properties: {
        version: { type: "string" },
        path: { type: "string" },
        settings: { type: "array", items: { $ref: "#/$defs/entry" } },
      },
    },
    issues: {
      type: "array",
      items: {
        type: "object",
        required: ["subject", "code", "detail"],
        properties: { subject: { type: "string" }, code: { type: "string" }, detail: { type: "string" } },
      },
    },
  },
} as const;

let validator: ReturnType<Ajv["compile"]> | undefined;

/** Printable, one line, bounded: input-derived text in error messages. */
function safe(s: string, max = 60): string {
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

const FIX = "create it with `envtrace snapshot --out FILE`";

function bad(name: string, why: string): EnvtraceError {
  return new EnvtraceError("BAD_INPUT", { input: safe(name, 200), why: `${why}; ${FIX}` });
}

/**
 * Parses and validates a snapshot. Throws only {@link EnvtraceError} (`BAD_INPUT`) with one line naming
 * `name` and the fix; never echoes the file's content (it may be a secret file passed by mistake).
 */
export function parseSnapshot(input: Uint8Array | string, name: string): Snapshot {
  const size = typeof input === "string" ? input.length : input.byteLength;
  if (size > MAX_SNAPSHOT_BYTES) throw bad(name, `larger than ${MAX_SNAPSHOT_BYTES} bytes, not a snapshot`);
  const text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: false }).decode(input);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const pos = /position (\d+)/.exec(err instanceof Error ? err.message : "")?.[1];
    throw bad(name, `not JSON${pos !== undefined ? ` (syntax error at byte ${pos})` : ""}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw bad(name, "not an envtrace snapshot (not a JSON object)");
  const o = doc as Record<string, unknown>;
  if (o.kind !== SNAPSHOT_KIND) throw bad(name, `not an envtrace snapshot (no "kind": "${SNAPSHOT_KIND}")`);
  if (typeof o.schemaVersion === "number" && o.schemaVersion > SNAPSHOT_VERSION) {
    throw new EnvtraceError("BAD_INPUT", {
      input: safe(name, 200),
      why: `snapshot schemaVersion ${o.schemaVersion} is newer than this envtrace reads (${SNAPSHOT_VERSION}); upgrade envtrace`,
    });
  }
  // Our own tested schema: no meta-schema check (compiling the meta-schema cost more than the schema).
  validator ??= new Ajv({ allErrors: false, strict: false, validateSchema: false }).compile(SNAPSHOT_SCHEMA);
  let valid: boolean;
  try {
    valid = validator(doc) as boolean;
  } catch {
    // A pathological document (e.g. `origin` nested thousands deep) can exhaust the stack.
    throw bad(name, "not a valid envtrace snapshot (nested too deeply)");
  }
  if (!valid) {
    const e = validator.errors?.[0];
    const where = e ? safe(e.instancePath || "/") : "/";
    throw bad(name, `not a valid envtrace snapshot (at ${where}: ${safe(e?.message ?? "invalid")})`);
  }
  return doc as Snapshot;
}
