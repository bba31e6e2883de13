import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import fc from "fast-check";
import AhoCorasick from "modern-ahocorasick";
import { describe, expect, it } from "vitest";
import type { ExplainResult } from "../model/index.js";
import { loadFingerprintKey } from "./fingerprint-key.js";
import { builtinEngine, detectSecret } from "./index.js";
import { maskFor, maskResult, valueFingerprint } from "./mask.js";
import { classifyName } from "./names.js";
import { KeywordIndex } from "./prefilter.js";
import { builtinRules } from "./rules/index.js";
import { SecretValue } from "./secret-value.js";
import { parseUserRules, RuleFileError } from "./user-rules.js";

const ex = (id: string, i = 0) => builtinRules.find((r) => r.id === id)!.examples.match[i]!;

describe("name semantics", () => {
  it.each([
    ["PASSWORD_MIN_LENGTH", "12"],
    ["TOKEN_TTL", "3600"],
    ["SECRET_NAME", "prod-db-credentials"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the point
    ["DB_PASSWORD", "${DB_PASS}"],
    ["DB_PASSWORD", "$DB_PASS"],
    ["API_TOKEN", "vault:secret/data/app#token"],
    ["API_TOKEN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app"],
    ["DB_PASSWORD_FILE", "/run/secrets/db"],
    ["SSL_KEY", "/etc/ssl/private/server.key"],
    ["SESSION_TIMEOUT", "30m"],
    ["JWT_EXPIRY", "1h30m"],
    ["API_KEY", "changeme"],
    ["API_KEY", "xxxxxxxxxxxxxxxx"],
    ["AUTH_ENABLED", "true"],
    ["GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D"],
    ["SORT_KEY", "created_at"],
    ["PATH", "/usr/local/bin:/usr/bin"],
    ["GIT_COMMIT", "9fceb02d0ae598e95dc970b74767f19372d61af8"],
  ])("%s=%s is not a secret", (k, v) => {
    expect(detectSecret(k, v)).toBeNull();
  });

  it.each([
    ["DB_PASSWORD", "hunter22x", "secret-assignment"],
    ["MYSQL_ROOT_PASSWORD", "correct horse", "secret-assignment"],
    ["API_TOKEN", "q8Zr2LmX9vT4pK7wN3bJ", "secret-assignment"],
    ["clientSecret", "Zk29fjQm4Lx8Vb3Tn7Rw", "secret-assignment"],
    ["GITHUB_TOKEN", ex("github-pat"), "github-pat"],
    ["ANYTHING", ex("github-pat"), "github-pat"],
    ["AWS_ACCESS_KEY_ID", ex("aws-access-key-id"), "aws-access-key-id"],
  ])("%s=%s is a secret (%s)", (k, v, rule) => {
    expect(detectSecret(k, v)?.ruleIds[0]).toBe(rule);
  });

  it("classifies names by words, camelCase included", () => {
    expect(classifyName("dbPassword")).toBe("password");
    expect(classifyName("STRIPE_API_KEY")).toBe("secret");
    expect(classifyName("API_KEY_ID")).toBeNull();
    expect(classifyName("MONKEY")).toBeNull();
  });
});

describe("masking", () => {
  const key = Buffer.from("k".repeat(40));
  it("partial keeps a known prefix and the length; full hides all; fingerprint is keyed", () => {
    const gh = ex("github-pat");
    const hit = detectSecret("GITHUB_TOKEN", gh)!;
    expect(maskFor(gh, hit, "partial")).toBe(`ghp_********(${gh.length})`);
    expect(maskFor(gh, hit, "full")).toBe("********");
    const fp = maskFor(gh, hit, "fingerprint", key);
    expect(fp).toMatch(/^hmac-sha256:[0-9a-f]{12}$/);
    expect(fp).toBe(valueFingerprint(gh, key));
    expect(valueFingerprint(gh, Buffer.from("other-key-other-key-other-key-0000"))).not.toBe(fp);
  });

  it("URLs with userinfo: partial masks only the password, full the whole userinfo", () => {
    const v = "postgres://app:Qw7Lm2Xp9Rt4Vz8K@db.internal:5432/app";
    const hit = detectSecret("DATABASE_URL", v)!;
    expect(hit.ruleIds[0]).toBe("url-password");
    expect(maskFor(v, hit, "partial")).toBe("postgres://app:********@db.internal:5432/app");
    expect(maskFor(v, hit, "full")).toBe("postgres://********@db.internal:5432/app");
  });

  it("the generated fingerprint key file is mode 0600 and stable", () => {
    const dir = mkdtempSync(join(tmpdir(), "envtrace-fp-"));
    const env = { XDG_STATE_HOME: dir };
    const k1 = loadFingerprintKey(env);
    const path = join(dir, "envtrace", "fingerprint.key");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadFingerprintKey(env).equals(k1)).toBe(true);
    expect(loadFingerprintKey({ ENVTRACE_FINGERPRINT_KEY: "abc" }).toString()).toBe("abc");
  });

  it("SecretValue prints its mask through every path", () => {
    const s = new SecretValue("p4ssw0rd-raw", "********");
    expect(String(s)).toBe("********");
    expect(`${s}`).toBe("********");
    expect(JSON.stringify({ s })).toBe('{"s":"********"}');
    expect(inspect(s)).not.toContain("p4ssw0rd-raw");
    expect(inspect({ deep: [s] })).not.toContain("p4ssw0rd-raw");
    expect(s.reveal()).toBe("p4ssw0rd-raw");
  });

  it("maskResult: findings carry rule id, key and source; other strings are scrubbed", () => {
    const secret = "hunter22-Xy9q";
    const result: ExplainResult<string> = {
      subject: { pid: 42 },
      variables: [
        {
          key: "DB_PASSWORD",
          value: secret,
          winner: { kind: "shell", confidence: "certain", evidence: [`export DB_PASSWORD=${secret}`] },
          shadowed: [],
          notes: [`was ${secret}`],
        },
        { key: "HOME", value: "/root", winner: null, shadowed: [], notes: [] },
      ],
      findings: [],
      issues: [{ subject: "x", code: "PARSE", detail: `near ${secret}` }],
    };
    const m = maskResult(result, { style: "full" });
    expect(JSON.stringify(m)).not.toContain(secret);
    const f = m.findings.find((x) => x.key === "DB_PASSWORD")!;
    expect(f.id).toBe("ENVT-SECRET-001");
    expect(f.messageId).toBe("secret.secret-assignment");
    expect(f.attribution?.kind).toBe("shell");
    expect(m.variables[1]!.value).toBe("/root");
    expect(maskResult(result, { reveal: true }).variables[0]!.value).toBe(secret);
  });
});

