/**
 * Loads a policy file once, before any scan: YAML (duplicate keys refused) → JSON Schema (ajv) → per rule:
 * unique id, CEL parse, type check against the variables of its scope, plan. Declaration files named by
 * the policy are read here too. Any problem is one {@link PolicyError} naming file:line and the field;
 * nothing else escapes (a bug in a dependency is wrapped into one too, at the policy's first line).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { celEnv, parse, plan } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { RE2JS } from "@bufbuild/re2";
import { Ajv, type ErrorObject } from "ajv";
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { SEVERITY_RANK, type Severity } from "../model/index.js";
import { RULE_VARS } from "./bindings.js";
import { CelTypeError, checkExpr, typeName } from "./cel-types.js";
import {
  type CheckOverride,
  type CompiledRule,
  type Declarations,
  type Ignore,
  type Policy,
  PolicyError,
  type RuleScope,
} from "./types.js";

const SEVERITIES = Object.keys(SEVERITY_RANK);
const RULE_ID = "^[A-Za-z][A-Za-z0-9_.-]{0,63}$";
const MAX_POLICY_BYTES = 4 * 1024 * 1024;

/** The policy file's JSON Schema (also published in docs/policy.md). */
export const POLICY_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    apiVersion: { const: "envtrace.dev/v1alpha1" },
    kind: { const: "Policy" },
    name: { type: "string" },
    description: { type: "string" },
    failOn: { enum: SEVERITIES },
    checks: {
      type: "object",
      propertyNames: { pattern: "^ENVT-[A-Z0-9]+(-[A-Z0-9]+)*$" },
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        minProperties: 1,
        properties: { enabled: { type: "boolean" }, severity: { enum: SEVERITIES } },
      },
    },
    rules: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "severity", "when", "message"],
        properties: {
          id: { type: "string", pattern: RULE_ID },
          severity: { enum: SEVERITIES },
          scope: { enum: ["variable", "subject"] },
          when: { type: "string", minLength: 1 },
          message: { type: "string", minLength: 1 },
          description: { type: "string" },
          remediation: { type: "string" },
          references: { type: "array", items: { type: "string" } },
          enabled: { type: "boolean" },
        },
      },
    },
    declared: {
      type: "object",
      additionalProperties: false,
      properties: {
        names: { type: "array", items: { type: "string", minLength: 1 } },
        files: { type: "array", items: { type: "string", minLength: 1 } },
        except: { type: "array", items: { type: "string", minLength: 1 } },
        undeclaredSeverity: { enum: SEVERITIES },
        missingSeverity: { enum: SEVERITIES },
      },
    },
    ignores: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["reason", "expires"],
        properties: {
          fingerprint: { type: "string", minLength: 1 },
          id: { type: "string", minLength: 1 },
          key: { type: "string", minLength: 1 },
          subject: { type: "string", minLength: 1 },
          reason: { type: "string", minLength: 1 },
          expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
        },
        anyOf: [{ required: ["fingerprint"] }, { required: ["id"] }],
      },
    },
  },
} as const;

let validateSchema: ReturnType<Ajv["compile"]> | undefined;

/** RE2 as CEL's `matches` uses it, each pattern compiled once. */
const patterns = new Map<string, RE2JS>();
function compileRe2(p: string): RE2JS {
  let re = patterns.get(p);
  if (!re) {
    re = RE2JS.compile(p);
    patterns.set(p, re);
  }
  return re;
}

let env: ReturnType<typeof celEnv> | undefined;
function celEnvironment() {
  env ??= celEnv({ funcs: strings, re2: { compile: (p: string) => compileRe2(p) } });
  return env;
}

/** A `*` glob (or an exact name) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
}

export interface LoadOptions {
  /** Reads a declaration file (default: the file system). */
  readFile?: (path: string) => string;
}

/** Reads and loads a policy file. */
export function loadPolicyFile(file: string, opts: LoadOptions = {}): Policy {
  let text: string;
  try {
    const buf = readFileSync(file);
    if (buf.length > MAX_POLICY_BYTES) throw new PolicyError(file, 1, "", "larger than 4 MiB: not a policy");
    text = buf.toString("utf8");
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new PolicyError(file, 0, "", `cannot read the policy (${code})`);
  }
  return parsePolicy(text, file, opts);
}

