/**
 * What a policy file says, once loaded and checked (see `load.ts`), and the one error type loading can
 * throw. A {@link PolicyError} names the file, the line and the field; the CLI prints it as one line and
 * exits 2. Nothing here holds a variable's value.
 */
import type { CelResult } from "@bufbuild/cel";
import { EnvtraceError } from "../cli/errors.js";
import type { Severity } from "../model/index.js";

/** Finding ids of the policy engine itself (the catalogue lists them in docs/policy.md). */
export const POLICY_IDS = {
  undeclared: "ENVT-POLICY-001",
  missing: "ENVT-POLICY-002",
  expiredIgnore: "ENVT-POLICY-003",
  ruleError: "ENVT-POLICY-004",
} as const;

/** A bad policy: where (file:line), which field, and why. Never thrown mid-scan: only by the loader. */
export class PolicyError extends EnvtraceError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly why: string,
  ) {
    super("BAD_INPUT", { input: `${file}:${line}`, why: field ? `${field}: ${why}` : why });
    this.name = "PolicyError";
  }
}

export type RuleScope = "variable" | "subject";

export interface CompiledRule {
  id: string;
  severity: Severity;
  scope: RuleScope;
  when: string;
  message: string;
  remediation?: string;
  references?: string[];
  /** Where the rule is (for findings about the rule itself). */
  line: number;
  /** The compiled expression: bindings → CEL result. */
  // biome-ignore lint/suspicious/noExplicitAny: bindings are CEL input maps built in bindings.ts
  eval(bindings: Record<string, any>): CelResult;
}

export interface CheckOverride {
  enabled?: boolean;
  severity?: Severity;
}

export interface Declarations {
  /** Exact names and `*` globs that are declared. */
  patterns: RegExp[];
  /** Names that must be present (declared exactly: names, .env.example keys, JSON Schema `required`). */
  required: Set<string>;
  /** Names never reported as undeclared (predefined CI variables, PATH, …). */
  except: RegExp[];
  undeclaredSeverity: Severity;
  missingSeverity: Severity;
  line: number;
}

export interface Ignore {
  fingerprint?: string;
  id?: string;
  key?: RegExp;
  subject?: RegExp;
  reason: string;
  /** YYYY-MM-DD: the ignore holds through this day (UTC). */
  expires: string;
  line: number;
}

export interface Policy {
  file: string;
  name?: string;
  failOn?: Severity;
  checks: Map<string, CheckOverride>;
  rules: CompiledRule[];
  declared?: Declarations;
  ignores: Ignore[];
}
