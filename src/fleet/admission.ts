/**
 * The admission review handler of `envtrace webhook`: one `admission.k8s.io/v1` AdmissionReview in, one
 * response out. The Pod (or the pod template of a workload) goes through the Kubernetes provenance engine
 * (`explainIndex`: kubelet assembly, attribution, the `ENVT-K8S-*` checks) plus two admission checks that
 * need the policy's lists (`ENVT-ADM-001` injected by a webhook and not allowed, `ENVT-ADM-002`
 * undeclared); an {@link AdmissionEvaluator} turns the findings into deny / warn.
 *
 * Contract: {@link reviewAdmission} never throws, on any input. An envelope it cannot answer (not JSON,
 * not an AdmissionReview v1, no request uid) is an HTTP 400 whose body is still an AdmissionReview with
 * `allowed: false` and a status (the API server then applies the webhook's `failurePolicy`). An object it
 * does not evaluate (a kind without a pod template, a subresource, DELETE) is allowed with a warning.
 * Messages, warnings and the audit event name rule ids, containers and variable names; never a value.
 */
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import type { K8sCheck } from "../k8s/checks/check.js";
import { defineCheck } from "../k8s/checks/check.js";
import { k8sChecks } from "../k8s/checks/index.js";
import { explainIndex } from "../k8s/explain.js";
import { ObjectIndex } from "../k8s/objects.js";
import {
  asObject,
  asString,
  type JsonObject,
  type K8sObject,
  podTemplateOf,
  readMeta,
  WORKLOAD_KINDS,
} from "../k8s/types.js";
import type { DisplayValue, ExplainResult, Finding, Severity } from "../model/index.js";
import { SEVERITY_RANK } from "../model/index.js";
import { applyPolicy } from "../policy/engine.js";
import type { Policy } from "../policy/types.js";
import { explainSubject } from "../report/build.js";

export const ADMISSION_API_VERSION = "admission.k8s.io/v1";
/** Kinds whose pod (template) the webhook evaluates. */
export const POD_BEARING_KINDS: readonly string[] = ["Pod", ...WORKLOAD_KINDS];
/** Bodies above this are refused with 413 (the API server caps requests at 3 MiB; a Pod is far smaller). */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Deeper JSON is refused before evaluation (real objects stay far below it). */
const MAX_DEPTH = 100;
/** The API server may cut warnings above 256 characters; it forwards at most a few kilobytes of them. */
const MAX_WARNING_CHARS = 256;
const MAX_WARNINGS = 10;
const MAX_MESSAGE_CHARS = 1024;

// ---- Policy (the built-in one; `src/policy` plugs in through AdmissionEvaluator) ----

export type AdmissionAction = "deny" | "warn" | "ignore";

/** The webhook's policy file (`--policy`, a ConfigMap in the manifests). Every field is optional. */
export interface WebhookPolicy {
  /** `enforce`: deny what reaches `denyAt`; `warn`: never deny, only warn (a safe first roll-out). */
  mode: "enforce" | "warn";
  /** Findings at or above this severity are denied (enforce mode). */
  denyAt: Severity;
  /** Findings at or above this severity (and below `denyAt`) are returned as warnings. */
  warnAt: Severity;
  /**
   * Per rule id (`ENVT-K8S-001`) or rule id and message id (`ENVT-K8S-001/literal-secret.sensitive-name`,
   * which wins): always deny, warn or ignore, whatever the severity.
   */
  rules: Record<string, AdmissionAction>;
  /** Names (globs, `*`) that other (mutating) webhooks may inject without `ENVT-ADM-001`. */
  allowInjected: string[];
  /** When set: the names (globs) a workload may declare; any other variable is `ENVT-ADM-002`. */
  declared?: string[];
  /** Namespaces never evaluated (also excluded by the ValidatingWebhookConfiguration's namespaceSelector). */
  exemptNamespaces: string[];
}

export const DEFAULT_POLICY: WebhookPolicy = {
  mode: "enforce",
  denyAt: "high",
  warnAt: "low",
  rules: {},
  allowInjected: [],
  exemptNamespaces: ["kube-system"],
};

/** Annotation on a Pod (template) or workload listing the variable names it declares (comma separated, globs). */
export const DECLARED_ANNOTATION = "envtrace.dev/declared-env";

