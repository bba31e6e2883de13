/**
 * User-supplied secret rules (`--rules FILE`, YAML or JSON), validated once at load: the shape by a JSON
 * schema (ajv), then each pattern compiles, passes the linear-time check and flags its own examples.
 * Errors name the file, the rule and the field.
 *
 * File shape: `{ rules: [{ id, description, keywords[], regex, flags?, secretGroup?, entropy?, allow?,
 * tags?, severity?, safePrefix?, examples? }] }` (a bare array is accepted too).
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import { SecretEngine } from "./engine.js";
import { linearTimeProblems } from "./linear.js";
import type { SecretRule } from "./rule.js";

export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly ruleId: string | undefined,
    readonly field: string,
    readonly why: string,
  ) {
    super(`${file}: ${ruleId ? `rule '${ruleId}'` : "rules"} field '${field}': ${why}`);
  }
}

const schema = {
  type: "object",
  required: ["id", "description", "keywords", "regex"],
  additionalProperties: false,
  properties: {
    id: { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" },
    description: { type: "string", minLength: 1 },
    keywords: {
      type: "array",
      minItems: 1,
      items: { type: "string", minLength: 2, pattern: "^[\\x01-\\x7f]+$" },
    },
    regex: { type: "string", minLength: 1 },
    flags: { type: "string", pattern: "^[imsu]*$" },
    secretGroup: { type: "integer", minimum: 0 },
    entropy: {
      type: "object",
      required: ["min"],
      additionalProperties: false,
      properties: {
        min: { type: "number", minimum: 0, maximum: 8 },
        charset: { enum: ["hex", "base64", "alnum", "any"] },
      },
    },
    allow: { type: "array", items: { type: "string" } },
    tags: { type: "array", items: { type: "string" } },
    severity: { enum: ["info", "low", "medium", "high", "critical"] },
    safePrefix: { type: "string" },
    examples: {
      type: "object",
      additionalProperties: false,
      properties: {
        match: { type: "array", items: { type: "string" } },
        noMatch: { type: "array", items: { type: "string" } },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
const validateRule = ajv.compile(schema);

/** Parses and validates a rules file's text. Throws {@link RuleFileError}. */
export function parseUserRules(text: string, file: string): SecretRule[] {
  let doc: unknown;
  try {
    doc = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text, { logLevel: "silent" });
  } catch (err) {
    throw new RuleFileError(
      file,
      undefined,
      "(document)",
      `not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  const list = Array.isArray(doc) ? doc : (doc as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) throw new RuleFileError(file, undefined, "rules", "expected a list of rules");
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const id = typeof (raw as { id?: unknown })?.id === "string" ? (raw as { id: string }).id : `#${i + 1}`;
    if (!validateRule(raw)) {
      const e = validateRule.errors![0]!;
      const field =
        e.instancePath.replace(/^\//, "").replaceAll("/", ".") ||
        (e.params as { missingProperty?: string }).missingProperty ||
        (e.params as { additionalProperty?: string }).additionalProperty ||
        "(rule)";
      throw new RuleFileError(file, id, field, e.message ?? "invalid");
    }
    const r = raw as {
      id: string;
      description: string;
      keywords: string[];
      regex: string;
      flags?: string;
      secretGroup?: number;
      entropy?: { min: number; charset?: "hex" | "base64" | "alnum" | "any" };
      allow?: string[];
      tags?: string[];
      severity?: SecretRule["severity"];
      safePrefix?: string;
      examples?: { match?: string[]; noMatch?: string[] };
    };
    if (seen.has(r.id)) throw new RuleFileError(file, r.id, "id", "duplicate id");
    seen.add(r.id);
    let regex: RegExp;
    try {
      regex = new RegExp(r.regex, r.flags ?? "");
    } catch (err) {
      throw new RuleFileError(file, r.id, "regex", `does not compile: ${(err as Error).message}`);
    }
    const problems = linearTimeProblems(r.regex);
    if (problems.length > 0)
      throw new RuleFileError(
        file,
        r.id,
        "regex",
        `may not run in linear time (${problems[0]}); use bounded quantifiers like {1,64}`,
      );
    const rule: SecretRule = {
      id: r.id,
      description: r.description,
      keywords: r.keywords.map((k) => k.toLowerCase()),
      regex,
      tags: r.tags ?? ["user"],
      severity: r.severity ?? "high",
      examples: { match: r.examples?.match ?? [], noMatch: r.examples?.noMatch ?? [] },
    };
    if (r.secretGroup !== undefined) rule.secretGroup = r.secretGroup;
    if (r.entropy) rule.entropy = r.entropy;
    if (r.allow) rule.allow = r.allow.map((a) => new RegExp(a));
    if (r.safePrefix) rule.safePrefix = r.safePrefix;
    const alone = new SecretEngine([rule]);
    for (const ex of rule.examples.match) {
      if (alone.scan(ex).length === 0)
        throw new RuleFileError(file, r.id, "examples.match", "the rule does not flag this example");
    }
    for (const ex of rule.examples.noMatch) {
      if (alone.scan(ex).length > 0)
        throw new RuleFileError(file, r.id, "examples.noMatch", "the rule flags this example");
    }
    return rule;
  });
}

export function loadUserRules(file: string): SecretRule[] {
  return parseUserRules(readFileSync(file, "utf8"), file);
}
