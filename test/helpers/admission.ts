/** AdmissionReview requests built from the fixtures of test/fixtures/admission (public projects' manifests). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export const ADMISSION_FIXTURES = "test/fixtures/admission";

/** The objects of a fixture file (YAML, several documents). */
export function fixtureObjects(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(`${ADMISSION_FIXTURES}/${file}`, "utf8")).map(
    (d) => d.toJS() as Record<string, unknown>,
  );
}

/** The first object of a fixture that is not a Service (the Pod or workload). */
export function workload(file: string): Record<string, unknown> {
  return fixtureObjects(file).find((o) => o.kind !== "Service")!;
}

/** An object wrapped in an `admission.k8s.io/v1` AdmissionReview request as the API server sends it. */
export function reviewOf(
  obj: Record<string, unknown>,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  const kind = String(obj.kind);
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `uid-${kind}`,
      kind: { group: kind === "Pod" ? "" : "apps", version: "v1", kind },
      resource: { group: "", version: "v1", resource: `${kind.toLowerCase()}s` },
      operation: "CREATE",
      namespace: "shop",
      userInfo: { username: "alice@example.com" },
      object: obj,
      dryRun: false,
      ...over,
    },
  };
}

/** A self-signed serving certificate for loopback (EC P-256, one day, SAN 127.0.0.1 and localhost), made with openssl in `dir`. */
export function servingCert(dir: string, name: string, cn: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}
