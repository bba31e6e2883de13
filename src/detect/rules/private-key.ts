import { defineProvider, type SecretRule } from "../rule.js";
import { B64, body, fake } from "./lib.js";

/**
 * Private keys in PEM and related armours. PEM: RFC 7468 (labels "PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
 * "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY"); OpenSSH: PROTOCOL.key in openssh-portable
 * ("OPENSSH PRIVATE KEY"); OpenPGP: RFC 4880 §6.2 ("PGP PRIVATE KEY BLOCK"); PuTTY: the PPK file format.
 * The whole block is the secret; its BEGIN line is shown by partial masks.
 *
 * Bounded: a block ends at the END line of BEGIN's own label within 64 KiB and holds no other `-----`
 * line, so a malformed or missing END never swallows what follows. Such a block is caught by
 * `private-key-unterminated`, which masks only the lines that are key material (base64 lines of the
 * block's width, then one shorter last line), never the lines after them.
 */
const pemBody = (seed: string) =>
  `${body(B64, 64, seed)}\n${body(B64, 64, `${seed}2`)}\n${body(B64, 64, `${seed}3`)}\n${body(B64, 20, `${seed}4`)}==`;
const pem = (label: string, seed: string) =>
  `-----BEGIN ${label}-----\n${pemBody(seed)}\n-----END ${label}-----`;
const header = (s: string): string => s.slice(0, s.indexOf("-----", 5) + 5);

/**
 * The smallest private key there is: a PKCS#8 Ed25519/X25519 key, 48 bytes of DER = 64 base64 characters
 * (RFC 8410 §10.3's example). Key material with fewer base64 characters is not a key
 * (`-----BEGIN PRIVATE KEY-----\nYWJj…eXo=\n` is base64 of the alphabet in a test's fixture).
 */
const MIN_KEY_B64 = 64;
/** Base64 characters of key material: armour lines, RFC 1421 headers and escaped newlines left out. */
function tooShort(block: string): boolean {
  const material = block
    .replace(/-----(?:BEGIN|END) [A-Z0-9 ]{1,64}-----/g, " ")
    .replace(/\\[rn]/g, "\n")
    .replace(/^[ \t]{0,8}[A-Za-z][A-Za-z0-9-]{0,39}: [^\n]{0,200}$/gm, "");
  return material.replace(/[^A-Za-z0-9+/]/g, "").length < MIN_KEY_B64;
}

const pemRule = (
  id: string,
  what: string,
  label: string,
  labelRe: string,
  severity: SecretRule["severity"] = "critical",
): SecretRule => ({
  id,
  description: `${what} (PEM block)`,
  keywords: [`begin ${label.toLowerCase()}`],
  // The body holds no `-----` (no other armour line): `(?!----)` after a dash keeps the match inside one block.
  regex: new RegExp(`(-----BEGIN ${labelRe}-----(?:[^-]|-(?!----)){16,65536}?-----END ${labelRe}-----)`),
  multiline: true,
  isFalsePositive: tooShort,
  tags: ["crypto", "private-key"],
  severity,
  safePrefix: header,
  docs: "https://datatracker.ietf.org/doc/html/rfc7468",
  examples: {
    match: [
      pem(label, id),
      `KEY="${pem(label, `${id}q`)}"`,
      `"key": "${pem(label, `${id}j`).replaceAll("\n", "\\n")}"`,
    ],
    noMatch: [
      `-----BEGIN ${label}-----`,
      `-----BEGIN PUBLIC KEY-----\n${pemBody(id)}\n-----END PUBLIC KEY-----`,
      `-----BEGIN ${label}-----\n${body(B64, 36, `${id}s`)}=\n-----END ${label}-----`,
    ],
  },
});

const B64_CHAR = /[A-Za-z0-9+/=]/;

/**
 * End of the key material that starts with the line `hay[start, end)`: following lines of base64 of the
 * same width, then at most one shorter last line (padded with `=`, or ≥ 8 characters). Separators are
 * real newlines or escaped ones (`\n`). Stops at anything else: the next line of the file is never masked.
 */
