/** Parsers of untrusted host files: examples from real systems, and property tests (never throw). */

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePasswd } from "../attribution/lib/passwd.js";
import {
  cgroupDir,
  cgroupLayout,
  parseCfs,
  parseCpuMax,
  parseMountinfo,
  parseProcCgroup,
  parseProcMounts,
  unescapeMountField,
} from "./cgroup-fs.js";
import { compareDotted, elfVersionNeeds, highestGlibc } from "./elf.js";
import { glibcVersionFromBytes } from "./glibc.js";
import { compareKernel, kernelMinimum, parseGoVersion, parseKernelRelease } from "./go-release.js";
import { cpuListSize, statusFields } from "./proc-status.js";
import { contextType, parseSelinuxConfig } from "./selinux.js";
import { isLoginShell, loginStartupFiles, parseEtcShells } from "./shells.js";

const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 400 }),
  fc
    .array(
      fc.constantFrom(" ", "-", ":", "/", "\n", "\\040", "0", "1", "max", "cgroup2", "cgroup", "rw,cpu"),
      {
        maxLength: 80,
      },
    )
    .map((a) => a.join("")),
);

describe("mountinfo and /proc/<pid>/cgroup", () => {
  it("parses a mountinfo line with optional fields and escapes", () => {
    const m = parseMountinfo(
      "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n",
    );
    expect(m).toEqual([
      { root: "/mnt1", mountPoint: "/mnt two", fsType: "ext3", superOptions: ["rw", "errors=continue"] },
    ]);
    expect(unescapeMountField("a\\011b\\134c")).toBe("a\tb\\c");
  });

  it("classifies layouts", () => {
    const v1 = "1 0 0:1 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
    const v2 = "2 0 0:2 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
    expect(cgroupLayout(parseMountinfo(v1))).toBe("v1");
    expect(cgroupLayout(parseMountinfo(v2))).toBe("v2");
    expect(cgroupLayout(parseMountinfo(v1 + v2))).toBe("hybrid");
    expect(cgroupLayout(parseMountinfo(""))).toBe("none");
    expect(cgroupLayout(parseProcMounts("cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n"))).toBe("v2");
  });

  it("parses cgroup membership, keeping colons in paths", () => {
    expect(parseProcCgroup("3:cpu,cpuacct:/docker/a:b\n0::/\nbad\n")).toEqual([
      { hierarchy: "3", controllers: ["cpu", "cpuacct"], path: "/docker/a:b" },
      { hierarchy: "0", controllers: [], path: "/" },
    ]);
  });

  it("maps a cgroup path under the mount's root", () => {
    const mount = {
      root: "/docker/abc",
      mountPoint: "/sys/fs/cgroup/cpu",
      fsType: "cgroup",
      superOptions: ["cpu"],
    };
    expect(cgroupDir(mount, "/docker/abc")).toBe("/sys/fs/cgroup/cpu");
    expect(cgroupDir(mount, "/docker/abc/sub")).toBe("/sys/fs/cgroup/cpu/sub");
    expect(cgroupDir({ ...mount, root: "/" }, "/")).toBe("/sys/fs/cgroup/cpu");
    expect(cgroupDir({ ...mount, root: "/" }, "/../../etc")).toBe("/sys/fs/cgroup/cpu/etc");
  });

  it("reads CPU limits", () => {
    expect(parseCpuMax("max 100000\n")).toBeNull();
    expect(parseCpuMax("150000 100000")).toEqual({ quotaUs: 150000, periodUs: 100000, cpus: 1.5 });
    expect(parseCpuMax("garbage")).toBeUndefined();
    expect(parseCfs("-1", "100000")).toBeNull();
    expect(parseCfs("50000\n", "100000\n")?.cpus).toBe(0.5);
    expect(parseCfs("x", "1")).toBeUndefined();
    expect(parseCfs("5", "0")).toBeUndefined();
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(anyText, (t) => {
        parseMountinfo(t);
        parseProcMounts(t);
        for (const c of parseProcCgroup(t)) expect(c.path.startsWith("/")).toBe(true);
        const l = parseCpuMax(t);
        if (l) expect(l.cpus).toBeGreaterThan(0);
        parseCfs(t, t);
        cpuListSize(t);
        statusFields(t);
      }),
      { numRuns: 500 },
    );
  });
});

describe("CPU lists and status", () => {
  it("counts CPU lists", () => {
    expect(cpuListSize("0-3,8,10-11\n")).toBe(7);
    expect(cpuListSize("")).toBe(0);
    expect(cpuListSize("3-1")).toBeUndefined();
    expect(cpuListSize("0-99999999")).toBeUndefined();
  });
  it("takes the first occurrence of a status field", () => {
    expect(statusFields("Seccomp:\t2\nSeccomp:\t0\nnoise\n").get("Seccomp")).toBe("2");
  });
});

