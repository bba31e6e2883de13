/**
 * Fixture trees under test/fixtures/container/<resolver>/<case>/ (written by make-fixtures.py, shapes copied
 * from a real runc/podman/conmon host and containerd's docs): a host root with /proc, runtime state and
 * bundles, and a case.json naming how to explain it and what each variable's attribution must be.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExplainSession } from "../../explain.js";
import type { Attribution, DisplayValue, ExplainResult, Lineage } from "../../model/index.js";
import { isFileLocation } from "../../model/index.js";
import { readRegularText } from "../../snapshot/container/bundle.js";
import { detectInside } from "../../snapshot/container/detect.js";
import { type ContainerFacts, parseEnvStep } from "../../snapshot/container/facts.js";
import { splitEnvList } from "../../snapshot/container/oci.js";
import { createHostFs } from "../../snapshot/host-fs.js";
import { createResolverContext } from "../engine.js";
import { explainContainer } from "./explain.js";
import { attributeContainer } from "./index.js";

const base = new URL("../../../test/fixtures/container/", import.meta.url).pathname;

interface Expect {
  kind: string;
  mechanism?: string;
  file?: string;
  line?: number;
  confidence?: string;
  evidence?: string;
  cri?: string;
  time?: string;
  shadowed?: Array<[string, string | null, number | null]>;
}

function cases(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const id of readdirSync(base)) {
    const dir = `${base}${id}`;
    if (!existsSync(dir) || id.includes(".")) continue;
    for (const c of readdirSync(dir)) out.push([`${id}/${c}`, `${dir}/${c}`]);
  }
  return out;
}

function factsFromJson(root: string): ContainerFacts {
  const j = JSON.parse(readFileSync(`${root}/facts.json`, "utf8"));
  const facts: ContainerFacts = {
    id: j.id,
    name: j.name,
    engine: j.engine,
    created: j.created,
    env: splitEnvList(j.env).pairs,
    envFrom: j.envFrom,
    labels: j.labels ?? {},
    annotations: {},
    issues: [],
  };
  if (j.hostname) facts.hostname = j.hostname;
  if (typeof j.tty === "boolean") facts.tty = j.tty;
  if (j.createCommand) facts.createCommand = j.createCommand;
  if (j.image) {
    facts.image = {
      id: j.image.id,
      name: j.image.name,
      created: j.image.created,
      env: new Map(splitEnvList(j.image.env).pairs.map(([k, v]) => [k, v] as const)),
      history: j.image.history.map((h: { createdBy: string; created?: string }, index: number) => ({
        index,
        createdBy: h.createdBy,
        created: h.created,
        env: parseEnvStep(h.createdBy),
      })),
    };
  }
  return facts;
}

function check(lineages: ReadonlyArray<Lineage<DisplayValue> | Lineage>, expected: Record<string, Expect>) {
  for (const [key, exp] of Object.entries(expected)) {
    const l = lineages.find((v) => v.key === key);
    expect(l, key).toBeDefined();
    const w = l!.winner as Attribution;
    expect(w.kind, key).toBe(exp.kind);
    if (exp.mechanism) expect(w.mechanism, key).toBe(exp.mechanism);
    if (exp.confidence) expect(w.confidence, key).toBe(exp.confidence);
    if (exp.file) expect((w.location as { file?: string }).file, key).toBe(exp.file);
    if (exp.line !== undefined) expect((w.location as { line?: number }).line, key).toBe(exp.line);
    if (exp.evidence) expect(w.evidence.join("\n"), key).toContain(exp.evidence);
    if (exp.cri) expect(w.evidence.join("\n"), key).toContain(exp.cri);
    if (exp.time) expect(w.time?.at, key).toBe(exp.time);
    if (exp.shadowed) {
      const got = l!.shadowed.map((s) => {
        const loc = s.attribution.location;
        return [
          s.attribution.mechanism,
          isFileLocation(loc) ? loc.file : null,
          isFileLocation(loc) ? (loc.line ?? null) : null,
        ];
      });
      expect(got, key).toEqual(exp.shadowed);
    }
  }
}

describe("container fixtures", () => {
  for (const [name, root] of cases()) {
    it(name, async () => {
      const c = JSON.parse(readFileSync(`${root}/case.json`, "utf8"));
      let result: ExplainResult<DisplayValue> | undefined;
      if (c.mode === "explain") {
        result = await new ExplainSession({ root }).explain(c.pid);
        check(result.variables, c.expected);
      } else if (c.mode === "inside") {
        const got = await detectInside(createHostFs(root), c.env);
        expect(got).toMatchObject(c.expected);
        if (c.expected.inContainer) expect(got.evidence.length).toBeGreaterThan(0);
      } else if (c.mode === "container") {
        result = await explainContainer(c.ref, { root, env: {} });
        expect(result, name).toBeDefined();
        expect(result!.subject.kind).toBe("container");
        check(result!.variables, c.expected);
      } else {
        const issues: never[] = [];
        const ctx = createResolverContext({ fs: createHostFs(root), issues });
        const lineages = await attributeContainer(factsFromJson(root), ctx);
        check(lineages, c.expected);
        // Compose files relative to working_dir resolve against it; no issue for files that exist.
        expect(issues).toEqual([]);
      }
    });
  }

  it("says nothing about a process outside any container", async () => {
    const root = `${base}oci-config/containerd-cri`;
    const r = await new ExplainSession({ root }).explain(500);
    expect(
      r.variables.every(
        (v) => !String(v.winner?.kind).startsWith("container") && v.winner?.kind !== "oci-config",
      ),
    ).toBe(true);
  });

  it("never opens a FIFO named as an env file (it would block)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "envtrace-fifo-"));
    try {
      execFileSync("mkfifo", [join(dir, "app.env")]);
      writeFileSync(join(dir, "ok.env"), "A=1\n");
      const fs = createHostFs("/");
      expect(await readRegularText(fs, join(dir, "app.env"))).toBeUndefined();
      expect(await readRegularText(fs, join(dir, "ok.env"))).toBe("A=1\n");
      expect(await readRegularText(fs, join(dir, "missing.env"))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives no result for a container nobody knows", async () => {
    const root = `${base}oci-config/runc-state`;
    expect(await explainContainer("nosuchbox", { root, env: {} })).toBeUndefined();
  });
});