/** Parses and checks a policy text; throws only {@link PolicyError}. */
export function parsePolicy(text: string, file: string, opts: LoadOptions = {}): Policy {
  try {
    return load(text, file, opts);
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    throw new PolicyError(file, 1, "", `cannot load the policy: ${(err as Error)?.message ?? String(err)}`);
  }
}

function load(text: string, file: string, opts: LoadOptions): Policy {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lc.linePos(offset).line);
  const yamlErr = doc.errors[0];
  if (yamlErr) {
    throw new PolicyError(file, lineAt(yamlErr.pos[0]), "", `YAML: ${yamlErr.message.split("\n")[0]}`);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  /** The line of the node at a JSON path (the key's line for a missing or extra property). */
  const lineOf = (path: Array<string | number>, extraKey?: string): number => {
    let node: unknown = doc.contents;
    let line = lineAt((doc.contents as Node | null)?.range?.[0]);
    for (const seg of [...path, ...(extraKey !== undefined ? [extraKey] : [])]) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) break;
        line = lineAt((pair.key as Node).range?.[0]);
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)] as Node | undefined;
        if (!item) break;
        line = lineAt(item.range?.[0]);
        node = item;
      } else break;
    }
    return line;
  };
  // validateSchema: false — the schema is ours and tested; checking it against the JSON Schema
  // meta-schema compiled the meta-schema at every run (70% of this step, ~10% of `check`'s wall time).
  validateSchema ??= new Ajv({
    allErrors: false,
    strict: true,
    strictRequired: false,
    validateSchema: false,
  }).compile(POLICY_SCHEMA);
  if (!validateSchema(data)) {
    const e = pickError(validateSchema.errors ?? []);
    const path = e.instancePath
      .split("/")
      .slice(1)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    const extra = e.keyword === "additionalProperties" ? String(e.params.additionalProperty) : undefined;
    const field = fieldName(data, path, extra);
    throw new PolicyError(file, lineOf(path, extra), field, schemaMessage(e, data, path));
  }
  const p = data as PolicyDoc;
  const policy: Policy = {
    file,
    checks: new Map<string, CheckOverride>(Object.entries(p.checks ?? {})),
    rules: [],
    ignores: [],
  };
  if (p.name) policy.name = p.name;
  if (p.failOn) policy.failOn = p.failOn;
  const seen = new Map<string, number>();
  (p.rules ?? []).forEach((r, i) => {
    const line = lineOf(["rules", i]);
    const first = seen.get(r.id);
    if (first !== undefined)
      throw new PolicyError(
        file,
        lineOf(["rules", i, "id"]),
        `rules[${i}].id`,
        `duplicate rule id '${r.id}' (first at line ${first})`,
      );
    seen.set(r.id, line);
    if (r.enabled === false) return;
    policy.rules.push(compileRule(r, i, file, line, (f) => lineOf(["rules", i, f]), doc, lc));
  });
  if (p.declared) policy.declared = declarations(p.declared, file, lineOf, opts);
  (p.ignores ?? []).forEach((ig, i) => {
    const line = lineOf(["ignores", i]);
    if (Number.isNaN(Date.parse(`${ig.expires}T00:00:00Z`)))
      throw new PolicyError(
        file,
        lineOf(["ignores", i, "expires"]),
        `ignores[${i}].expires`,
        "not a date (YYYY-MM-DD)",
      );
    const x: Ignore = { reason: ig.reason, expires: ig.expires, line };
    if (ig.fingerprint) x.fingerprint = ig.fingerprint;
    if (ig.id) x.id = ig.id;
    if (ig.key) x.key = globToRegExp(ig.key);
    if (ig.subject) x.subject = globToRegExp(ig.subject);
    policy.ignores.push(x);
  });
  return policy;
}

