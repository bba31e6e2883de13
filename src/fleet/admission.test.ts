import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixtureObjects, reviewOf, workload } from "../../test/helpers/admission.js";
import { parsePolicy as parseCheckPolicy } from "../policy/load.js";
import {
  type AdmissionEvent,
  celPolicyEvaluator,
  DEFAULT_POLICY,
  parsePolicy,
  type ReviewOutcome,
  reviewAdmission,
  severityEvaluator,
  type WebhookPolicy,
} from "./admission.js";

function answer(body: unknown, policy: WebhookPolicy = DEFAULT_POLICY): ReviewOutcome {
  return reviewAdmission(typeof body === "string" ? body : JSON.stringify(body), {
    evaluator: severityEvaluator(policy),
    policy,
    run: "run-1",
    hostname: "test",
  });
}

const response = (o: ReviewOutcome) => o.body.response as Record<string, unknown>;

describe("reviewAdmission on public projects' manifests", () => {
  it("denies the kubernetes.io MySQL Deployment (literal MYSQL_ROOT_PASSWORD), naming rule, container and variable", () => {
    const o = answer(reviewOf(workload("mysql-deployment.yaml")));
    expect(o.status).toBe(200);
    expect(o.decision).toBe("deny");
    const r = response(o);
    expect(r.uid).toBe("uid-Deployment");
    expect(r.allowed).toBe(false);
    const status = r.status as { code: number; message: string };
    expect(status.code).toBe(403);
    expect(status.message).toContain("ENVT-K8S-001");
    expect(status.message).toContain("MYSQL_ROOT_PASSWORD");
    expect(status.message).toContain("container mysql");
    // One audit event, masked: the literal never appears.
    const e = o.event as AdmissionEvent;
    expect(e.type).toBe("admission");
    expect(e.code).toBe("deny");
    expect(e.severity).toBe("high");
    expect(e.subject).toEqual({
      id: "admission:uid-Deployment",
      kind: "pod-template",
      name: "shop/Deployment:mysql",
    });
    expect((e.data.verdicts as Array<{ id: string; key: string }>).map((v) => [v.id, v.key])).toEqual([
      ["ENVT-K8S-001", "MYSQL_ROOT_PASSWORD"],
    ]);
    expect(e.data.user).toBe("alice@example.com");
    expect(JSON.stringify(o)).not.toMatch(/"password"/);
  });

  it("allows the microservices-demo checkoutservice Deployment without warnings", () => {
    const o = answer(reviewOf(workload("checkoutservice.yaml")));
    expect(o.decision).toBe("allow");
    expect(response(o)).toEqual({ uid: "uid-Deployment", allowed: true });
    expect(o.event?.code).toBe("allow");
    // 7 declared + 8 of the master service the kubelet always adds (KUBERNETES_SERVICE_HOST, …).
    expect(o.event?.data.variables).toBe(15);
  });

  it("allows the MySQL StatefulSet (init containers, MYSQL_ALLOW_EMPTY_PASSWORD=1 is no credential)", () => {
    const o = answer(reviewOf(workload("mysql-statefulset.yaml")));
    expect(o.decision).toBe("allow");
    expect(o.event?.data.containers).toBe(4);
  });

  it("allows a Pod reading a Secret through env with a warning (ENVT-K8S-002, CIS 5.4.1)", () => {
    const o = answer(reviewOf(workload("pod-single-secret-env-variable.yaml")));
    expect(o.decision).toBe("warn");
    const r = response(o);
    expect(r.allowed).toBe(true);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^envtrace: ENVT-K8S-002 .*SECRET_USERNAME.*envars-test-container/),
    ]);
    for (const w of r.warnings as string[]) expect(w.length).toBeLessThanOrEqual(256);
  });

  it("a CronJob's and a Job's pod templates are evaluated too", () => {
    const d = workload("mysql-deployment.yaml") as { spec: { template: unknown } };
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly" },
      spec: { schedule: "@daily", jobTemplate: { spec: { template: d.spec.template } } },
    };
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "once" },
      spec: { template: d.spec.template },
    };
    expect(answer(reviewOf(cron)).decision).toBe("deny");
    expect(answer(reviewOf(job)).decision).toBe("deny");
  });

  it("warn mode never denies: the same finding comes back as a warning", () => {
    const policy = parsePolicy("mode: warn\n");
    const o = answer(reviewOf(workload("mysql-deployment.yaml")), policy);
    expect(o.decision).toBe("warn");
    expect(response(o).allowed).toBe(true);
    expect((response(o).warnings as string[])[0]).toContain("ENVT-K8S-001");
  });
});

