/**
 * Figure (issue 4): recall and false-positive rate of secret detection on a labelled corpus built here.
 * Positives: every rule's format with fresh random bodies (class-preserving: hex stays hex, digits stay
 * digits), embedded as the rule's example is (bare, `KEY=value`, URL, JSON); plus passwords and tokens
 * under credential names. Negatives: UUIDs, git SHAs, sha256 digests, image digests, paths, base64 of
 * ordinary text, URLs without passwords, durations, versions, documented example keys, placeholders
 * and references, under realistic names. Targets: recall ≥ 99%, false-positive rate ≤ 1%.
 * Run: `npx tsx bench/secrets-accuracy.ts` (SAMPLES per rule, default 30).
 */

import { SecretEngine } from "../src/detect/engine.js";
import { detectSecret } from "../src/detect/index.js";
import { builtinRules } from "../src/detect/rules/index.js";
import { ALNUM, B64, HEX, prng } from "../src/detect/rules/lib.js";

const SAMPLES = Number(process.env.SAMPLES ?? 30);
const rand = prng(20261124);
const pick = (cs: string) => cs[Math.floor(rand() * cs.length)]!;
const str = (cs: string, n: number) => Array.from({ length: n }, () => pick(cs)).join("");
const engine = new SecretEngine(builtinRules);

/**
 * A fresh body for `secret` (at `start` in `text`): every character after the safe prefix is replaced by
 * a random one of the same class, and kept only if the text still has the format (the rule's own pattern
 * still matches exactly that secret) — so fixed markers inside a format (`T3BlbkFJ`, `-----END …`) stay.
 */
function randomize(text: string, start: number, secret: string, keep: number, shape: RegExp): string {
  const hex = /^[0-9a-f]+$/.test(secret.slice(keep))
    ? HEX
    : /^[0-9A-F]+$/.test(secret.slice(keep))
      ? "0123456789ABCDEF"
      : null;
  const fits = (cand: string) => {
    const t = text.slice(0, start) + cand + text.slice(start + secret.length);
    shape.lastIndex = 0;
    for (let m = shape.exec(t); m; m = shape.exec(t))
      if (m.slice(1).includes(cand) || m[0] === cand) return true;
    return false;
  };
  let out = secret;
  for (let i = keep; i < secret.length; i++) {
    const ch = secret[i]!;
    const cs =
      hex && /[0-9a-fA-F]/.test(ch)
        ? hex
        : /[0-9]/.test(ch)
          ? "0123456789"
          : /[a-z]/.test(ch)
            ? "abcdefghijklmnopqrstuvwxyz"
            : /[A-Z]/.test(ch)
              ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
              : null;
    if (!cs) continue;
    const cand = out.slice(0, i) + pick(cs) + out.slice(i + 1);
    if (fits(cand)) out = cand;
  }
  return out;
}

interface Sample {
  text: string;
  /** For positives: the secret's span in `text`. */
  span?: [number, number];
  label: string;
}

const positives: Sample[] = [];
let structured = 0;
for (const rule of builtinRules) {
  if (rule.tags.includes("name-semantics")) continue;
  const alone = new SecretEngine([rule]);
  const shape = new RegExp(rule.regex.source, `${rule.regex.flags.replace("g", "")}g`);
  for (const ex of rule.examples.match) {
    const m = alone.scan(ex)[0];
    if (!m) throw new Error(`${rule.id}: example not matched`);
    // Formats with inner structure (JWT JSON, base64 of user:password, checksummed layouts) keep their example.
    const fixed = rule.isFalsePositive !== undefined || rule.tags.includes("structured");
    if (fixed) structured++;
    for (let i = 0; i < (fixed ? 1 : SAMPLES); i++) {
      const secret = ex.slice(m.start, m.end);
      const keep = m.safePrefix.length;
      const fresh = fixed ? secret : randomize(ex, m.start, secret, keep, shape);
      const text = ex.slice(0, m.start) + fresh + ex.slice(m.end);
      positives.push({ text, span: [m.start, m.start + fresh.length], label: rule.id });
    }
  }
}
// Credentials recognised only by their names (env entries).
const names = [
  "DB_PASSWORD",
  "MYSQL_ROOT_PASSWORD",
  "API_TOKEN",
  "APP_SECRET",
  "CLIENT_SECRET",
  "SESSION_SECRET",
  "ENCRYPTION_KEY",
  "REDIS_PASSWORD",
  "smtpPassword",
  "JWT_SECRET",
];
for (let i = 0; i < SAMPLES * names.length; i++) {
  const key = names[i % names.length]!;
  const value = i % 2 ? str(ALNUM, 12 + (i % 20)) : str(B64, 24 + (i % 24));
  positives.push({
    text: `${key}=${value}`,
    span: [key.length + 1, key.length + 1 + value.length],
    label: "name-semantics",
  });
}

const uuid = () => `${str(HEX, 8)}-${str(HEX, 4)}-4${str(HEX, 3)}-a${str(HEX, 3)}-${str(HEX, 12)}`;
const words =
  "the quick brown fox jumps over the lazy dog while deploying config files to production servers every night".split(
    " ",
  );
