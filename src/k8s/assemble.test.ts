import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assembleContainer, containersOf } from "./assemble.js";
import { expand, parseQuantity, resourceFieldValue, serviceVars } from "./kubelet.js";
import { Positions } from "./load.js";
import { ObjectIndex } from "./objects.js";
import { type JsonObject, type K8sObject, readMeta } from "./types.js";

describe("kubelet helpers", () => {
  it("expands like the kubelet's expansion package", () => {
    const defined = new Map([
      ["A", "1"],
      ["B", "two"],
    ]);
    const look = (n: string) => ({ found: defined.has(n), value: defined.get(n) ?? null });
    expect(expand("$(A)-$(B)", look).value).toBe("1-two");
    expect(expand("$$(A)", look).value).toBe("$(A)");
    expect(expand("$(C)", look).value).toBe("$(C)");
    expect(expand("$(A", look).value).toBe("$(A");
    expect(expand("a$b$", look).value).toBe("a$b$");
  });
  it("parses quantities and rounds resourceFieldRef up", () => {
    expect(parseQuantity("250m")).toBeCloseTo(0.25);
    expect(parseQuantity("1Gi")).toBe(2 ** 30);
    expect(parseQuantity("2e3")).toBe(2000);
    expect(parseQuantity("x")).toBeUndefined();
    const c = { resources: { limits: { cpu: "250m", memory: "64Mi" } } };
    expect(resourceFieldValue(c, "limits.cpu", undefined)).toBe("1");
    expect(resourceFieldValue(c, "limits.cpu", "1m")).toBe("250");
    expect(resourceFieldValue(c, "limits.memory", "1Mi")).toBe("64");
    expect(resourceFieldValue(c, "requests.cpu", undefined)).toBeNull();
  });
  it("writes docker-links service variables", () => {
    expect(serviceVars("redis-master", "10.0.0.11", [{ name: "redis", port: 6379 }])).toEqual([
      ["REDIS_MASTER_SERVICE_HOST", "10.0.0.11"],
      ["REDIS_MASTER_SERVICE_PORT", "6379"],
      ["REDIS_MASTER_SERVICE_PORT_REDIS", "6379"],
      ["REDIS_MASTER_PORT", "tcp://10.0.0.11:6379"],
      ["REDIS_MASTER_PORT_6379_TCP", "tcp://10.0.0.11:6379"],
      ["REDIS_MASTER_PORT_6379_TCP_PROTO", "tcp"],
      ["REDIS_MASTER_PORT_6379_TCP_PORT", "6379"],
      ["REDIS_MASTER_PORT_6379_TCP_ADDR", "10.0.0.11"],
    ]);
  });
});

describe("assembleContainer on arbitrary objects (property)", () => {
  const envEntry = fc.oneof(
    fc.anything(),
    fc.record(
      {
        name: fc.oneof(fc.string(), fc.constantFrom("A", "B", "$(A)")),
        value: fc.oneof(fc.string(), fc.constantFrom("$(A)", "$$", "vault:x", "$(")),
        valueFrom: fc.oneof(
          fc.anything(),
          fc.record({ configMapKeyRef: fc.anything(), secretKeyRef: fc.anything() }, { requiredKeys: [] }),
          fc.record(
            { fieldRef: fc.record({ fieldPath: fc.string() }), resourceFieldRef: fc.anything() },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  );
  const container = fc.record(
    {
      name: fc.constantFrom("c", "d"),
      env: fc.oneof(fc.anything(), fc.array(envEntry, { maxLength: 6 })),
      envFrom: fc.oneof(fc.anything(), fc.array(fc.anything(), { maxLength: 3 })),
      command: fc.oneof(fc.anything(), fc.constant(["sh", "-c"])),
      args: fc.oneof(fc.anything(), fc.array(fc.string(), { maxLength: 2 })),
    },
    { requiredKeys: ["name"] },
  );
  it("never throws and always yields string values", () => {
    fc.assert(
      fc.property(
        fc.array(container, { minLength: 1, maxLength: 3 }),
        fc.anything(),
        fc.anything(),
        (containers, metadata, extra) => {
          const raw = JSON.parse(
            JSON.stringify({
              kind: "Pod",
              metadata,
              spec: { containers, initContainers: extra, enableServiceLinks: extra },
            }) ?? "{}",
          ) as JsonObject;
          const pod: K8sObject = { kind: "Pod", metadata: readMeta(raw), raw };
          const index = new ObjectIndex();
          index.add(pod);
          for (const c of containersOf((raw.spec as JsonObject) ?? {})) {
            const env = assembleContainer({
              index,
              positions: new Positions(),
              subject: pod,
              container: c,
              chain: index.ownerChain(pod),
            });
            for (const l of env.lineages) expect(typeof l.value).toBe("string");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
