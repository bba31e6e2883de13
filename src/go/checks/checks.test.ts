import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runGoChecks } from "../audit.js";
import { parseEnvFile } from "../envfile.js";
import type { GoSetting } from "../types.js";
import { parseGoVersion } from "../version.js";
import { goChecks } from "./index.js";
import type { GoCheckContext, GoProfile } from "./types.js";

const DOCS = path.resolve(import.meta.dirname, "../../../docs/go");

interface Case {
  version?: string;
  settings?: Record<string, string>;
  env?: Record<string, string>;
  goenv?: { text: string; mode: number };
  profiles?: GoProfile[];
  uid?: number;
  stats?: Record<string, { mode: number; uid: number }>;
}

function ctxOf(c: Case): GoCheckContext {
  const settings: GoSetting<string>[] = Object.entries(c.settings ?? {}).map(([key, value]) => ({
    key,
    value,
    probed: true,
    source: { kind: "environment", confidence: "certain" },
  }));
  const byKey = new Map(settings.map((s) => [s.key, s]));
  const ctx: GoCheckContext = {
    version: parseGoVersion(c.version ?? "go1.27.0")!,
    get: (k) => byKey.get(k)?.value ?? "",
    setting: (k) => byKey.get(k),
    settings,
    env: c.env ?? {},
    stat: async (p) => {
      const s = c.stats?.[p];
      return s ? ({ mode: s.mode, uid: s.uid } as fs.Stats) : undefined;
    },
  };
  if (c.goenv) {
    ctx.userFile = {
      path: "/home/u/.config/go/env",
      entries: parseEnvFile(c.goenv.text),
      stat: { mode: c.goenv.mode } as fs.Stats,
    };
  }
  if (c.uid !== undefined) ctx.uid = c.uid;
  return ctx;
}

async function ids(c: Case): Promise<string[]> {
  return (await runGoChecks(ctxOf(c), { profiles: c.profiles ?? [] })).map(
    (f) => `${f.id}/${f.messageId}/${f.key ?? ""}`,
  );
}

describe("go check registry", () => {
  it("has unique sorted ids, a docs page each, remediation and Go doc references", () => {
    const list = goChecks.map((c) => c.meta.id);
    expect(new Set(list).size).toBe(list.length);
    expect([...list].sort()).toEqual(list);
    for (const c of goChecks) {
      expect(c.meta.id).toMatch(/^ENVT-GO-\d{3}$/);
      expect(fs.existsSync(path.join(DOCS, `${c.meta.id}.md`)), `${c.meta.id}.md`).toBe(true);
      expect(c.remediation.length).toBeGreaterThan(10);
      expect(c.references.length).toBeGreaterThan(0);
    }
    expect(fs.existsSync(path.join(DOCS, "index.md"))).toBe(true);
  });
});