describe("variables injected by other webhooks (istio sidecar) and undeclared variables", () => {
  const pod = () => fixtureObjects("istio-injected-pod.yaml")[0]!;

  // ENVT-K8S-001's name rule (kubescape C-0012's sensitive names) once flagged istio's JWT_POLICY=third-party-jwt
  // and SECRET_TTL=86400s, so every injected Pod was denied: settings under sensitive names are not credentials.
  // A name-only match of ENVT-K8S-001 can be made a warning per message id (policies use it for their own names).
  const nameOnlyWarns = "rules: {ENVT-K8S-001/literal-secret.sensitive-name: warn}\n";

  it("istio's JWT_POLICY / SECRET_TTL are settings, not literal credentials: the injected Pod is not denied", () => {
    const o = answer(reviewOf(pod(), { namespace: "default" }));
    expect(o.decision).not.toBe("deny");
    const verdicts = o.event!.data.verdicts as Array<{ action: string; key: string; id?: string }>;
    expect(
      verdicts.filter((v) => v.key === "JWT_POLICY" || v.key === "SECRET_TTL").map((v) => v.id),
    ).not.toContain("ENVT-K8S-001");
  });

  it("ENVT-ADM-001 for each istio-proxy variable not on allowInjected (medium: warnings by default)", () => {
    const o = answer(reviewOf(pod(), { namespace: "default" }), parsePolicy(nameOnlyWarns));
    expect(o.decision).toBe("warn");
    const v = o.event!.data.verdicts as Array<{ id: string; key: string; subject: string }>;
    const adm = v.filter((x) => x.id === "ENVT-ADM-001");
    expect(adm.length).toBeGreaterThan(5);
    expect(new Set(adm.map((x) => x.subject.split("/").pop()))).toEqual(new Set(["istio-proxy"]));
    expect(adm.map((x) => x.key)).toContain("ISTIO_META_POD_PORTS");
  });

  it("allowInjected silences the trusted injector; rules: deny makes the rest a denial", () => {
    const allowAll = parsePolicy(
      nameOnlyWarns +
        "allowInjected: ['ISTIO_*', 'PILOT_*', 'JWT_POLICY', 'CA_ADDR', 'SECRET_TTL', 'POD_*', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP', 'PROXY_CONFIG', 'TRUST_DOMAIN', 'CANONICAL_*', 'MESH_CONFIG']\n",
    );
    const o = answer(reviewOf(pod(), { namespace: "default" }), allowAll);
    const left = (o.event!.data.verdicts as Array<{ id: string; key: string }>).filter(
      (x) => x.id === "ENVT-ADM-001",
    );
    expect(left.map((x) => x.key)).toEqual([]);

    const strict = parsePolicy(
      "rules: {ENVT-ADM-001: deny, ENVT-K8S-001/literal-secret.sensitive-name: warn}\nallowInjected: ['ISTIO_META_*']\n",
    );
    const d = answer(reviewOf(pod(), { namespace: "default" }), strict);
    expect(d.decision).toBe("deny");
    const msg = (response(d).status as { message: string }).message;
    expect(msg).toMatch(/ENVT-ADM-001 variable \w+ of container istio-proxy was injected at admission/);
    expect(msg).not.toContain("ISTIO_META_POD_PORTS");
    expect(msg.length).toBeLessThanOrEqual(1024);
  });

  it("ENVT-ADM-002: a variable outside the template's envtrace.dev/declared-env annotation", () => {
    const d = workload("checkoutservice.yaml") as {
      spec: { template: { metadata: { annotations?: Record<string, string> } } };
    };
    d.spec.template.metadata.annotations = { "envtrace.dev/declared-env": "PORT, *_SERVICE_ADDR" };
    expect(answer(reviewOf(d)).decision).toBe("allow");
    d.spec.template.metadata.annotations["envtrace.dev/declared-env"] = "PORT,CART_SERVICE_ADDR";
    const o = answer(reviewOf(d));
    expect(o.decision).toBe("warn");
    const keys = (o.event!.data.verdicts as Array<{ id: string; key: string }>)
      .filter((v) => v.id === "ENVT-ADM-002")
      .map((v) => v.key);
    expect(keys.sort()).toEqual([
      "CURRENCY_SERVICE_ADDR",
      "EMAIL_SERVICE_ADDR",
      "PAYMENT_SERVICE_ADDR",
      "PRODUCT_CATALOG_SERVICE_ADDR",
      "SHIPPING_SERVICE_ADDR",
    ]);
  });

  it("the policy's declared list applies to every workload", () => {
    const policy = parsePolicy("declared: [PORT]\nrules: {ENVT-ADM-002: deny}\n");
    const o = answer(reviewOf(workload("checkoutservice.yaml")), policy);
    expect(o.decision).toBe("deny");
  });
});

