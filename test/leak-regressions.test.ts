/**
 * Output paths a review found could carry a secret around the core's masking. Each case feeds a known
 * secret in the shape that slipped through and proves it no longer comes out.
 */
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { detectSecret } from "../src/detect/index.js";
import { maskResult } from "../src/detect/mask.js";
import { Redactor } from "../src/detect/redact.js";
import { diffSnapshots } from "../src/drift/diff.js";
import { SNAPSHOT_KIND, SNAPSHOT_VERSION, type Snapshot } from "../src/drift/snapshot.js";
import type { ExplainResult } from "../src/model/index.js";
import { resultJson } from "../src/report/json.js";
import { parseOciConfig } from "../src/snapshot/container/oci.js";

const STRIPE = `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc".slice(0, 24)}`;

function explained(key: string, value: string, segments?: string[]): ExplainResult<string> {
  return {
    subject: { pid: 1, comm: "x" },
    variables: [
      {
        key,
        value,
        winner: { kind: "shell", confidence: "certain", evidence: [] },
        shadowed: [],
        notes: [],
        ...(segments ? { segments: segments.map((segment) => ({ segment })) } : {}),
      },
    ],
    findings: [],
    issues: [],
  };
}

describe("secrets that hid in other shapes", () => {
  it("direnv's DIRENV_DIFF (a zlib+base64url copy of every .envrc value) is masked whole", () => {
    const blob = deflateSync(Buffer.from(JSON.stringify({ p: {}, n: { STRIPE_KEY: STRIPE } }))).toString(
      "base64url",
    );
    expect(detectSecret("DIRENV_DIFF", blob)?.ruleIds).toEqual(["encoded-environment"]);
    const json = JSON.stringify(resultJson(maskResult(explained("DIRENV_DIFF", blob))));
    expect(json).not.toContain(blob.slice(0, 24));
  });

  it("the PATH-style segments of a flagged value go with the value (kept only with --reveal)", () => {
    const tokens = [`ghp_${"a1B2c3D4e5".repeat(3)}F6g7H8`, `ghp_${"z9Y8x7W6v5".repeat(3)}U4t3S2`];
    const r = explained("API_TOKENS", tokens.join(":"), tokens);
    const out = JSON.stringify(resultJson(maskResult(r)));
    for (const t of tokens) expect(out).not.toContain(t);
    const revealed = maskResult(r, { reveal: true });
    expect(revealed.variables[0]!.segments?.map((s) => s.segment)).toEqual(tokens);
  });

  it("a broken config.json is reported by position, without quoting its environment", () => {
    const { issues } = parseOciConfig(`{"process":{"env":["STRIPE=${STRIPE}", oops]}}`, "config.json");
    expect(issues.map((i) => i.code)).toContain("PARSE");
    expect(JSON.stringify(issues)).not.toContain(STRIPE.slice(0, 12));
  });

  it("diff masks the plain side of a value the other side masked, and values flagged now", () => {
    const snap = (label: string, value: string, masked: boolean): Snapshot =>
      ({
        kind: SNAPSHOT_KIND,
        schemaVersion: SNAPSHOT_VERSION,
        createdAt: "2026-11-24T00:00:00.000Z",
        label,
        fingerprintStyle: "hmac-sha256",
        subject: { pid: 1 },
        variables: [
          {
            key: "DB_PASS",
            value,
            masked,
            fingerprint: label,
            source: { kind: "shell", confidence: "certain" },
          },
        ],
        issues: [],
      }) as Snapshot;
    const r = diffSnapshots(snap("dev", "********", true), snap("prod", "Tr0ub4dor&3-correct", false), {
      a: "a",
      b: "b",
    });
    expect(JSON.stringify(r)).not.toContain("Tr0ub4dor");
    const both = diffSnapshots(snap("dev", STRIPE, false), snap("prod", `${STRIPE}x`, false), {
      a: "a",
      b: "b",
    });
    expect(JSON.stringify(both)).not.toContain(STRIPE);
  });

  it("redact masks space-separated shell assignments: fish `set` with its flags, csh `setenv`", () => {
    const pw = "Zq8vN3kT1pLx";
    const tok = "Zq8vN3kT1pLxRt5Wq9Mb2Hc";
    const lines = [
      `set -gx DB_PASSWORD ${pw}`,
      `set -Ux API_TOKEN ${tok}`,
      `set --global --export API_TOKEN "${tok}"`,
      `setenv DB_PASSWORD ${pw}`,
      `launchctl setenv API_TOKEN ${tok}`,
      `DB_PASSWORD=${pw}`,
    ];
    for (const style of ["partial", "full"] as const) {
      const r = new Redactor({ style });
      const input = `${lines.join("\n")}\n`;
      const out = Buffer.concat([r.push(Buffer.from(input)), r.end()]).toString();
      expect(out).not.toContain(pw.slice(0, 6));
      expect(out).not.toContain(tok.slice(0, 6));
      expect(out.split("\n")).toHaveLength(lines.length + 1);
      // Every byte outside the secret is kept: the command and the name.
      expect(out).toContain("set -gx DB_PASSWORD ");
      expect(out).toContain("setenv DB_PASSWORD ");
    }
  });

  it("redact keeps the shell separator after an unquoted secret (`KEY=v; export KEY`)", () => {
    const v = "Zq8vN3kT1pLxRt5";
    const r = new Redactor({ style: "full" });
    const input = `SESSION_KEY=${v}; export SESSION_KEY\nDB_PASSWORD=${v}&& run\nPASS=ab&cd;ef${v}\n`;
    const out = Buffer.concat([r.push(Buffer.from(input)), r.end()]).toString();
    expect(out).not.toContain(v.slice(0, 6));
    expect(out).toContain("; export SESSION_KEY\n");
    expect(out).toContain("&& run\n");
    // Inside a value (a .env or query-string password) `&` and `;` are the secret's own bytes: masked.
    expect(out).not.toContain("cd;ef");
  });
});