describe("go checks", () => {
  const clean = {
    GOPROXY: "https://proxy.golang.org,direct",
    GOSUMDB: "sum.golang.org",
    GOTOOLCHAIN: "local",
  };
  it("a default configuration on a supported release has no findings", async () => {
    expect(await ids({ settings: clean })).toEqual([]);
  });
  it.each<[string, Case, string]>([
    ["GOSUMDB=off", { settings: { ...clean, GOSUMDB: "off" } }, "ENVT-GO-001/gosumdb-off.off/GOSUMDB"],
    [
      "unknown sumdb",
      { settings: { ...clean, GOSUMDB: "sum.goproxy.cn" } },
      "ENVT-GO-002/gosumdb-unknown.no-key/GOSUMDB",
    ],
    [
      "3-field sumdb",
      { settings: { ...clean, GOSUMDB: "a+b c d" } },
      "ENVT-GO-002/gosumdb-unknown.too-many-fields/GOSUMDB",
    ],
    [
      "GONOSUMDB=github.com",
      { settings: { ...clean, GONOSUMDB: "github.com" } },
      "ENVT-GO-003/nosumdb-public.covers-host/GONOSUMDB",
    ],
    [
      "GONOSUMDB=*",
      { settings: { ...clean, GONOSUMDB: "*" } },
      "ENVT-GO-003/nosumdb-public.covers-host/GONOSUMDB",
    ],
    [
      "GOINSECURE",
      { settings: { ...clean, GOINSECURE: "git.corp.example" } },
      "ENVT-GO-004/goinsecure.set/GOINSECURE",
    ],
    [
      "GOINSECURE public",
      { settings: { ...clean, GOINSECURE: "*.com" } },
      "ENVT-GO-004/goinsecure.public-host/GOINSECURE",
    ],
    [
      "http proxy",
      { settings: { ...clean, GOPROXY: "http://p.corp,direct" } },
      "ENVT-GO-005/goproxy-http.http/GOPROXY",
    ],
    ["off", { settings: { ...clean, GOPROXY: "off" } }, "ENVT-GO-006/goproxy-off.off/GOPROXY"],
    ["direct only", { settings: { ...clean, GOPROXY: "direct" } }, "ENVT-GO-007/goproxy-direct.only/GOPROXY"],
    [
      "credentials",
      { settings: { ...clean, GOPROXY: "https://u:p@p.corp,direct" } },
      "ENVT-GO-008/goproxy-credentials.userinfo/GOPROXY",
    ],
    [
      "single proxy",
      { settings: { ...clean, GOPROXY: "https://p.corp" } },
      "ENVT-GO-009/goproxy-no-fallback.single/GOPROXY",
    ],
    [
      "-insecure",
      { settings: { ...clean, GOFLAGS: "-insecure" } },
      "ENVT-GO-010/goflags-insecure.flag/GOFLAGS",
    ],
    [
      "-mod=mod",
      { settings: { ...clean, GOFLAGS: "-trimpath -mod=mod" } },
      "ENVT-GO-011/goflags-mod-mod.flag/GOFLAGS",
    ],
    [
      "-toolexec",
      { settings: { ...clean, GOFLAGS: "'-toolexec=/x y'" } },
      "ENVT-GO-012/goflags-toolexec.flag/GOFLAGS",
    ],
    [
      "-overlay",
      { settings: { ...clean, GOFLAGS: "--overlay=o.json" } },
      "ENVT-GO-013/goflags-risky.overlay/GOFLAGS",
    ],
    [
      "GOTOOLCHAIN auto",
      { settings: { ...clean, GOTOOLCHAIN: "auto" } },
      "ENVT-GO-014/gotoolchain-download.allowed/GOTOOLCHAIN",
    ],
    [
      "GOAUTH command",
      { settings: { ...clean, GOAUTH: "netrc;command /usr/bin/helper" } },
      "ENVT-GO-015/goauth-command.command/GOAUTH",
    ],
    [
      "GONOSUMCHECK",
      { settings: clean, env: { GONOSUMCHECK: "1" } },
      "ENVT-GO-016/unknown-variable.non-variable/GONOSUMCHECK",
    ],
    ["GOPROXI typo", { settings: clean, env: { GOPROXI: "x" } }, "ENVT-GO-016/unknown-variable.typo/GOPROXI"],
    [
      "GOTOOLCHAIN on 1.19",
      { version: "go1.19.8", settings: clean, env: { GOTOOLCHAIN: "local" } },
      "ENVT-GO-016/unknown-variable.newer-than-go/GOTOOLCHAIN",
    ],
    [
      "cgo plugin",
      { settings: { ...clean, CGO_CFLAGS: "-O2 -fplugin=/tmp/p.so" } },
      "ENVT-GO-017/cgo-flags.code-loading/CGO_CFLAGS",
    ],
    [
      "cgo hardening",
      { settings: { ...clean, CGO_LDFLAGS: "-Wl,-z,execstack" } },
      "ENVT-GO-017/cgo-flags.hardening-off/CGO_LDFLAGS",
    ],
    ["relative CC", { settings: { ...clean, CC: "./bin/cc" } }, "ENVT-GO-017/cgo-flags.relative-tool/CC"],
    ["old release", { version: "go1.25.14", settings: clean }, "ENVT-GO-019/unsupported-release.old/"],
    [
      "GODEBUG",
      { settings: { ...clean, GODEBUG: "http2client=0,tlsrsakex=1" } },
      "ENVT-GO-021/godebug-weakening.tlsrsakex/GODEBUG",
    ],
  ])("%s", async (_name, c, expected) => {
    expect(await ids(c)).toContain(expected);
  });
  it("GOPRIVATE that names one organisation is not a public-host finding; its derived GONOSUMDB is reported under GOPRIVATE", async () => {
    expect(await ids({ settings: { ...clean, GONOSUMDB: "github.com/acme/*" } })).toEqual([]);
    const c = ctxOf({ settings: { ...clean, GONOSUMDB: "github.com/*" } });
    c.setting("GONOSUMDB")!.source = { kind: "derived", from: "GOPRIVATE", confidence: "certain" };
    const f = await runGoChecks(c);
    expect(f.map((x) => x.key)).toEqual(["GOPRIVATE"]);
  });
  it("GOTOOLCHAIN and GOAUTH are not judged on releases without them", async () => {
    expect(await ids({ version: "go1.20.1", settings: { ...clean, GOTOOLCHAIN: "auto" } })).not.toContain(
      "ENVT-GO-014/gotoolchain-download.allowed/GOTOOLCHAIN",
    );
    expect(
      (await ids({ version: "go1.23.0", settings: { ...clean, GOAUTH: "command x" } })).join(),
    ).not.toContain("ENVT-GO-015");
  });
  it("directory permissions: world/group writable, other owner", async () => {
    const c: Case = {
      uid: 1000,
      settings: {
        ...clean,
        GOROOT: "/opt/go",
        GOPATH: "/home/u/go",
        GOMODCACHE: "/home/u/go/pkg/mod",
        GOCACHE: "/srv/cache",
      },
      stats: {
        "/opt/go": { mode: 0o40755, uid: 0 },
        "/opt/go/bin": { mode: 0o40777, uid: 0 },
        "/home/u/go": { mode: 0o40775, uid: 1000 },
        "/home/u/go/pkg/mod": { mode: 0o40755, uid: 1000 },
        "/srv/cache": { mode: 0o40755, uid: 1001 },
      },
    };
    expect(await ids(c)).toEqual([
      "ENVT-GO-018/dir-permissions.world-writable/GOROOT",
      "ENVT-GO-018/dir-permissions.group-writable/GOPATH",
      "ENVT-GO-018/dir-permissions.other-owner/GOCACHE",
    ]);
  });
  it("GOENV file readable by others while holding credentials", async () => {
    const text = "GOPROXY=https://bob:Sup3rS3cretPw@p.corp,direct\n";
    expect(await ids({ settings: clean, goenv: { text, mode: 0o100644 } })).toContain(
      "ENVT-GO-020/goenv-file-exposed.world-readable/GOPROXY",
    );
    expect(await ids({ settings: clean, goenv: { text, mode: 0o100640 } })).toContain(
      "ENVT-GO-020/goenv-file-exposed.group-readable/GOPROXY",
    );
    expect((await ids({ settings: clean, goenv: { text, mode: 0o100600 } })).join()).not.toContain(
      "ENVT-GO-020",
    );
    expect(
      (await ids({ settings: clean, goenv: { text: "GOSUMDB=off\n", mode: 0o100644 } })).join(),
    ).not.toContain("ENVT-GO-020");
  });
  it("profiles run only when asked", async () => {
    const c: Case = { settings: { ...clean, GOROOT: "/usr/local/go", GOTOOLCHAIN: "auto" } };
    const dflt = await ids(c);
    expect(dflt.join()).not.toMatch(/ENVT-GO-1\d\d/);
    const strict = await ids({ ...c, profiles: ["strict"] });
    expect(strict).toEqual(
      expect.arrayContaining([
        "ENVT-GO-101/strict-goenv-off.not-off/GOENV",
        "ENVT-GO-102/strict-goroot-path.forbidden/GOROOT",
        "ENVT-GO-103/strict-toolchain-local.downloads/GOTOOLCHAIN",
      ]),
    );
    expect(await ids({ ...c, env: { GOENV: "off" }, profiles: ["strict"] })).not.toContain(
      "ENVT-GO-101/strict-goenv-off.not-off/GOENV",
    );
    const cn = await ids({
      settings: { GOPROXY: "https://proxy.golang.org,direct", GOSUMDB: "sum.goproxy.cn" },
      profiles: ["cn-mirror"],
    });
    expect(cn).toEqual(
      expect.arrayContaining([
        "ENVT-GO-111/cn-mirror-proxy.not-mirror/GOPROXY",
        "ENVT-GO-112/cn-mirror-sumdb.other/GOSUMDB",
      ]),
    );
    const cnOk = await ids({
      settings: { GOPROXY: "https://goproxy.cn,direct", GOSUMDB: "sum.golang.google.cn" },
      profiles: ["cn-mirror"],
    });
    expect(cnOk.join()).not.toMatch(/ENVT-GO-11\d/);
  });
  it("finding messages never contain the setting's value", async () => {
    const secret = "Zx9secretTokenValue42";
    const f = await runGoChecks(
      ctxOf({
        settings: {
          GOPROXY: `https://u:${secret}@p.corp`,
          GOFLAGS: `-toolexec=${secret} -mod=mod`,
          GONOSUMDB: `${secret},*`,
        },
        env: { GONOSUMCHECK: secret },
      }),
    );
    expect(f.length).toBeGreaterThan(3);
    expect(JSON.stringify(f)).not.toContain(secret);
  });
});

describe("dir-permissions on a real tree", () => {
  it("flags a world-writable GOCACHE made here", async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "envtrace-perm-"));
    try {
      await fsp.chmod(dir, 0o777);
      const c = ctxOf({ settings: { GOCACHE: dir } });
      c.stat = (p) => fsp.stat(p).catch(() => undefined);
      expect((await runGoChecks(c)).map((f) => f.messageId)).toContain("dir-permissions.world-writable");
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