interface RuleDoc {
  id: string;
  severity: Severity;
  scope?: RuleScope;
  when: string;
  message: string;
  remediation?: string;
  references?: string[];
  enabled?: boolean;
}
interface PolicyDoc {
  name?: string;
  failOn?: Severity;
  checks?: Record<string, CheckOverride>;
  rules?: RuleDoc[];
  declared?: {
    names?: string[];
    files?: string[];
    except?: string[];
    undeclaredSeverity?: Severity;
    missingSeverity?: Severity;
  };
  ignores?: Array<{
    fingerprint?: string;
    id?: string;
    key?: string;
    subject?: string;
    reason: string;
    expires: string;
  }>;
}

/** The most useful of ajv's errors: a bad enum or type over the anyOf that wraps it. */
function pickError(errors: ErrorObject[]): ErrorObject {
  return errors.find((e) => e.keyword !== "anyOf") ?? errors[0]!;
}

function at(data: unknown, path: string[]): unknown {
  let x = data;
  for (const s of path) x = (x as Record<string, unknown> | undefined)?.[s];
  return x;
}

/** `rules[2] (ORG-002).severity`: the field, with the rule's id when there is one. */
function fieldName(data: unknown, path: string[], extra?: string): string {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const s = path[i]!;
    if (/^\d+$/.test(s)) {
      out += `[${s}]`;
      const id = (at(data, path.slice(0, i + 1)) as { id?: unknown } | undefined)?.id;
      if (path[i - 1] === "rules" && typeof id === "string") out += ` (${id})`;
    } else out += out ? `.${s}` : s;
  }
  if (extra !== undefined) out += out ? `.${extra}` : extra;
  return out || "(top level)";
}

function schemaMessage(e: ErrorObject, data: unknown, path: string[]): string {
  const got = at(data, path);
  const shown = typeof got === "string" ? `'${got.slice(0, 40)}'` : JSON.stringify(got)?.slice(0, 40);
  switch (e.keyword) {
    case "additionalProperties":
      return `unknown field (allowed: ${Object.keys(schemaAt(path)?.properties ?? {}).join(", ") || "see docs/policy.md"})`;
    case "enum":
      return `must be one of ${(e.params.allowedValues as unknown[]).join(", ")} (got ${shown})`;
    case "required":
      return `missing required field '${e.params.missingProperty}'`;
    case "type":
      return `must be a ${e.params.type} (got ${shown})`;
    case "pattern":
      return `${shown} does not match ${e.params.pattern}`;
    case "propertyNames":
      return `not a check id: ${String(e.params.propertyName)} (ENVT-…)`;
    case "anyOf":
      return "needs a fingerprint or an id";
    case "const":
      return `must be ${JSON.stringify(e.params.allowedValue)}`;
    default:
      return e.message ?? e.keyword;
  }
}

/** The schema node at a data path (for listing allowed fields). */
function schemaAt(path: string[]): { properties?: Record<string, unknown> } | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: walking a JSON Schema literal
  let s: any = POLICY_SCHEMA;
  for (const seg of path) {
    if (s?.type === "array") s = s.items;
    else if (s?.properties?.[seg]) s = s.properties[seg];
    else if (s?.additionalProperties && typeof s.additionalProperties === "object")
      s = s.additionalProperties;
    else return undefined;
  }
  return s;
}

/** Idents an expression names (to infer a rule's scope). */
function idents(expr: unknown, out = new Set<string>()): Set<string> {
  if (expr === null || typeof expr !== "object") return out;
  const e = expr as { $typeName?: string; exprKind?: { case?: string; value?: { name?: string } } };
  if (e.exprKind?.case === "identExpr" && e.exprKind.value?.name) out.add(e.exprKind.value.name);
  for (const v of Object.values(expr)) {
    if (Array.isArray(v)) for (const x of v) idents(x, out);
    else if (v && typeof v === "object") idents(v, out);
  }
  return out;
}