const SEVERITIES = Object.keys(SEVERITY_RANK);
const POLICY_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    mode: { enum: ["enforce", "warn"] },
    denyAt: { enum: SEVERITIES },
    warnAt: { enum: SEVERITIES },
    rules: {
      type: "object",
      propertyNames: { pattern: "^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?$" },
      additionalProperties: { enum: ["deny", "warn", "ignore"] },
    },
    allowInjected: { type: "array", items: { type: "string", minLength: 1 } },
    declared: { type: "array", items: { type: "string", minLength: 1 } },
    exemptNamespaces: { type: "array", items: { type: "string", minLength: 1 } },
  },
} as const;
let policyValidator: ReturnType<Ajv["compile"]> | undefined;

/** Parses and validates a policy file's text; the error names the field. */
export function parsePolicy(text: string, file = "policy"): WebhookPolicy {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new Error(`${file}: not YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  policyValidator ??= new Ajv({ allErrors: false, strict: false }).compile(POLICY_SCHEMA);
  if (!policyValidator(doc)) {
    const e = policyValidator.errors?.[0];
    const where = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "(top level)";
    const extra = e?.params && "additionalProperty" in e.params ? ` '${e.params.additionalProperty}'` : "";
    throw new Error(`${file}: ${where}: ${e?.message ?? "invalid"}${extra}`);
  }
  return { ...DEFAULT_POLICY, ...(doc as Partial<WebhookPolicy>) };
}

function globs(patterns: readonly string[]): RegExp | undefined {
  if (patterns.length === 0) return undefined;
  const alt = patterns.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*"));
  return new RegExp(`^(?:${alt.join("|")})$`);
}

// ---- The two checks that need the policy's lists ----

/** ENVT-ADM-001: a variable another (mutating) webhook added, whose name is not on `allowInjected`. */
export function injectedCheck(allow: readonly string[]): K8sCheck {
  const allowed = globs(allow);
  return defineCheck({
    meta: {
      id: "ENVT-ADM-001",
      description: "A variable was injected at admission by another webhook and is not on the allow list",
      severity: "medium",
      references: ["facts/provenance.md §2.3 (webhook-added fields are owned by no field manager)"],
      remediation:
        "Add the name to allowInjected in the webhook policy if the injector is trusted; otherwise find the mutating webhook that adds it (the API server audit log's patch.webhook.admission.k8s.io annotations).",
    },
    run(c) {
      const hits = [];
      for (const l of c.lineages) {
        if (l.winner?.kind !== "k8s-webhook") continue;
        if (allowed?.test(l.key)) continue;
        hits.push({
          messageId: "injected.not-allowed",
          message: `variable ${l.key} of container ${c.container.name} was injected at admission (${l.winner.mechanism}) and is not on allowInjected`,
          key: l.key,
          attribution: l.winner,
        });
      }
      return hits;
    },
  });
}

/** ENVT-ADM-002: a variable neither the policy's `declared` list nor the workload's annotation names. */
export function undeclaredCheck(declared: readonly string[] | undefined): K8sCheck {
  return defineCheck({
    meta: {
      id: "ENVT-ADM-002",
      description: "A variable is not among the names the workload (or the policy) declares",
      severity: "medium",
      references: [`annotation ${DECLARED_ANNOTATION}`, "envtrace policy declared:"],
      remediation: `Declare the name in the ${DECLARED_ANNOTATION} annotation of the pod template (comma separated, * globs) or in the policy's declared list, or remove the variable.`,
    },
    run(c) {
      const own = declaredOf(c.subject);
      if (declared === undefined && own === undefined) return [];
      const allowed = globs([...(declared ?? []), ...(own ?? [])]);
      const hits = [];
      for (const l of c.lineages) {
        const kind = l.winner?.kind;
        // The kubelet's service links and other webhooks' additions are not the workload's to declare.
        if (kind === "k8s-service-link" || kind === "k8s-webhook") continue;
        if (allowed?.test(l.key)) continue;
        hits.push({
          messageId: "undeclared.env",
          message: `variable ${l.key} of container ${c.container.name} is not declared`,
          key: l.key,
          ...(l.winner ? { attribution: l.winner } : {}),
        });
      }
      return hits;
    },
  });
}

