/**
 * ENVT-HOST-005: the C library cgo binaries will load. A cgo-linked Go binary needs the GLIBC_x.y symbol
 * versions of the host it was built on; builds on newer distributions fail on older ones with
 * "version `GLIBC_2.34' not found" (facts/go-env.md §4.3; golang/go#58550). No minimum glibc is documented
 * for Go itself, so this check reports the version, flags a host without glibc, and compares the glibc
 * versions a given program (`--binary`, default the target's executable) needs with the host's.
 *
 * Reads the version string glibc embeds in libc.so.6 ("GNU C Library (…) stable release version 2.36"),
 * else the highest GLIBC_2.N version definition in the file, else (live root) `getconf GNU_LIBC_VERSION`.
 */
import type { CollectionIssue, Finding } from "../model/index.js";
import { issueFromError } from "../snapshot/host-fs.js";
import { compareDotted, highestGlibc, readElfVersionNeeds } from "./elf.js";
import { hostFinding } from "./finding.js";
import { defineHostCheck, type HostMessage } from "./types.js";

const MESSAGES = {
  "glibc.musl-only": {
    severity: "low",
    remediation:
      "build Go programs for this host with CGO_ENABLED=0 (static) or on a musl system: binaries cgo-linked against glibc do not run here",
    references: ["https://github.com/golang/go/issues/58550", "https://go.dev/doc/go1.20#cgo"],
  },
  "glibc.binary-needs-newer": {
    severity: "high",
    remediation:
      "rebuild the program on a system with this glibc or older (or in a container image matching the target), or build it with CGO_ENABLED=0",
    references: [
      "https://github.com/golang/go/issues/58550",
      "https://refspecs.linuxfoundation.org/LSB_5.0.0/LSB-Core-generic/LSB-Core-generic/symversion.html",
    ],
  },
} satisfies Record<string, HostMessage>;

const LIBC_CANDIDATES = [
  "/lib/x86_64-linux-gnu/libc.so.6",
  "/usr/lib/x86_64-linux-gnu/libc.so.6",
  "/lib/aarch64-linux-gnu/libc.so.6",
  "/usr/lib/aarch64-linux-gnu/libc.so.6",
  "/lib/i386-linux-gnu/libc.so.6",
  "/lib/arm-linux-gnueabihf/libc.so.6",
  "/lib/powerpc64le-linux-gnu/libc.so.6",
  "/lib/s390x-linux-gnu/libc.so.6",
  "/lib/riscv64-linux-gnu/libc.so.6",
  "/lib64/libc.so.6",
  "/usr/lib64/libc.so.6",
  "/lib/libc.so.6",
  "/usr/lib/libc.so.6",
];

const MAX_LIBC_BYTES = 32 * 1024 * 1024;

/** Finds glibc's version in the bytes of libc.so.6; undefined when it is not glibc. */
export function glibcVersionFromBytes(
  bytes: Uint8Array,
): { version: string; build?: string; how: string } | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Find the literal first (Buffer.indexOf is a native search), then parse a short window.
  const at = buf.indexOf("GNU C Library (");
  if (at >= 0) {
    const window = buf.toString("latin1", at, Math.min(buf.length, at + 200));
    const banner =
      /^GNU C Library \(([^)\n\0]{0,100})\) (?:stable |development )?release version (\d+\.\d+(?:\.\d+)?)/.exec(
        window,
      );
    if (banner) return { version: banner[2]!, build: banner[1]!, how: "banner" };
  }
  let best: [number, number] | undefined;
  for (let i = buf.indexOf("GLIBC_2."); i >= 0; i = buf.indexOf("GLIBC_2.", i + 8)) {
    const m = /^GLIBC_(\d+)\.(\d+)(?![.\d])/.exec(buf.toString("latin1", i, Math.min(buf.length, i + 16)));
    if (!m) continue;
    const v: [number, number] = [Number(m[1]), Number(m[2])];
    if (!best || v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
  }
  return best ? { version: `${best[0]}.${best[1]}`, how: "symbol-versions" } : undefined;
}