describe("keyword prefilter", () => {
  it("finds the same keywords as modern-ahocorasick (oracle), case-insensitively", () => {
    const kws = ["ghp_", "akia", "password", "-----begin", "sk_live_", "key", "ey", "://"];
    const mine = new KeywordIndex(kws);
    const oracle = new AhoCorasick(kws);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...kws, "x", "A", "GHP_", "Key", "é", "\n", "=", ":/"), { maxLength: 40 }),
        (parts) => {
          const text = parts.join("");
          const expected = [...new Set(oracle.search(text.toLowerCase()).map((m) => m.patternIndex))].sort(
            (a, b) => a - b,
          );
          expect(mine.matches(text)).toEqual(expected);
        },
      ),
    );
  });
});

describe("user rules (--rules)", () => {
  const ok = `rules:\n  - id: acme-token\n    description: ACME token\n    keywords: [acme_]\n    regex: "acme_[a-z0-9]{16}"\n    examples: { match: ["acme_abcdef0123456789"], noMatch: ["acme_x"] }\n`;
  it("loads a valid YAML rule", () => {
    const rules = parseUserRules(ok, "r.yaml");
    expect(rules[0]!.id).toBe("acme-token");
  });
  it.each([
    [ok.replace("    keywords: [acme_]\n", ""), "acme-token", "keywords"],
    [ok.replace('"acme_[a-z0-9]{16}"', '"acme_[a-z0-9]+"'), "acme-token", "regex"],
    [ok.replace('"acme_[a-z0-9]{16}"', '"acme_[a-z"'), "acme-token", "regex"],
    [
      ok
        .replace("severity", "x")
        .replace("description: ACME token", "description: ACME token\n    colour: red"),
      "acme-token",
      "colour",
    ],
    [ok.replace('match: ["acme_abcdef0123456789"]', 'match: ["nope"]'), "acme-token", "examples.match"],
    ["rules: 3", undefined, "rules"],
  ])("rejects a bad rule naming rule and field (%#)", (text, id, field) => {
    try {
      parseUserRules(text, "r.yaml");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RuleFileError);
      expect((err as RuleFileError).ruleId).toBe(id);
      expect((err as RuleFileError).field).toBe(field);
    }
  });
  it("never throws anything but RuleFileError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => {
        try {
          parseUserRules(t, "r.yaml");
        } catch (err) {
          expect(err).toBeInstanceOf(RuleFileError);
        }
      }),
    );
  });
});

describe("engine on arbitrary input", () => {
  it("never throws; matches are sorted, in bounds and non-overlapping", () => {
    const pieces = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        "=",
        "\n",
        "://",
        ":",
        "@",
        "password=",
        "TOKEN=",
        "ghp_",
        "-----BEGIN RSA PRIVATE KEY-----",
        '"',
        "'",
      ),
      fc.constantFrom(...builtinRules.slice(0, 40).map((r) => r.examples.match[0]!)),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), fc.string({ maxLength: 20 }), (parts, key) => {
        const text = parts.join("");
        const ms = builtinEngine().scan(text);
        let prev = -1;
        for (const m of ms) {
          expect(m.start).toBeGreaterThanOrEqual(0);
          expect(m.end).toBeLessThanOrEqual(text.length);
          expect(m.start).toBeGreaterThanOrEqual(prev);
          prev = m.end;
        }
        const hit = detectSecret(key, text);
        for (const s of hit?.spans ?? []) expect(s.end).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 300 },
    );
  });
});
