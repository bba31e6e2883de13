import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { envEntryPath, envFromPath, fieldsHas, ownersOf } from "./fields.js";
import type { ManagedFieldsEntry } from "./types.js";

// The shape of the captured Deployment in facts/provenance.md §2.1 (client-side kubectl apply).
const managed: ManagedFieldsEntry[] = [
  {
    manager: "kubectl-client-side-apply",
    operation: "Update",
    time: "2025-04-19T19:48:18+00:00",
    fieldsV1: {
      "f:spec": {
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"mongodb"}': {
                ".": {},
                "f:env": {
                  ".": {},
                  'k:{"name":"MONGO_INITDB_ROOT_PASSWORD"}': { ".": {}, "f:name": {}, "f:valueFrom": {} },
                },
                "f:envFrom": {},
              },
            },
          },
        },
      },
    },
  },
  {
    manager: "kubectl-set",
    operation: "Update",
    time: "2025-05-01T10:00:00Z",
    fieldsV1: {
      "f:spec": {
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{ "name" : "mongodb" }': { "f:env": { 'k:{"name":"LOG_LEVEL"}': { "f:value": {} } } },
            },
          },
        },
      },
    },
  },
];
const tpl = ["f:spec", "f:template", "f:spec"];

describe("FieldsV1 walker", () => {
  it("finds the manager and time of one env entry", () => {
    const o = ownersOf(managed, envEntryPath(tpl, "containers", "mongodb", "MONGO_INITDB_ROOT_PASSWORD"));
    expect(o).toEqual([
      { manager: "kubectl-client-side-apply", operation: "Update", time: "2025-04-19T19:48:18+00:00" },
    ]);
  });
  it("matches keyed segments whatever their JSON spacing", () => {
    const o = ownersOf(managed, envEntryPath(tpl, "containers", "mongodb", "LOG_LEVEL"));
    expect(o.map((x) => x.manager)).toEqual(["kubectl-set"]);
  });
  it("owns envFrom as an atomic list, and nothing for an entry nobody owns", () => {
    expect(ownersOf(managed, envFromPath(tpl, "containers", "mongodb")).map((x) => x.manager)).toEqual([
      "kubectl-client-side-apply",
    ]);
    expect(ownersOf(managed, envEntryPath(tpl, "containers", "mongodb", "INJECTED"))).toEqual([]);
    expect(ownersOf(managed, envEntryPath(["f:spec"], "containers", "mongodb", "LOG_LEVEL"))).toEqual([]);
  });
  it("never throws on arbitrary managedFields or paths (property)", () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.array(fc.oneof(fc.string(), fc.constantFrom("k:{", 'k:{"name":"a"}', "f:spec"))),
        (mf, path) => {
          expect(Array.isArray(ownersOf(mf as ManagedFieldsEntry[], path))).toBe(true);
          expect(typeof fieldsHas(mf, path)).toBe("boolean");
        },
      ),
      { numRuns: 500 },
    );
  });
});