describe("passwd, shells, SELinux config", () => {
  it("parses passwd(5) and skips malformed and NIS lines", () => {
    const u = parsePasswd(
      "root:x:0:0:root:/root:/bin/bash\n+::::::\nbad\nx:x:a:0::/:/bin/sh\nd:x:5:5::/home/d:\n",
    );
    expect(u.map((e) => [e.name, e.uid, e.shell, e.line])).toEqual([
      ["root", 0, "/bin/bash", 1],
      ["d", 5, "/bin/sh", 5],
    ]);
  });
  it("knows non-login shells", () => {
    expect(isLoginShell("/usr/sbin/nologin")).toBe(false);
    expect(isLoginShell("/bin/false")).toBe(false);
    expect(isLoginShell("/bin/sync")).toBe(false);
    expect(isLoginShell("/usr/bin/zsh")).toBe(true);
  });
  it("reads /etc/shells", () => {
    expect([...parseEtcShells("# c\n/bin/sh\n\n  /usr/bin/fish \nrelative\n")]).toEqual([
      "/bin/sh",
      "/usr/bin/fish",
    ]);
  });
  it("names a bash login user's startup files with bash's first-readable rule", () => {
    expect(loginStartupFiles("bash", "/home/u")).toEqual([
      ["/etc/profile"],
      ["/home/u/.bash_profile", "/home/u/.bash_login", "/home/u/.profile"],
    ]);
    expect(loginStartupFiles("zsh", "/home/z").flat()).toContain("/home/z/.zprofile");
    expect(loginStartupFiles("dash", "/h").flat()).toEqual(["/etc/profile", "/h/.profile", "$ENV"]);
  });
  it("parses the SELinux config and context types", () => {
    expect(parseSelinuxConfig("# x\nSELINUX=permissive\nSELINUXTYPE = 'targeted'\n")).toEqual({
      SELINUX: "permissive",
      SELINUXTYPE: "targeted",
    });
    expect(contextType("system_u:object_r:usr_t:s0:c1,c2")).toBe("usr_t");
  });
  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(anyText, (t) => {
        for (const e of parsePasswd(t)) expect(Number.isInteger(e.uid)).toBe(true);
        parseEtcShells(t);
        parseSelinuxConfig(t);
        contextType(t);
      }),
      { numRuns: 500 },
    );
  });
});

describe("versions", () => {
  it("parses Go and kernel versions", () => {
    expect(parseGoVersion("go version go1.19.8 linux/amd64", "go version")).toMatchObject({
      major: 1,
      minor: 19,
      patch: 8,
      raw: "go1.19.8",
    });
    expect(parseGoVersion("1.25")).toMatchObject({ minor: 25, raw: "go1.25" });
    expect(parseGoVersion("go1.23rc1")).toMatchObject({ minor: 23 });
    expect(parseGoVersion("latest")).toBeUndefined();
    expect(parseKernelRelease("6.18.44-fc-v782")).toEqual([6, 18, 44]);
    expect(parseKernelRelease("3.10")).toEqual([3, 10, 0]);
    expect(parseKernelRelease("x")).toBeUndefined();
  });
  it("applies the kernel minimums from the facts file", () => {
    const k = (v: string, arch = "x86_64") => kernelMinimum(parseGoVersion(v)!, arch).min.join(".");
    expect(k("1.18")).toBe("2.6.23");
    expect(k("1.19")).toBe("2.6.32");
    expect(k("1.23.12")).toBe("2.6.32");
    expect(k("1.24")).toBe("3.2.0");
    expect(k("1.22", "loongarch64")).toBe("5.19.0");
    expect(k("1.27", "ppc64")).toBe("3.13.0");
    expect(k("1.26", "ppc64")).toBe("3.2.0");
    expect(compareKernel([3, 10, 0], [3, 2, 0])).toBeGreaterThan(0);
  });
  it("never throws on arbitrary version text or library bytes", () => {
    fc.assert(
      fc.property(anyText, fc.uint8Array({ maxLength: 2000 }), (t, bytes) => {
        parseGoVersion(t);
        parseKernelRelease(t);
        glibcVersionFromBytes(bytes);
        glibcVersionFromBytes(new TextEncoder().encode(t));
      }),
      { numRuns: 300 },
    );
  });
});

describe("ELF version needs", () => {
  const real = readFileSync("/usr/bin/true");
  it("reads a real binary's GLIBC needs", () => {
    const r = elfVersionNeeds(real);
    expect("error" in r).toBe(false);
    if ("error" in r) return;
    expect(r.dynamic).toBe(true);
    expect(Object.keys(r.needs)).toContain("libc.so.6");
    expect(highestGlibc(r.needs)).toMatch(/^2\.\d+/);
  });
  it("compares dotted versions", () => {
    expect(compareDotted([2, 3, 4], [2, 34])).toBeLessThan(0);
    expect(highestGlibc({ "libc.so.6": ["GLIBC_2.3.4", "GLIBC_2.17", "GLIBC_PRIVATE"] })).toBe("2.17");
  });
  it("never throws on arbitrary or corrupted ELF bytes", () => {
    expect(elfVersionNeeds(new Uint8Array(10))).toEqual({ error: "not an ELF file" });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        elfVersionNeeds(bytes);
        const withMagic = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, ...bytes]);
        elfVersionNeeds(withMagic);
      }),
      { numRuns: 300 },
    );
    // Flip bytes of the real binary's headers and version sections: results or errors, never exceptions.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 24 }),
        (flips) => {
          const copy = Buffer.from(real);
          for (const [i, v] of flips) copy[i % 4096] = v;
          for (const [i, v] of flips) copy[i] = v;
          elfVersionNeeds(copy);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("ELF version needs read from a file", () => {
  it("gives the same answer reading only the needed ranges as reading the whole file", async () => {
    const { readElfVersionNeeds } = await import("./elf.js");
    for (const f of ["/usr/bin/true", process.execPath]) {
      expect(await readElfVersionNeeds(f)).toEqual(elfVersionNeeds(readFileSync(f)));
    }
  });
});
