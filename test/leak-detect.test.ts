/**
 * The detect layer never lets a secret through (issue 16): values shaped like command lines, vendors'
 * documentation example keys, malformed PEM blocks; and a property over every rule's examples embedded
 * in command-line values and text, through `detectSecret` + masking and through `redact`.
 */
import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SecretEngine } from "../src/detect/engine.js";
import { builtinEngine, detectSecret } from "../src/detect/index.js";
import { maskFor, maskResult } from "../src/detect/mask.js";
import { Redactor } from "../src/detect/redact.js";
import { builtinRules } from "../src/detect/rules/index.js";
import { isSecretValue } from "../src/detect/secret-value.js";
import type { ExplainResult } from "../src/model/index.js";

const PW = "Hq7zLk2Pw9XvR4"; // synthetic
const TOKEN = "q8Zr2LmX9vT4pK7wN3bJ5sYc"; // synthetic

function redact(text: string, sizes: number[] = [text.length || 1]): { out: string; r: Redactor } {
  const input = Buffer.from(text, "latin1");
  const r = new Redactor({ style: "partial" });
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < input.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]!);
    out.push(r.push(input.subarray(at, at + n)));
    at += n;
  }
  out.push(r.end());
  return { out: Buffer.concat(out).toString("latin1"), r };
}

function explained(vars: Record<string, string>): ExplainResult<string> {
  return {
    subject: { pid: 1, comm: "x" },
    variables: Object.entries(vars).map(([key, value]) => ({
      key,
      value,
      winner: { kind: "shell", confidence: "certain", evidence: [] },
      shadowed: [],
      notes: [],
    })),
    findings: [],
    issues: [],
  };
}

/** Every way a masked result is printed. */
const printed = (r: unknown): string => `${JSON.stringify(r)}\n${inspect(r, { depth: 20 })}`;

const CMDLINES: Array<[string, string, string]> = [
  // key, value, rule that must name the span
  ["JAVA_OPTS", `-Xmx1g -Dpassword=${PW} -Dfile.encoding=UTF-8`, "cli-option-secret"],
  ["JAVA_TOOL_OPTIONS", `-Djavax.net.ssl.keyStorePassword=${PW}`, "cli-option-secret"],
  ["CLI_SUDO", `psql --password=${PW} -h db.internal`, "cli-option-secret"],
  ["SUDO_COMMAND", `/usr/bin/app --password=${PW}`, "cli-option-secret"],
  ["SUDO_COMMAND", `/usr/bin/app --db-password ${PW} --verbose`, "cli-option-secret"],
  ["LAST_CMD", `mysql -uroot -p${PW} app`, "mysql-password-option"],
  ["LAST_CMD", `curl -sS -u admin:${PW} https://api.example.org`, "curl-user-password"],
  ["PSQL_CMD", `psql postgresql://app:${PW}@db.internal/app`, "url-password"],
  ["RSYNC_CMD", `rsync -a deploy:${PW}@backup.internal:/srv/ .`, "userinfo-password"],
  ["CURL_ARGS", `-H "Authorization: Bearer ${TOKEN}" https://api.example.org`, "http-bearer-token"],
  ["CURL_ARGS", `-H "Authorization: token ${TOKEN}" https://api.example.org`, "http-authorization-header"],
  ["CURL_ARGS", `-H 'Authorization: Basic ${Buffer.from(`ci:${PW}`).toString("base64")}'`, "http-basic-auth"],
  ["RUN", `PGPASSWORD=${PW} psql -h db`, "secret-assignment"],
];