describe("the policy of envtrace check (src/policy, CEL) as the evaluator", () => {
  const cel = parseCheckPolicy(
    `apiVersion: envtrace.dev/v1alpha1
kind: Policy
failOn: high
checks:
  ENVT-K8S-001: { enabled: false }
rules:
  - id: SHOP-NO-CART
    severity: critical
    when: v.key == "CART_SERVICE_ADDR" && v.source.kind == "k8s-literal"
    message: "{key} must come from the service mesh, not a literal ({source})"
  - id: SHOP-SECRET-ENV
    severity: medium
    when: v.source.kind == "k8s-secret"
    message: "{key} comes from a Secret through env"
`,
    "shop-policy.yaml",
  );
  const answerCel = (body: unknown) =>
    reviewAdmission(JSON.stringify(body), { evaluator: celPolicyEvaluator(cel), policy: DEFAULT_POLICY });

  it("a CEL rule at or above failOn denies, naming the rule and the variable", () => {
    const o = answerCel(reviewOf(workload("checkoutservice.yaml")));
    expect(o.decision).toBe("deny");
    expect((response(o).status as { message: string }).message).toContain(
      "SHOP-NO-CART CART_SERVICE_ADDR must come from the service mesh, not a literal (k8s-literal)",
    );
  });

  it("check overrides apply (ENVT-K8S-001 disabled: the MySQL literal passes); a medium rule warns", () => {
    expect(answerCel(reviewOf(workload("mysql-deployment.yaml"))).decision).toBe("allow");
    const w = answerCel(reviewOf(workload("pod-single-secret-env-variable.yaml")));
    expect(w.decision).toBe("warn");
    expect((w.event!.data.verdicts as Array<{ id: string }>).map((v) => v.id).sort()).toEqual([
      "ENVT-K8S-002",
      "SHOP-SECRET-ENV",
    ]);
  });
});

describe("dry-run, operations the webhook does not judge, exempt namespaces", () => {
  it("a dryRun request is evaluated (same answer) but not audited", () => {
    const o = answer(reviewOf(workload("mysql-deployment.yaml"), { dryRun: true }));
    expect(o.decision).toBe("deny");
    expect(o.dryRun).toBe(true);
    expect(o.event).toBeUndefined();
  });

  it("DELETE is allowed without an event; a subresource and an exempt namespace are skipped with a warning", () => {
    const del = answer(reviewOf(workload("mysql-deployment.yaml"), { operation: "DELETE", object: null }));
    expect(response(del)).toEqual({ uid: "uid-Deployment", allowed: true });
    expect(del.event).toBeUndefined();
    const sub = answer(reviewOf(workload("mysql-deployment.yaml"), { subResource: "scale" }));
    expect(sub.decision).toBe("skip");
    expect(response(sub).allowed).toBe(true);
    const sys = answer(reviewOf(workload("mysql-deployment.yaml"), { namespace: "kube-system" }));
    expect(sys.decision).toBe("skip");
    expect(sys.event?.code).toBe("skip");
  });
});