/** The glibc versions the binary under test needs: `--binary`, else the target process's executable. */
async function binaryNeeds(
  ctx: import("./types.js").HostContext,
  issues: CollectionIssue[],
): Promise<{ path: string; dynamic: boolean; needsGlibc: string | null; libraries: string[] } | undefined> {
  let p = ctx.binary;
  if (p === undefined) {
    try {
      p = (await ctx.fs.readlink(`/proc/${ctx.pid}/exe`)).replace(/ \(deleted\)$/, "");
    } catch {
      return undefined; // no executable to look at (fixture without one, or not permitted)
    }
  }
  try {
    const st = await ctx.fs.stat(p);
    if (!st.isFile()) return undefined;
    const r = await readElfVersionNeeds(ctx.fs.resolve(p));
    if ("error" in r) {
      issues.push({ subject: p, code: "PARSE", detail: r.error });
      return undefined;
    }
    return {
      path: p,
      dynamic: r.dynamic,
      needsGlibc: highestGlibc(r.needs) ?? null,
      libraries: Object.keys(r.needs),
    };
  } catch (err) {
    issues.push(issueFromError(p, err));
    return undefined;
  }
}

export const glibcCheck = defineHostCheck({
  meta: {
    id: "ENVT-HOST-005",
    dimension: "glibc",
    title: "C library version (for cgo binaries)",
    description:
      "Reports the glibc version from libc.so.6 (or musl when only musl is present): cgo-linked Go binaries need the glibc symbol versions of their build host.",
    references: ["https://github.com/golang/go/issues/58550", "https://go.dev/doc/go1.20#cgo"],
  },
  async run(ctx) {
    const issues: CollectionIssue[] = [];
    const findings: Finding[] = [];
    const facts: Record<string, unknown> = {};
    for (const p of LIBC_CANDIDATES) {
      let st: import("node:fs").Stats;
      try {
        st = await ctx.fs.stat(p);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      if (st.size > MAX_LIBC_BYTES) {
        issues.push({ subject: p, code: "TOO_LARGE", detail: "larger than a C library should be; not read" });
        continue;
      }
      try {
        const found = glibcVersionFromBytes(await ctx.fs.readFile(p));
        if (found) {
          facts.libc = "glibc";
          facts.version = found.version;
          if (found.build) facts.build = found.build;
          facts.file = p;
          facts.how = found.how;
          break;
        }
      } catch (err) {
        issues.push(issueFromError(p, err));
      }
    }
    if (facts.version === undefined && ctx.live) {
      const r = await ctx.exec("getconf", ["GNU_LIBC_VERSION"], 3000);
      const m = r.ok ? /glibc (\d+\.\d+(?:\.\d+)?)/.exec(r.stdout) : null;
      if (m) Object.assign(facts, { libc: "glibc", version: m[1], how: "getconf GNU_LIBC_VERSION" });
    }
    // musl's dynamic loader: /lib/ld-musl-<arch>.so.1.
    let musl: string[] = [];
    try {
      musl = (await ctx.fs.readdir("/lib"))
        .filter((n) => /^ld-musl-.*\.so\.1$/.test(n))
        .map((n) => `/lib/${n}`);
    } catch {
      // no /lib
    }
    if (musl.length > 0) facts.musl = musl;
    if (facts.version === undefined && musl.length > 0) {
      facts.libc = "musl";
      findings.push(
        hostFinding(
          this.meta,
          "glibc.musl-only",
          MESSAGES["glibc.musl-only"],
          "this host has musl and no glibc: glibc-linked cgo binaries will not start",
          "host",
        ),
      );
      return { summary: "musl (no glibc)", facts, findings, issues };
    }
    if (facts.version === undefined) {
      issues.push({
        subject: "libc.so.6",
        code: "ENOENT",
        detail: "no glibc found in the usual library directories",
      });
      return { summary: "unknown", facts, findings, issues, status: "unknown" };
    }
    const bin = await binaryNeeds(ctx, issues);
    if (bin) {
      facts.binary = bin;
      if (
        bin.needsGlibc &&
        compareDotted(bin.needsGlibc.split(".").map(Number), String(facts.version).split(".").map(Number)) > 0
      ) {
        findings.push(
          hostFinding(
            this.meta,
            "glibc.binary-needs-newer",
            MESSAGES["glibc.binary-needs-newer"],
            `${bin.path} needs GLIBC_${bin.needsGlibc} but this host has glibc ${String(facts.version)}: it will not start`,
            "host",
            bin.path,
          ),
        );
      }
    }
    return {
      summary: `glibc ${String(facts.version)}${facts.build ? ` (${String(facts.build)})` : ""}`,
      facts,
      findings,
      issues,
    };
  },
});
