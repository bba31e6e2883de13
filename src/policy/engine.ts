/**
 * Applies a loaded policy to the subjects of a run: built-in findings kept, dropped or re-rated as the
 * policy's `checks:` say; user rules evaluated per variable (`v`) or per subject (`vars`); declarations
 * turned into "undeclared" / "missing" findings; inline ignores and the baseline applied, and an expired
 * ignore reported as a finding of its own. Pure: no I/O (the audit join and the baseline come in loaded).
 *
 * Findings carry ids and fingerprints; a user rule's fingerprint hashes the rule id, the subject id, the
 * key and the source kind — never the value — so a baseline survives a rotated secret.
 */
import { isCelError } from "@bufbuild/cel";
import { fingerprint } from "../model/fingerprint.js";
import type { CollectionIssue, DisplayValue, Finding, Lineage, Subject } from "../model/index.js";
import { type AuditFacts, subjectBinding, varBinding } from "./bindings.js";
import { type CompiledRule, type Ignore, POLICY_IDS, type Policy } from "./types.js";

export interface PolicyContext {
  /** Audit facts per subject id and variable key (from `--k8s-audit-log`). */
  audit?: (subject: Subject, v: Lineage<DisplayValue>) => AuditFacts | undefined;
  /** Fingerprints to suppress (from `--baseline`). */
  baseline?: ReadonlySet<string>;
  /** Today, for ignore expiry (default: now). */
  now?: Date;
}

export interface PolicyOutcome {
  subjects: Subject[];
  /** The policy's own subject: expired ignores, rules that failed to evaluate. */
  policySubject: Subject;
  suppressed: { baseline: number; ignored: number };
  evaluations: number;
}

function template(msg: string, s: Subject, key?: string, kind?: string): string {
  return msg.replace(/\{(key|subject|source)\}/g, (_m, k: string) =>
    k === "key" ? (key ?? "") : k === "subject" ? s.name : (kind ?? "unknown"),
  );
}

function ruleFinding(rule: CompiledRule, s: Subject, v?: Lineage<DisplayValue>): Finding {
  const kind = v?.winner?.kind ?? (v ? "unknown" : undefined);
  const f: Finding = {
    id: rule.id,
    severity: rule.severity,
    messageId: `policy.${rule.id}`,
    message: template(rule.message, s, v?.key, kind),
    subject: s.name,
    fingerprint: fingerprint("policy", rule.id, s.id, v?.key ?? "", kind ?? ""),
  };
  if (v) {
    f.key = v.key;
    if (v.winner) {
      f.attribution = v.winner;
      if (v.winner.location) f.location = v.winner.location;
    }
  }
  if (rule.remediation) f.remediation = rule.remediation;
  if (rule.references) f.references = rule.references;
  return f;
}

function declFinding(
  id: string,
  severity: Finding["severity"],
  s: Subject,
  key: string,
  message: string,
  v?: Lineage<DisplayValue>,
): Finding {
  const f: Finding = {
    id,
    severity,
    messageId: id === POLICY_IDS.undeclared ? "policy.undeclared" : "policy.missing",
    message,
    subject: s.name,
    key,
    fingerprint: fingerprint("policy", id, s.id, key),
    remediation:
      id === POLICY_IDS.undeclared
        ? "Declare the variable (policy `declared:`, .env.example or the settings schema) or stop setting it."
        : "Set the variable in the environment the subject runs with, or remove it from the declarations.",
  };
  if (v?.winner) {
    f.attribution = v.winner;
    if (v.winner.location) f.location = v.winner.location;
  }
  return f;
}

const expired = (ig: Ignore, now: Date) => Date.parse(`${ig.expires}T23:59:59.999Z`) < now.getTime();

function ignoreMatches(ig: Ignore, f: Finding, s: Subject): boolean {
  if (ig.fingerprint && ig.fingerprint !== f.fingerprint) return false;
  if (ig.id && ig.id !== f.id) return false;
  if (ig.key && !(f.key !== undefined && ig.key.test(f.key))) return false;
  if (ig.subject && !(ig.subject.test(s.id) || ig.subject.test(s.name))) return false;
  return true;
}