function declaredOf(o: K8sObject): string[] | undefined {
  const fromTpl = asString(asObject(podTemplateOf(o)?.metadata.annotations)?.[DECLARED_ANNOTATION]);
  const v = fromTpl ?? o.metadata.annotations?.[DECLARED_ANNOTATION];
  if (v === undefined) return undefined;
  return v
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// ---- Evaluation ----

/** One finding and what admission does with it. */
export interface AdmissionVerdict {
  action: "deny" | "warn";
  id: string;
  severity: Severity;
  messageId: string;
  /** `ns/pod/container` (or `ns/Kind:name/container`). */
  subject: string;
  key?: string;
  /** Names ids, containers and variables; never a value. */
  message: string;
}

/** What admission knows of the request besides the object. */
export interface AdmissionRequestInfo {
  uid: string;
  operation: string;
  namespace: string;
  kind: string;
  name: string;
  user?: string;
  dryRun: boolean;
}

/** The input of an evaluator: the object and the engine's (masked) results, one per container. */
export interface AdmissionInput {
  object: K8sObject;
  results: readonly ExplainResult<DisplayValue>[];
  request: AdmissionRequestInfo;
}

/**
 * Turns the engine's findings into verdicts. The built-in one ({@link severityEvaluator}) maps severity and
 * per-rule actions; the policy engine (`src/policy`, CEL rules) implements the same interface.
 */
export interface AdmissionEvaluator {
  /** Checks run by the engine in addition to the built-in `ENVT-K8S-*` ones. */
  readonly checks: readonly K8sCheck[];
  evaluate(input: AdmissionInput): AdmissionVerdict[];
}

/** The built-in evaluator: `policy.rules[id]` first, then severity against `denyAt` / `warnAt`. */
export function severityEvaluator(policy: WebhookPolicy = DEFAULT_POLICY): AdmissionEvaluator {
  const checks = [...k8sChecks, injectedCheck(policy.allowInjected), undeclaredCheck(policy.declared)];
  return {
    checks,
    evaluate({ results }) {
      return verdicts(
        policy,
        results.flatMap((r) => r.findings),
      );
    },
  };
}

/**
 * The policy of `envtrace check` (src/policy: CEL rules over `v`/`vars`/`subject`, declarations, check
 * overrides, ignores) as the evaluator: each container is made a report subject, the policy is applied, and
 * its findings are mapped as by {@link severityEvaluator}, with the policy's `failOn` (else `denyAt`) as the
 * deny threshold. The webhook policy's per-rule actions, mode and allow lists still apply.
 */
export function celPolicyEvaluator(cel: Policy, policy: WebhookPolicy = DEFAULT_POLICY): AdmissionEvaluator {
  const base = severityEvaluator(policy);
  const effective: WebhookPolicy = { ...policy, denyAt: cel.failOn ?? policy.denyAt };
  return {
    checks: base.checks,
    evaluate({ results }) {
      const subjects = results.map((r) => explainSubject(r));
      const applied = applyPolicy(subjects, cel);
      return verdicts(
        effective,
        applied.subjects.flatMap((s) => s.findings),
      );
    },
  };
}

/** Findings as verdicts under a policy (ignored ones left out); the subject is the engine's `ns/pod/container`. */
function verdicts(policy: WebhookPolicy, findings: readonly Finding[]): AdmissionVerdict[] {
  const out: AdmissionVerdict[] = [];
  for (const f of findings) {
    const action = actionFor(policy, f);
    if (action === "ignore") continue;
    const v: AdmissionVerdict = {
      action,
      id: f.id,
      severity: f.severity,
      messageId: f.messageId,
      subject: f.subject,
      message: f.message,
    };
    if (f.key !== undefined) v.key = f.key;
    out.push(v);
  }
  return out;
}

function actionFor(policy: WebhookPolicy, f: Finding): AdmissionAction {
  const byRule = policy.rules[`${f.id}/${f.messageId}`] ?? policy.rules[f.id];
  let action: AdmissionAction =
    byRule ??
    (SEVERITY_RANK[f.severity] >= SEVERITY_RANK[policy.denyAt]
      ? "deny"
      : SEVERITY_RANK[f.severity] >= SEVERITY_RANK[policy.warnAt]
        ? "warn"
        : "ignore");
  if (action === "deny" && policy.mode === "warn") action = "warn";
  return action;
}

// ---- The review ----

/** One audit event per decision: the envelope of `src/report/events.ts`, type `admission`. */
export interface AdmissionEvent {
  type: "admission";
  run: string;
  time: string;
  host: string;
  subject: { id: string; kind: "pod" | "pod-template"; name: string };
  severity?: Severity;
  /** `allow`, `warn` (allowed with warnings), `deny`, `skip` (not evaluated). */
  code: "allow" | "warn" | "deny" | "skip";
  data: Record<string, unknown>;
}

export interface ReviewOutcome {
  /** HTTP status: 200 for an answered review, 400 for an envelope that cannot be answered. */
  status: number;
  /** The AdmissionReview to send back. */
  body: JsonObject;
  /** The decision's audit event (none for dry-run requests and unanswerable envelopes). */
  event?: AdmissionEvent;
  decision: "allow" | "warn" | "deny" | "skip" | "error";
  dryRun: boolean;
  /** The verdicts of an evaluated object (ids and actions: what the metrics count). */
  verdicts?: AdmissionVerdict[];
}

export interface ReviewOptions {
  evaluator: AdmissionEvaluator;
  policy?: Pick<WebhookPolicy, "exemptNamespaces">;
  /** Event envelope: the server's run id and host name. */
  run?: string;
  hostname?: string;
  now?: () => Date;
}

function review(uid: string, response: JsonObject): JsonObject {
  return { apiVersion: ADMISSION_API_VERSION, kind: "AdmissionReview", response: { uid, ...response } };
}

function badEnvelope(uid: string, message: string): ReviewOutcome {
  return {
    status: 400,
    body: review(uid, { allowed: false, status: { code: 400, reason: "BadRequest", message } }),
    decision: "error",
    dryRun: false,
  };
}

/** True when nesting exceeds `max` (iterative: a hostile body cannot overflow the stack here). */
function tooDeep(v: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== "object") continue;
    if (d >= max) return true;
    for (const c of Array.isArray(x) ? x : Object.values(x))
      if (c !== null && typeof c === "object") stack.push([c, d + 1]);
  }
  return false;
}