function keyMaterialEnd(hay: string, start: number, end: number): number {
  const width = end - start;
  let at = end;
  for (;;) {
    const sep = /^(?:\r?\n|\\r\\n|\\n)/.exec(hay.slice(at, at + 4));
    if (!sep) return at;
    const from = at + sep[0].length;
    let to = from;
    while (to < hay.length && to - from <= width && B64_CHAR.test(hay[to]!)) to++;
    const len = to - from;
    const next = hay[to];
    const lineEnds =
      to >= hay.length || next === "\r" || next === "\n" || next === "\\" || next === '"' || next === "'";
    if (!lineEnds || len === 0 || len > width) return at;
    if (len === width) {
      at = to;
      continue;
    }
    // A shorter line ends the block; it is key material only if it looks like a last base64 line.
    return hay[to - 1] === "=" || len >= 8 ? to : at;
  }
}

export const privateKey = defineProvider({
  meta: { id: "private-key", description: "Private keys (PEM, OpenSSH, PGP, PuTTY)" },
  rules: [
    pemRule("private-key-rsa", "RSA private key (PKCS#1)", "RSA PRIVATE KEY", "RSA PRIVATE KEY"),
    pemRule("private-key-ec", "EC private key (SEC 1)", "EC PRIVATE KEY", "EC PRIVATE KEY"),
    pemRule("private-key-dsa", "DSA private key", "DSA PRIVATE KEY", "DSA PRIVATE KEY"),
    pemRule("private-key-openssh", "OpenSSH private key", "OPENSSH PRIVATE KEY", "OPENSSH PRIVATE KEY"),
    pemRule(
      "private-key-encrypted",
      "Encrypted PKCS#8 private key",
      "ENCRYPTED PRIVATE KEY",
      "ENCRYPTED PRIVATE KEY",
      "high",
    ),
    pemRule("private-key-pgp", "OpenPGP secret key block", "PGP PRIVATE KEY BLOCK", "PGP PRIVATE KEY BLOCK"),
    pemRule("private-key-pkcs8", "PKCS#8 private key", "PRIVATE KEY", "PRIVATE KEY"),
    {
      id: "private-key-unterminated",
      description: "Private key material after a BEGIN line whose END line is malformed or missing",
      keywords: ["private key-----", "key block-----"],
      // BEGIN line, optional RFC 1421 headers (Proc-Type, DEK-Info), then the first base64 line; the
      // following lines of key material are added by `extendEnd`. Newlines may be escaped (`\n` in JSON).
      regex:
        /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[ \t]{0,8}(?:\r?\n|\\r\\n|\\n)(?:[A-Za-z][A-Za-z0-9-]{0,39}: [^\r\n\\]{1,200}(?:\r?\n|\\r\\n|\\n))?(?:[A-Za-z][A-Za-z0-9-]{0,39}: [^\r\n\\]{1,200}(?:\r?\n|\\r\\n|\\n))?(?:\r?\n|\\r\\n|\\n)?([A-Za-z0-9+/=]{16,128})(?![A-Za-z0-9+/=])/,
      multiline: true,
      extendEnd: keyMaterialEnd,
      isFalsePositive: tooShort,
      tags: ["crypto", "private-key"],
      severity: "critical",
      docs: "https://datatracker.ietf.org/doc/html/rfc7468",
      examples: {
        match: [
          `-----BEGIN RSA PRIVATE KEY-----\n${pemBody("unterminated")}\n-----END RSA PRIVATE KE`,
          `-----BEGIN PRIVATE KEY-----\n${pemBody("missing")}\n`,
          `"-----BEGIN EC PRIVATE KEY-----\\n${pemBody("esc").replaceAll("\n", "\\n")}"`,
        ],
        noMatch: [
          "-----BEGIN RSA PRIVATE KEY-----\nshort\n",
          `-----BEGIN PUBLIC KEY-----\n${pemBody("public")}\n`,
        ],
      },
    },
    {
      id: "private-key-putty",
      description: "PuTTY private key file (PPK) private lines",
      keywords: ["private-lines:"],
      regex:
        /Private-Lines:[ \t]{0,3}\d{1,3}[\r\n]{1,2}([A-Za-z0-9+/=\r\n]{16,16384})(?:[\r\n]{1,2}Private-MAC:)/,
      multiline: true,
      tags: ["crypto", "private-key"],
      severity: "critical",
      docs: "https://the.earth.li/~sgtatham/putty/0.81/htmldoc/AppendixC.html",
      examples: {
        match: [
          `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n${fake([B64, 44])}\nPrivate-MAC: ${"0".repeat(64)}`,
        ],
        noMatch: ["Private-Lines: 1"],
      },
    },
  ],
});