/** Applies `policy` to `subjects` (which are not modified; new subjects are returned). */
export function applyPolicy(
  subjects: readonly Subject[],
  policy: Policy,
  ctx: PolicyContext = {},
): PolicyOutcome {
  const now = ctx.now ?? new Date();
  const varRules = policy.rules.filter((r) => r.scope === "variable");
  const subjRules = policy.rules.filter((r) => r.scope === "subject");
  const errors = new Map<string, { count: number; first: string }>();
  const suppressed = { baseline: 0, ignored: 0 };
  const usedIgnores = new Set<Ignore>();
  let evaluations = 0;
  const evaluate = (rule: CompiledRule, b: Record<string, unknown>): boolean => {
    evaluations++;
    const r = rule.eval(b);
    if (r === true) return true;
    if (isCelError(r)) {
      const e = errors.get(rule.id) ?? { count: 0, first: String(r.message ?? r).slice(0, 200) };
      e.count++;
      errors.set(rule.id, e);
    }
    return false;
  };

  const out = subjects.map((s): Subject => {
    const findings: Finding[] = [];
    for (const f of s.findings) {
      const o = policy.checks.get(f.id);
      if (o?.enabled === false) continue;
      findings.push(o?.severity ? { ...f, severity: o.severity } : f);
    }
    const vars = s.variables ?? [];
    if (s.variables && (varRules.length > 0 || subjRules.length > 0)) {
      const subject = subjectBinding(s);
      const bound = vars.map((v) => varBinding(v, ctx.audit?.(s, v)));
      for (const rule of varRules) {
        for (let i = 0; i < vars.length; i++) {
          if (evaluate(rule, { v: bound[i], subject })) findings.push(ruleFinding(rule, s, vars[i]));
        }
      }
      for (const rule of subjRules)
        if (evaluate(rule, { vars: bound, subject })) findings.push(ruleFinding(rule, s));
    }
    const d = policy.declared;
    if (d && s.variables) {
      const have = new Set(vars.map((v) => v.key));
      for (const v of vars) {
        if (d.patterns.some((p) => p.test(v.key)) || d.except.some((p) => p.test(v.key))) continue;
        findings.push(
          declFinding(
            POLICY_IDS.undeclared,
            d.undeclaredSeverity,
            s,
            v.key,
            `${v.key} is present but not declared`,
            v,
          ),
        );
      }
      for (const k of [...d.required].sort()) {
        if (!have.has(k))
          findings.push(
            declFinding(POLICY_IDS.missing, d.missingSeverity, s, k, `${k} is declared but missing`),
          );
      }
    }
    const kept = findings.filter((f) => {
      const ig = policy.ignores.find((x) => ignoreMatches(x, f, s));
      if (ig) {
        usedIgnores.add(ig);
        if (!expired(ig, now)) {
          suppressed.ignored++;
          return false;
        }
      }
      if (ctx.baseline?.has(f.fingerprint)) {
        suppressed.baseline++;
        return false;
      }
      return true;
    });
    return { ...s, findings: kept };
  });

  const policySubject: Subject = {
    id: `policy/${policy.file}`,
    kind: "inputs",
    name: `policy ${policy.file}`,
    details: {
      policy: policy.file,
      rules: policy.rules.length,
      ...(policy.name ? { name: policy.name } : {}),
    },
    findings: [],
    issues: [],
  };
  for (const ig of policy.ignores) {
    if (!expired(ig, now)) continue;
    policySubject.findings.push({
      id: POLICY_IDS.expiredIgnore,
      severity: "medium",
      messageId: "policy.expired-ignore",
      message: `an ignore (${ig.id ?? ig.fingerprint}) expired on ${ig.expires}${usedIgnores.has(ig) ? "; the finding it hid is reported again" : ""}: ${ig.reason}`,
      subject: policySubject.name,
      location: { file: policy.file, line: ig.line },
      fingerprint: fingerprint(
        "policy",
        POLICY_IDS.expiredIgnore,
        policy.file,
        ig.id ?? "",
        ig.fingerprint ?? "",
        ig.expires,
      ),
      remediation: "Fix what the ignore hid, or renew the ignore with a new reason and date.",
    });
  }
  const issues: CollectionIssue[] = [];
  for (const [id, e] of errors) {
    const rule = policy.rules.find((r) => r.id === id);
    policySubject.findings.push({
      id: POLICY_IDS.ruleError,
      severity: "low",
      messageId: "policy.rule-error",
      message: `rule ${id} could not be evaluated ${e.count} time(s): ${e.first}`,
      subject: policySubject.name,
      location: { file: policy.file, line: rule?.line ?? 1 },
      fingerprint: fingerprint("policy", POLICY_IDS.ruleError, policy.file, id),
    });
  }
  policySubject.issues = issues;
  policySubject.details.suppressed = { ...suppressed };
  return { subjects: out, policySubject, suppressed, evaluations };
}