describe("values shaped like command lines", () => {
  it.each(CMDLINES)("%s=%s: detected, only the secret span masked", (key, value, rule) => {
    const hit = detectSecret(key, value);
    expect(hit?.ruleIds).toContain(rule);
    expect(hit?.example).toBeUndefined();
    const masked = maskFor(value, hit!);
    const secret = value.includes(PW)
      ? PW
      : value.includes(TOKEN)
        ? TOKEN
        : Buffer.from(`ci:${PW}`).toString("base64");
    expect(masked).not.toContain(secret);
    // The rest of the value stays readable: its first word is kept.
    expect(masked.startsWith(value.split(/[ =]/)[0]!)).toBe(true);
    expect(masked).toContain("********");
  });

  it.each(CMDLINES)("%s=%s: maskResult prints no secret byte and raises ENVT-SECRET-001", (key, value) => {
    const r = maskResult(explained({ [key]: value }));
    expect(printed(r)).not.toContain(PW);
    expect(printed(r)).not.toContain(TOKEN);
    expect(isSecretValue(r.variables[0]!.value)).toBe(true);
    expect(r.findings.map((f) => f.id)).toEqual(["ENVT-SECRET-001"]);
  });

  it.each(CMDLINES)("redact masks %s=%s in text", (key, value) => {
    const { out } = redact(`${key}=${value}\nNEXT=1\n`);
    expect(out).not.toContain(PW);
    expect(out).not.toContain(TOKEN);
    expect(out.endsWith("\nNEXT=1\n")).toBe(true);
  });

  it("leaves ordinary command lines alone", () => {
    for (const v of [
      "-Xmx1g -Dfile.encoding=UTF-8 -Dpassword.min.length=12",
      "psql -h db -U app --password",
      "mysql -u root -p app",
      "docker pull node:20@sha256:0123456789abcdef0123456789abcdef",
      "git clone git@github.com:org/repo.git",
      "--token-file /run/secrets/token",
    ]) {
      expect(detectSecret("CMD", v), v).toBeNull();
    }
  });

  it("detectSecret(value) with one argument judges the value alone and never throws", () => {
    expect(() => (detectSecret as (v: unknown) => unknown)(undefined)).not.toThrow();
    expect(detectSecret(`--password=${PW}`)?.ruleIds).toContain("cli-option-secret");
    expect(detectSecret("hello world")).toBeNull();
    const gh = builtinRules.find((r) => r.id === "github-pat")!.examples.match[0]!;
    expect(detectSecret(gh)?.ruleIds[0]).toBe("github-pat");
  });
});