const sentence = () =>
  Array.from({ length: 6 + Math.floor(rand() * 10) }, () => words[Math.floor(rand() * words.length)]).join(
    " ",
  );
const negativeMakers: Array<[string, () => string]> = [
  ["uuid", () => `REQUEST_ID=${uuid()}`],
  ["uuid-bare", () => uuid()],
  ["git-sha", () => `GIT_COMMIT=${str(HEX, 40)}`],
  ["git-sha-short", () => `BUILD_REF=${str(HEX, 12)}`],
  ["sha256", () => `CHECKSUM=${str(HEX, 64)}`],
  ["image-digest", () => `IMAGE=registry.example.com/app@sha256:${str(HEX, 64)}`],
  ["path", () => `APP_HOME=/opt/${str("abcdefghij", 6)}/releases/${str("0123456789", 8)}/bin`],
  ["pathlist", () => `PATH=/usr/local/bin:/usr/bin:/opt/${str("abcdef", 5)}/bin`],
  ["base64-text", () => `GREETING_B64=${Buffer.from(sentence()).toString("base64")}`],
  ["base64-bare", () => Buffer.from(sentence()).toString("base64")],
  ["url", () => `SERVICE_URL=https://svc-${str("abcdef0123", 6)}.internal:8443/api/v1?page=2`],
  ["url-user-no-password", () => `GIT_REMOTE=ssh://git@github.com/org/${str("abcdef", 8)}.git`],
  ["duration", () => `TOKEN_TTL=${1 + Math.floor(rand() * 90)}m`],
  ["number", () => `PASSWORD_MIN_LENGTH=${8 + Math.floor(rand() * 20)}`],
  [
    "version",
    () => `NODE_VERSION=${Math.floor(rand() * 30)}.${Math.floor(rand() * 20)}.${Math.floor(rand() * 10)}`,
  ],
  ["secret-name", () => `SECRET_NAME=prod-${str("abcdefgh", 6)}-credentials`],
  ["secret-file", () => `DB_PASSWORD_FILE=/run/secrets/db_${str("abcdef", 4)}`],
  ["reference", () => `DB_PASSWORD=\${DB_PASSWORD_${str("ABCDEF", 3)}}`],
  ["vault-ref", () => `API_TOKEN=vault:secret/data/${str("abcdef", 6)}#token`],
  [
    "placeholder",
    () =>
      `API_KEY=${["changeme", "your-api-key-here", "xxxxxxxxxxxxxxxx", "<token>", "REPLACE_ME"][Math.floor(rand() * 5)]}`,
  ],
  ["aws-example", () => `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE`],
  ["aws-example-secret", () => `AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`],
  [
    "jwt-io-example",
    () =>
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  ],
  ["stripe-test-example", () => "STRIPE_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc"],
  ["gpg-key", () => `GPG_KEY=${str("0123456789ABCDEF", 40)}`],
  [
    "hostname",
    () =>
      `HOSTNAME=web-${str("abcdefghijklmnopqrstuvwxyz0123456789", 10)}-${str("abcdefghijklmnopqrstuvwxyz0123456789", 5)}`,
  ],
  ["log-line", () => `2026-01-01T00:00:00Z INFO request ${uuid()} ${sentence()}`],
  ["sentence-under-secret-name", () => `SECRET_DESCRIPTION="${sentence()}"`],
];
const negatives: Sample[] = [];
for (const [label, make] of negativeMakers)
  for (let i = 0; i < SAMPLES * 4; i++) negatives.push({ text: make(), label });

let tp = 0;
const missed = new Map<string, number>();
for (const s of positives) {
  const [a, b] = s.span!;
  const hit = engine.scan(s.text).some((m) => m.start < b && m.end > a);
  if (hit) tp++;
  else missed.set(s.label, (missed.get(s.label) ?? 0) + 1);
}
let fp = 0;
const falsePos = new Map<string, number>();
for (const s of negatives) {
  // Both entry points: free text (redact) and env entries (explain/scan).
  const eq = s.text.indexOf("=");
  const asEnv =
    eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.text.slice(0, eq))
      ? detectSecret(s.text.slice(0, eq), s.text.slice(eq + 1))
      : null;
  // A vendor's documentation example key is masked but raises no finding: not a false positive.
  if (engine.scan(s.text).some((m) => !m.example) || (asEnv && !asEnv.example)) {
    fp++;
    falsePos.set(s.label, (falsePos.get(s.label) ?? 0) + 1);
  }
}
const recall = tp / positives.length;
const fpr = fp / negatives.length;
console.log(
  `corpus: ${positives.length} secrets (${builtinRules.length} rules; ${structured} structured examples kept as is), ${negatives.length} non-secrets (${negativeMakers.length} kinds)`,
);
console.log(`recall               ${(100 * recall).toFixed(2)}%  (target ≥ 99%)`);
console.log(`false-positive rate  ${(100 * fpr).toFixed(2)}%  (target ≤ 1%)`);
if (missed.size) console.log("missed by rule:", Object.fromEntries(missed));
if (falsePos.size) console.log("false positives by kind:", Object.fromEntries(falsePos));