function compileRule(
  r: RuleDoc,
  i: number,
  file: string,
  line: number,
  lineOfField: (f: string) => number,
  doc: ReturnType<typeof parseDocument>,
  lc: LineCounter,
): CompiledRule {
  const field = `rules[${i}] (${r.id}).when`;
  // The line of the expression itself (a block scalar starts on the next line), plus the lines before the error.
  const whenNode = doc.getIn(["rules", i, "when"], true) as Node | undefined;
  const whenLine = lineOfField("when");
  const exprLine = (offset: number | undefined) => {
    if (offset === undefined) return whenLine;
    const isBlock =
      isScalar(whenNode) && (whenNode.type === "BLOCK_LITERAL" || whenNode.type === "BLOCK_FOLDED");
    const start = isBlock && whenNode?.range ? lc.linePos(whenNode.range[0]).line + 1 : whenLine;
    return start + (r.when.slice(0, offset).match(/\n/g)?.length ?? 0);
  };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(r.when);
  } catch (err) {
    const msg = ((err as Error).message ?? String(err))
      .split("\n")[0]!
      .replace(/^<input>:(\d+):(\d+): /, "col $2: ");
    const m = /^<input>:(\d+):/.exec((err as Error).message ?? "");
    throw new PolicyError(file, whenLine + (m ? Number(m[1]) - 1 : 0), field, `CEL syntax: ${msg}`);
  }
  const used = idents(parsed.expr);
  const scope: RuleScope = r.scope ?? (used.has("v") ? "variable" : "subject");
  try {
    const t = checkExpr(parsed, { vars: RULE_VARS[scope], pattern: (p) => compileRe2(p) });
    if (t.k !== "bool" && t.k !== "dyn")
      throw new PolicyError(file, whenLine, field, `must give a bool, gives ${typeName(t)}`);
  } catch (err) {
    if (err instanceof CelTypeError) {
      const hint =
        scope === "subject" && used.has("v") ? " (a subject rule sees `vars` and `subject`, not `v`)" : "";
      throw new PolicyError(file, exprLine(err.offset), field, `${err.message}${hint}`);
    }
    throw err;
  }
  const run = plan(celEnvironment(), parsed);
  const rule: CompiledRule = {
    id: r.id,
    severity: r.severity,
    scope,
    when: r.when,
    message: r.message,
    line,
    eval: (b) => run(b),
  };
  if (r.remediation) rule.remediation = r.remediation;
  if (r.references) rule.references = r.references;
  return rule;
}

function declarations(
  d: NonNullable<PolicyDoc["declared"]>,
  file: string,
  lineOf: (path: Array<string | number>) => number,
  opts: LoadOptions,
): Declarations {
  const out: Declarations = {
    patterns: [],
    required: new Set(),
    except: (d.except ?? []).map(globToRegExp),
    undeclaredSeverity: d.undeclaredSeverity ?? "medium",
    missingSeverity: d.missingSeverity ?? "high",
    line: lineOf(["declared"]),
  };
  const declare = (name: string, required: boolean) => {
    out.patterns.push(globToRegExp(name));
    if (required && !name.includes("*")) out.required.add(name);
  };
  for (const n of d.names ?? []) declare(n, true);
  const read = opts.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  (d.files ?? []).forEach((f, i) => {
    const path = resolve(dirname(file), f);
    const line = lineOf(["declared", "files", i]);
    let text: string;
    try {
      text = read(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      throw new PolicyError(file, line, `declared.files[${i}]`, `cannot read ${f} (${code})`);
    }
    try {
      if (/\.json$/i.test(f)) {
        const schema = JSON.parse(text) as { properties?: Record<string, unknown>; required?: unknown };
        if (!schema || typeof schema !== "object" || typeof schema.properties !== "object")
          throw new Error("a JSON Schema with top-level `properties` is expected");
        const req = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
        for (const k of Object.keys(schema.properties)) declare(k, req.has(k));
      } else {
        for (const raw of text.split(/\r?\n/)) {
          const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(raw);
          if (m) declare(m[1]!, !/#\s*optional\b/i.test(raw));
        }
      }
    } catch (err) {
      throw new PolicyError(file, line, `declared.files[${i}]`, `${f}: ${(err as Error).message}`);
    }
  });
  return out;
}