describe("vendors' documentation example keys", () => {
  const EXAMPLES: Array<[string, string, string]> = [
    ["AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"],
    ["AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-access-key"],
    ["GOOGLE_API_KEY", "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "gcp-api-key"],
  ];

  it.each(EXAMPLES)("%s=%s is masked, marked example, no finding", (key, value, rule) => {
    const hit = detectSecret(key, value);
    expect(hit?.example).toBe(true);
    expect(hit?.ruleIds).toContain(rule);
    const r = maskResult(explained({ [key]: value }));
    const v = r.variables[0]!.value;
    expect(isSecretValue(v) && v.example).toBe(true);
    expect(String(v)).toContain("(example)");
    expect(printed(r)).not.toContain(value);
    expect(r.findings).toEqual([]);
  });

  it("redact masks them as examples, counted apart from secrets", () => {
    const { out, r } = redact(
      "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    expect(out).not.toContain("IOSFODNN7");
    expect(out).not.toContain("wJalrXUtnFEMI");
    expect(out).toContain("AKIA********(example)");
    expect(r.stats.examples).toBe(2);
    expect(r.stats.secrets).toBe(0);
  });

  it("a real key next to an example still raises a finding", () => {
    const real = builtinRules.find((x) => x.id === "aws-access-key-id")!.examples.match[0]!;
    const hit = detectSecret("AWS_KEYS", `AKIAIOSFODNN7EXAMPLE ${real}`);
    expect(hit?.example).toBeUndefined();
    expect(maskResult(explained({ AWS_KEYS: `AKIAIOSFODNN7EXAMPLE ${real}` })).findings).toHaveLength(1);
  });
});

describe("PEM blocks are bounded: nothing after a malformed block is swallowed", () => {
  const b64line = (seed: number) =>
    Buffer.from(Buffer.alloc(48, seed).map((b, i) => (b * 31 + i * 7) & 255)).toString("base64");
  const body = [b64line(1), b64line(2), b64line(3), "QUJDREVGR0g="].join("\n");
  const after = Array.from({ length: 130 }, (_, i) => `LINE_${i}=value-${i}`).join("\n");

  it("a malformed END line: key lines masked, the END line and the 130 lines after it kept", () => {
    const text = `a=1\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KE\n${after}\n`;
    for (const sizes of [[text.length], [1], [7, 64], [4096]]) {
      const { out } = redact(text, sizes);
      for (const l of body.split("\n")) expect(out).not.toContain(l);
      expect(out).toContain(`-----END RSA PRIVATE KE\n${after}\n`);
      expect(out.split("\n").length).toBe(text.split("\n").length);
    }
  });

  it("a missing END, then a well-formed block later: the lines between are kept", () => {
    const text = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n${after}\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\nz=9\n`;
    const { out } = redact(text);
    expect(out).toContain(`\n${after}\n-----BEGIN RSA PRIVATE KEY-----`);
    for (const l of body.split("\n")) expect(out).not.toContain(l);
    expect(out.endsWith("\nz=9\n")).toBe(true);
    expect(out.split("\n").length).toBe(text.split("\n").length);
  });

  it("END of another label does not close the block", () => {
    const text = `-----BEGIN EC PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\nkept=1\n`;
    const { out } = redact(text);
    for (const l of body.split("\n")) expect(out).not.toContain(l);
    expect(out).toContain("-----END RSA PRIVATE KEY-----\nkept=1\n");
  });

  it("a well-formed block keeps the line count", () => {
    const text = `x\n-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\ny\n`;
    const { out } = redact(text);
    expect(out.split("\n").length).toBe(text.split("\n").length);
    expect(out.endsWith("\ny\n")).toBe(true);
    expect(out).not.toContain(b64line(2));
  });
});

/** The secret an example holds: the span its own rule finds (without the safe prefix it may show). */
function secretsOf(rule: (typeof builtinRules)[number]): Array<{ example: string; secret: string }> {
  const alone = new SecretEngine([rule]);
  return rule.examples.match.flatMap((example) => {
    const m = alone.scan(example).find((x) => x.ruleId === rule.id);
    if (!m) return [];
    const secret = example.slice(m.start + m.safePrefix.length, m.end);
    return secret.length >= 6 ? [{ example, secret }] : [];
  });
}

const ALL_CASES = builtinRules.flatMap((r) => secretsOf(r).map((c) => ({ ...c, rule: r.id })));
/**
 * Examples whose format is anchored to a line of a file (`.netrc`'s `  password …` line): they cannot sit
 * in the middle of a command line. Listed, so that a new one is a decision, not an accident.
 */
const LINE_ANCHORED = ALL_CASES.filter((c) => builtinEngine().scan(`x ${c.example} y`).length === 0);
const CASES = ALL_CASES.filter((c) => !LINE_ANCHORED.includes(c));

// Command-line words that are no secret of any rule.
const word = fc.constantFrom(
  "/usr/bin/app",
  "-Xmx1g",
  "--verbose",
  "-v",
  "run",
  "--",
  "-Dfile.encoding=UTF-8",
  "sh",
  "-c",
  "exec",
  "--port=8080",
  "db.internal",
);
const words = fc.array(word, { minLength: 0, maxLength: 4 }).map((w) => w.join(" "));

describe("no leak: every rule's examples inside command-line values and text (property)", () => {
  it("covers every rule", () => {
    const covered = new Set(CASES.map((c) => c.rule));
    expect(builtinRules.filter((r) => !covered.has(r.id)).map((r) => r.id)).toEqual([]);
    // secret-set-command: `set`/`setenv` only in command position (line start, after a separator or quote).
    expect([...new Set(LINE_ANCHORED.map((c) => c.rule))]).toEqual(["netrc-password", "secret-set-command"]);
  });

  it("detectSecret + masking: the secret never appears, the words around it do", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CASES),
        words,
        words,
        fc.constantFrom("CMD", "JAVA_OPTS", "SUDO_COMMAND"),
        (c, pre, post, key) => {
          const value = `${pre} ${c.example} ${post}`;
          const hit = detectSecret(key, value);
          expect(hit, `${c.rule} not found in a value`).not.toBeNull();
          const masked = maskFor(value, hit!);
          expect(masked).not.toContain(c.secret);
          expect(masked.startsWith(`${pre} `)).toBe(true);
          expect(masked.endsWith(` ${post}`)).toBe(true);
          const r = maskResult(explained({ [key]: value }));
          expect(printed(r)).not.toContain(c.secret);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("redact: the secret never appears, every other line and the line count are kept", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CASES),
        words,
        words,
        fc.array(fc.constantFrom("PATH=/usr/bin", "x", "", "2024-01-01 INFO ok"), { maxLength: 3 }),
        fc.integer({ min: 1, max: 200 }),
        (c, pre, post, lines, chunk) => {
          const text = `${lines.join("\n")}\n${pre} ${c.example} ${post}\n${lines.join("\n")}\n`;
          const { out } = redact(text, [chunk]);
          expect(out, c.rule).not.toContain(c.secret);
          expect(out.split("\n").length).toBe(text.split("\n").length);
          expect(out.startsWith(`${lines.join("\n")}\n${pre} `)).toBe(true);
          expect(out.endsWith(` ${post}\n${lines.join("\n")}\n`)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("the full engine agrees with each rule alone (the registry order never hides a secret)", () => {
    const engine = builtinEngine();
    for (const c of CASES) {
      const text = engine.scan(c.example);
      expect(text.length, c.rule).toBeGreaterThan(0);
    }
  });
});