function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/**
 * Answers one AdmissionReview (the request body as text or already parsed). Never throws.
 */
export function reviewAdmission(body: string | unknown, opts: ReviewOptions): ReviewOutcome {
  try {
    return reviewUnsafe(body, opts);
  } catch (err) {
    // A bug or an input the engine could not take: an answer still goes back, and the server goes on.
    return {
      ...badEnvelope(
        "",
        `envtrace: could not evaluate the request (${cut(String((err as Error)?.message ?? err), 200)})`,
      ),
      status: 500,
    };
  }
}

function reviewUnsafe(body: string | unknown, opts: ReviewOptions): ReviewOutcome {
  let doc: unknown = body;
  if (typeof body === "string") {
    try {
      doc = JSON.parse(body);
    } catch {
      return badEnvelope("", "envtrace: the request body is not JSON");
    }
  }
  const top = asObject(doc);
  if (!top) return badEnvelope("", "envtrace: expected an AdmissionReview object");
  const req = asObject(top.request);
  const uid = asString(req?.uid) ?? "";
  if (top.kind !== "AdmissionReview" || top.apiVersion !== ADMISSION_API_VERSION) {
    return badEnvelope(
      uid,
      `envtrace: expected kind AdmissionReview, apiVersion ${ADMISSION_API_VERSION} (set admissionReviewVersions: ["v1"])`,
    );
  }
  if (!req || uid === "") return badEnvelope(uid, "envtrace: the AdmissionReview has no request.uid");
  if (tooDeep(req, MAX_DEPTH)) return badEnvelope(uid, "envtrace: the request nests too deeply");

  const dryRun = req.dryRun === true;
  const operation = asString(req.operation) ?? "";
  const reqKind = asString(asObject(req.kind)?.kind) ?? "";
  const obj = asObject(req.object);
  const namespace = asString(req.namespace) ?? asString(asObject(obj?.metadata)?.namespace) ?? "default";
  const objMeta = asObject(obj?.metadata);
  const name =
    asString(req.name) ||
    asString(objMeta?.name) ||
    (asString(objMeta?.generateName) ? `${asString(objMeta?.generateName)}<generated>` : "<unnamed>");
  const kind = asString(obj?.kind) ?? reqKind;
  const info: AdmissionRequestInfo = { uid, operation, namespace, kind, name, dryRun };
  const user = asString(asObject(req.userInfo)?.username);
  if (user !== undefined) info.user = user;
  const now = (opts.now ?? (() => new Date()))();

  const skip = (why: string): ReviewOutcome => {
    const out: ReviewOutcome = {
      status: 200,
      body: review(uid, {
        allowed: true,
        warnings: [cut(`envtrace: not evaluated: ${why}`, MAX_WARNING_CHARS)],
      }),
      decision: "skip",
      dryRun,
    };
    if (!dryRun) out.event = event(opts, now, info, "skip", { reason: why });
    return out;
  };

  if (operation !== "CREATE" && operation !== "UPDATE") {
    // DELETE and CONNECT carry no new pod spec: nothing to evaluate, nothing to audit.
    return { status: 200, body: review(uid, { allowed: true }), decision: "allow", dryRun };
  }
  if (asString(req.subResource)) return skip(`subresource ${asString(req.subResource)}`);
  if (!obj) return skip("the request carries no object");
  if (!POD_BEARING_KINDS.includes(kind))
    return skip(`kind ${cut(kind || "(none)", 60)} carries no pod template`);
  if ((opts.policy?.exemptNamespaces ?? DEFAULT_POLICY.exemptNamespaces).includes(namespace))
    return skip(`namespace ${namespace} is exempt`);

  const metadata = { ...(objMeta ?? {}), namespace, name };
  const raw: JsonObject = { ...obj, metadata };
  const k8sObj: K8sObject = { kind, metadata: readMeta(raw), raw };
  const apiVersion = asString(obj.apiVersion);
  if (apiVersion) k8sObj.apiVersion = apiVersion;
  if (!podTemplateOf(k8sObj)) return skip(`${kind} ${namespace}/${name} has no pod template`);

  const index = new ObjectIndex();
  index.add(k8sObj);
  const t0 = performance.now();
  const { results, issues } = explainIndex(index, { checks: opts.evaluator.checks });
  const verdicts = opts.evaluator.evaluate({ object: k8sObj, results, request: info });
  const durationMs = Math.round((performance.now() - t0) * 1000) / 1000;

  const denies = verdicts.filter((v) => v.action === "deny");
  const warns = verdicts.filter((v) => v.action === "warn");
  const line = (v: AdmissionVerdict) => `${v.id} ${v.message}`;
  const response: JsonObject = { allowed: denies.length === 0 };
  if (denies.length > 0) {
    const head = `envtrace denied ${kind} ${namespace}/${name}: `;
    let msg = head;
    let shown = 0;
    for (const v of denies) {
      const part = `${shown > 0 ? "; " : ""}${line(v)}`;
      if (msg.length + part.length > MAX_MESSAGE_CHARS - 20) break;
      msg += part;
      shown++;
    }
    if (shown < denies.length) msg += `; and ${denies.length - shown} more`;
    response.status = { code: 403, reason: "Forbidden", message: msg };
  }
  // Warnings go back with a denial too: kubectl prints them above the error.
  const warnings = warns.slice(0, MAX_WARNINGS).map((v) => cut(`envtrace: ${line(v)}`, MAX_WARNING_CHARS));
  if (warns.length > MAX_WARNINGS)
    warnings.push(`envtrace: and ${warns.length - MAX_WARNINGS} more warnings`);
  if (warnings.length > 0) response.warnings = warnings;

  const decision = denies.length > 0 ? "deny" : warns.length > 0 ? "warn" : "allow";
  const out: ReviewOutcome = { status: 200, body: review(uid, response), decision, dryRun, verdicts };
  if (!dryRun) {
    const worst = verdicts.reduce<Severity | undefined>(
      (w, v) => (w === undefined || SEVERITY_RANK[v.severity] > SEVERITY_RANK[w] ? v.severity : w),
      undefined,
    );
    out.event = event(
      opts,
      now,
      info,
      decision,
      {
        containers: results.length,
        variables: results.reduce((n, r) => n + r.variables.length, 0),
        verdicts: verdicts.map((v) => ({ ...v })),
        issues: issues.map((i) => ({ ...i })).concat(results.flatMap((r) => r.issues.map((i) => ({ ...i })))),
        durationMs,
      },
      worst,
    );
  }
  return out;
}

function event(
  opts: ReviewOptions,
  now: Date,
  info: AdmissionRequestInfo,
  code: AdmissionEvent["code"],
  data: Record<string, unknown>,
  severity?: Severity,
): AdmissionEvent {
  const subjectName = `${info.namespace}/${info.kind === "Pod" ? info.name : `${info.kind}:${info.name}`}`;
  const e: AdmissionEvent = {
    type: "admission",
    run: opts.run ?? "",
    time: now.toISOString(),
    host: opts.hostname ?? "",
    subject: {
      id: `admission:${info.uid}`,
      kind: info.kind === "Pod" ? "pod" : "pod-template",
      name: subjectName,
    },
    code,
    data: {
      uid: info.uid,
      operation: info.operation,
      namespace: info.namespace,
      kind: info.kind,
      name: info.name,
      ...(info.user !== undefined ? { user: info.user } : {}),
      allowed: code !== "deny",
      ...data,
    },
  };
  if (severity) e.severity = severity;
  return e;
}
