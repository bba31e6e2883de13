import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Redactor } from "./redact.js";
import { builtinRules } from "./rules/index.js";

const ex = (id: string, i = 0) => builtinRules.find((r) => r.id === id)!.examples.match[i]!;

/** Redacts `input` fed in the given chunk sizes (cycled). */
function redact(input: Buffer, sizes: number[] = [input.length || 1], maxCarry?: number): Buffer {
  const r = new Redactor({ style: "partial", ...(maxCarry ? { maxCarry } : {}) });
  const out: Buffer[] = [];
  let at = 0;
  let i = 0;
  while (at < input.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]!);
    out.push(r.push(input.subarray(at, at + n)));
    at += n;
  }
  out.push(r.end());
  return Buffer.concat(out);
}

const pem = ex("private-key-openssh");
const gh = ex("github-pat");
const doc = [
  "# .env",
  `GITHUB_TOKEN=${gh}`,
  "PATH=/usr/local/bin:/usr/bin",
  `export DATABASE_URL="postgres://app:Qw7Lm2Xp9Rt4Vz8K@db:5432/app"`,
  `SSH_KEY="${pem}"`,
  `{"GOPROXY": "https://ci:Hn5Tb8Wq2Zx7Mc4R@goproxy.corp,direct", "GOFLAGS": "-mod=mod"}`,
  "password_min_length: 12",
  "2024-01-01T00:00:00Z INFO login ok user=alice password=Sup3r-S3cret-99",
  "café ünïcödé \xff\xfe bytes",
  "",
].join("\n");
const input = Buffer.from(doc, "latin1");

describe("redact", () => {
  const whole = redact(input);
  const text = whole.toString("latin1");

  it("masks every secret and leaves every other byte unchanged", () => {
    for (const s of [
      gh.slice(4),
      "Qw7Lm2Xp9Rt4Vz8K",
      "Hn5Tb8Wq2Zx7Mc4R",
      "Sup3r-S3cret-99",
      pem.split("\n")[1]!,
    ]) {
      expect(text).not.toContain(s);
    }
    expect(text).toContain(`GITHUB_TOKEN=ghp_********(${gh.length})`);
    expect(text).toContain("postgres://app:********@db:5432/app");
    expect(text).toContain("-----BEGIN OPENSSH PRIVATE KEY-----********(");
    expect(text).toContain("PATH=/usr/local/bin:/usr/bin\n");
    expect(text).toContain("password_min_length: 12\n");
    expect(text).toContain("café ünïcödé \xff\xfe bytes\n");
  });

  it("gives the same output whatever the chunk boundaries (secrets split across chunks)", () => {
    for (const sizes of [[1], [7], [13, 1, 64], [100], [4096]]) {
      expect(redact(input, sizes).equals(whole), `chunks ${sizes}`).toBe(true);
    }
  });

  it("keeps memory bounded on lines longer than the carry limit, still masking", () => {
    const long = Buffer.from(`X=${"a".repeat(400_000)} TOKEN=${gh} ${"b".repeat(400_000)}\n`, "latin1");
    const out = redact(long, [65536], 200_000).toString("latin1");
    expect(out.length).toBeLessThan(long.length);
    expect(out).not.toContain(gh.slice(4));
    expect(out.startsWith("X=aaa")).toBe(true);
  });

  it("masks an over-long PEM block (beyond one match window) up to its END line, keeping the line count", () => {
    const body = Array.from({ length: 1500 }, (_, i) => `QUJD${String(i).padStart(60, "x")}`).join("\n");
    const big = Buffer.from(
      `a=1\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\nb=2\n`,
    );
    const out = redact(big, [8192], 160_000).toString("latin1");
    expect(out).not.toContain("QUJD");
    expect(out.startsWith("a=1\n-----BEGIN RSA PRIVATE KEY-----\n")).toBe(true);
    expect(out).toContain("-----END RSA PRIVATE KEY-----\nb=2\n");
    expect(out.split("\n").length).toBe(big.toString("latin1").split("\n").length);
  });

  it("never throws, and changes nothing in text without secrets (arbitrary bytes)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 300 }), (bytes, n) => {
        const b = Buffer.from(bytes);
        const out = redact(b, [n]);
        if (!out.includes("********") && !out.includes("hmac-sha256:")) expect(out.equals(b)).toBe(true);
      }),
    );
  });
});
