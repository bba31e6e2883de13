import { defineProvider, type SecretRule } from "../rule.js";
import { B64, body, fake } from "./lib.js";

/**
 * Private keys in PEM and related armours. PEM: RFC 7468 (labels "PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
 * "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY"); OpenSSH: PROTOCOL.key in openssh-portable
 * ("OPENSSH PRIVATE KEY"); OpenPGP: RFC 4880 §6.2 ("PGP PRIVATE KEY BLOCK"); PuTTY: the PPK file format.
 * The whole block is the secret; its BEGIN line is shown by partial masks.
 */
const pemBody = (seed: string) =>
  `${body(B64, 64, seed)}\n${body(B64, 64, `${seed}2`)}\n${body(B64, 64, `${seed}3`)}\n${body(B64, 20, `${seed}4`)}==`;
const pem = (label: string, seed: string) =>
  `-----BEGIN ${label}-----\n${pemBody(seed)}\n-----END ${label}-----`;
const header = (s: string): string => s.slice(0, s.indexOf("-----", 5) + 5);

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
  regex: new RegExp(`(-----BEGIN ${labelRe}-----[\\s\\S]{16,65536}?-----END ${labelRe}-----)`),
  multiline: true,
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
    ],
  },
});

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