describe("bad input: a well-formed answer, never a throw", () => {
  it("malformed JSON → 400 AdmissionReview", () => {
    const o = answer('{"apiVersion": "admission.k8s.io/v1", "kind": ');
    expect(o.status).toBe(400);
    expect(o.body).toMatchObject({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { allowed: false, status: { code: 400 } },
    });
  });

  it("wrong apiVersion (v1beta1) or kind → 400 carrying the uid", () => {
    const r = reviewOf(workload("checkoutservice.yaml"));
    const o = answer({ ...r, apiVersion: "admission.k8s.io/v1beta1" });
    expect(o.status).toBe(400);
    expect(response(o).uid).toBe("uid-Deployment");
    expect(answer({ ...r, kind: "TokenReview" }).status).toBe(400);
    expect(answer({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }).status).toBe(400);
    expect(answer("null").status).toBe(400);
    expect(answer("[]").status).toBe(400);
  });

  it("an object that is not Pod-bearing is allowed with a warning (the webhook judges pod specs only)", () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { A: "b" } };
    const o = answer(reviewOf(cm));
    expect(o.decision).toBe("skip");
    expect(response(o).allowed).toBe(true);
    expect((response(o).warnings as string[])[0]).toContain("ConfigMap");
    const broken = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: { template: 3 },
    };
    expect(answer(reviewOf(broken)).decision).toBe("skip");
  });

  it("hostile shapes: deep nesting, wrong types everywhere", () => {
    const shell = JSON.stringify(reviewOf({ kind: "Pod", metadata: { name: "p" }, spec: "@" }));
    const deep = shell.replace('"@"', `${"[".repeat(50_000)}${"]".repeat(50_000)}`);
    expect(answer(deep).status).toBe(400);
    // The limit counts levels below request (request.object = 1, its spec = 2): 99 pass, 100 do not, objects or arrays.
    const nested = (levels: number, obj: boolean) =>
      shell.replace(
        '"@"',
        obj
          ? `${'{"a":'.repeat(levels - 2)}{}${"}".repeat(levels - 2)}`
          : `${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}`,
      );
    for (const obj of [false, true]) {
      expect(answer(nested(99, obj)).status).toBe(200);
      expect(answer(nested(100, obj)).status).toBe(400);
      expect(JSON.stringify(answer(nested(100, obj)).body)).toContain("nests too deeply");
    }
    const weird = {
      kind: "Pod",
      metadata: { name: 7, annotations: [1, 2], managedFields: "x" },
      spec: {
        containers: [{ name: "c", env: [{ name: 1, value: {} }, null, "x", { name: "A", valueFrom: 5 }] }, 3],
      },
    };
    const o = answer(reviewOf(weird));
    expect(o.status).toBe(200);
    expect(response(o).uid).toBe("uid-Pod");
  });

  it("property: any JSON (and any object in a valid envelope) gets an answer, never a throw", () => {
    const opts = { evaluator: severityEvaluator(), policy: DEFAULT_POLICY };
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const o = reviewAdmission(JSON.stringify(v), opts);
        expect([200, 400]).toContain(o.status);
        expect(o.body.kind).toBe("AdmissionReview");
      }),
      { numRuns: 300 },
    );
    const env = fc.record({
      kind: fc.constantFrom("Pod", "Deployment", "CronJob", "ConfigMap", "StatefulSet"),
      metadata: fc.jsonValue(),
      spec: fc.oneof(
        fc.jsonValue(),
        fc.record({
          containers: fc.array(
            fc.record({
              name: fc.oneof(fc.string(), fc.integer()),
              env: fc.array(fc.record({ name: fc.string(), value: fc.oneof(fc.string(), fc.jsonValue()) })),
            }),
          ),
        }),
      ),
    });
    fc.assert(
      fc.property(env, fc.string(), fc.boolean(), (obj, op, dry) => {
        const o = reviewAdmission(
          JSON.stringify(
            reviewOf(obj as Record<string, unknown>, {
              operation: op.length % 2 ? "CREATE" : op,
              dryRun: dry,
            }),
          ),
          opts,
        );
        expect(o.status).toBe(200);
        expect((o.body.response as { uid: string }).uid).toBe(`uid-${obj.kind}`);
      }),
      { numRuns: 300 },
    );
  });

  it("policy errors name the field", () => {
    expect(() => parsePolicy("mode: block\n", "p.yaml")).toThrow(/p\.yaml: mode: must be equal to one of/);
    expect(() => parsePolicy("denyAt: severe\n")).toThrow(/denyAt/);
    expect(() => parsePolicy("rules: {ENVT-K8S-001: block}\n")).toThrow(/rules\.ENVT-K8S-001/);
    expect(() => parsePolicy("colour: red\n")).toThrow(/additional properties 'colour'/);
    expect(() => parsePolicy("mode: [\n")).toThrow(/not YAML/);
    expect(parsePolicy("")).toEqual(DEFAULT_POLICY);
  });
});
