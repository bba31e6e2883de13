/**
 * Registry test for the rule catalogue: every id a check can emit has an entry (from the registries and
 * from every `"ENVT-…"` literal in the sources), and every entry has help text and a helpUri.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { providers } from "../detect/rules/index.js";
import { DRIFT_IDS } from "../drift/diff.js";
import { goChecks } from "../go/checks/index.js";
import { hostChecks } from "../host/index.js";
import { k8sChecks } from "../k8s/checks/index.js";
import { MODCACHE_IDS } from "../report/build.js";
import { catalogue, findPackageRoot, hasRule, ruleMeta, secretRule } from "./index.js";

const SRC = new URL("..", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

describe("rule catalogue", () => {
  it("has every id the registries can emit", () => {
    const ids = [
      "ENVT-SECRET-001",
      ...goChecks.map((c) => c.meta.id),
      ...Object.values(MODCACHE_IDS),
      ...hostChecks.map((c) => c.meta.id),
      ...k8sChecks.map((c) => c.meta.id),
      ...Object.values(DRIFT_IDS),
    ];
    for (const id of ids) expect(hasRule(id), id).toBe(true);
  });

  it("has every ENVT-… id written anywhere in the sources", () => {
    const found = new Set<string>();
    for (const f of sourceFiles(SRC)) {
      for (const m of readFileSync(f, "utf8").matchAll(/"(ENVT-[A-Z0-9]+-\d{3})"/g)) found.add(m[1]!);
    }
    expect(found.size).toBeGreaterThan(40);
    expect([...found].filter((id) => !hasRule(id))).toEqual([]);
  });

  it("ids are unique and sorted; every entry has help text, a helpUri and descriptions", () => {
    const ids = catalogue().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const e of catalogue()) {
      expect(e.help.length, e.id).toBeGreaterThan(40);
      expect(e.helpUri, e.id).toMatch(/^https:\/\//);
      expect(e.shortDescription.length, e.id).toBeGreaterThan(5);
      expect(e.fullDescription.length, e.id).toBeGreaterThan(5);
      expect(e.name, e.id).toMatch(/^[a-z0-9-]+$/);
      expect(e.security, e.id).toBe(e.tags.includes("security"));
    }
  });

  it("reads help from docs/ (the file or its section), not a composed fallback", () => {
    expect(findPackageRoot()).toBeTruthy();
    expect(ruleMeta("ENVT-GO-001").help).toMatch(/^# ENVT-GO-001 gosumdb-off/);
    expect(ruleMeta("ENVT-HOST-001").help).toMatch(/^# ENVT-HOST-001/);
    expect(ruleMeta("ENVT-K8S-001").help).toMatch(/^# ENVT-K8S-001/);
    expect(ruleMeta("ENVT-DRIFT-003").help).toMatch(/^## Findings[\s\S]*ENVT-DRIFT-003/);
    expect(ruleMeta("ENVT-GO-201").help).toMatch(/^## verify-modcache[\s\S]*tampered-zip/);
    expect(ruleMeta("ENVT-SECRET-001").help).toMatch(/^# Secret rules[\s\S]*ENVT-SECRET-001/);
    expect(ruleMeta("ENVT-SECRET-001").help).not.toContain("## `envtrace redact`");
    expect(ruleMeta("ENVT-K8S-001").name).toBe("credential-as-a-literal-env-value");
  });

  it("lists every secret rule under ENVT-SECRET-001", () => {
    const n = providers.reduce((k, p) => k + p.rules.length, 0);
    expect(ruleMeta("ENVT-SECRET-001").rules).toHaveLength(n);
    expect(secretRule("secret.github-pat")).toMatchObject({ provider: "github", severity: "critical" });
    expect(secretRule("secret.github-pat")?.helpUri).toMatch(/docs\/detect\/github\.md$/);
  });

  it("gives an unknown id a generic entry", () => {
    const e = ruleMeta("ACME-POLICY-7");
    expect(e.id).toBe("ACME-POLICY-7");
    expect(e.help.length).toBeGreaterThan(10);
    expect(e.security).toBe(false);
  });
});
