/**
 * Every parser of untrusted host files, fed arbitrary bytes (decoded the way the resolvers decode files:
 * UTF-8 with replacement characters, and as Latin-1 to keep control bytes) and pathological shapes (one
 * huge line, deep continuations, unterminated quotes). None may throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanEnvrc } from "../direnv.js";
import { splitKernelCmdline } from "../kernel.js";
import {
  assemblePamLines,
  parseLoginDefs,
  parsePamEnvFile,
  parseSshEnvironmentFile,
  parseSudoEnvFile,
  parseSystemdEnvFile,
} from "./envfile.js";
import { decodeGzenv } from "./gzenv.js";
import { parsePamEnvConf } from "./pam-env-conf.js";
import { parsePamServiceText } from "./pam-stack.js";
import { parsePasswd } from "./passwd.js";
import { parseSshdConfigText } from "./sshd-config.js";
import { parseSudoers } from "./sudoers.js";
import { parseEnvironmentDirective, parseUnitFile, unitFromCgroup } from "./unit-file.js";

const parsers: Array<[string, (s: string) => unknown]> = [
  ["pam env file", parsePamEnvFile],
  ["pam assemble", assemblePamLines],
  ["pam_env.conf", parsePamEnvConf],
  ["pam.d service", parsePamServiceText],
  ["systemd env file", parseSystemdEnvFile],
  ["ssh environment", parseSshEnvironmentFile],
  ["sudo env_file", parseSudoEnvFile],
  ["login.defs", (s) => parseLoginDefs(s).get("ENV_PATH")],
  ["passwd", parsePasswd],
  ["sshd_config", (s) => parseSshdConfigText(s, "/f")],
  ["sudoers", (s) => parseSudoers(s, "/f")],
  ["unit file", parseUnitFile],
  ["Environment=", (s) => parseEnvironmentDirective(s, new Map([["n", "x.service"]]))],
  ["cgroup", (s) => unitFromCgroup(s.split("\n"))],
  ["gzenv", decodeGzenv],
  ["kernel cmdline", splitKernelCmdline],
  ["envrc scan", (s) => scanEnvrc(s, "PATH")],
];

describe("host file parsers never throw", () => {
  it.each(parsers)("%s: arbitrary bytes", (_name, parse) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const b = Buffer.from(bytes);
        expect(() => parse(b.toString("utf8"))).not.toThrow();
        expect(() => parse(b.toString("latin1"))).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });
  it.each(parsers)("%s: pathological shapes", (_name, parse) => {
    const shapes = [
      "A=".padEnd(1 << 20, "x"),
      "A=x\\\n".repeat(5000),
      '"'.repeat(10000),
      "'".repeat(10001),
      "[".repeat(10000),
      "${".repeat(5000),
      "\0\r\n\t".repeat(5000),
    ];
    for (const s of shapes) expect(() => parse(s)).not.toThrow();
  });
});
