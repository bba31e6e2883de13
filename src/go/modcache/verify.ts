/**
 * `envtrace go verify-modcache`: recomputes `h1:` for every cached module zip and `.mod` under
 * `$GOMODCACHE/cache/download`, and compares them with the `.ziphash` the go command wrote at download
 * time, with the extracted tree (as `go mod verify` does) and with every given go.sum (which
 * `go mod verify` does not). Hashes are public data (they are in go.sum files), so reports may show them.
 *
 * Work split: worker threads (pool.ts) read, inflate and hash the zips and extracted trees; this thread
 * lists the cache, reads the small `.mod`/`.ziphash` files synchronously (a few µs each, where a promise
 * round trip through libuv costs tens) and compares.
 *
 * Contract: never throws for bad input — unreadable files and malformed go.sum lines become issues;
 * a corrupt zip is a mismatch (`unreadable-zip`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { CollectionIssue } from "../../model/index.js";
import { issueFromError } from "../../snapshot/host-fs.js";
import { escapeModulePath, unescapeModulePath } from "./escape.js";
import { type GoSumFile, type GoSumIndex, indexGoSum, parseGoSum } from "./gosum.js";
import { goModHash } from "./hash1.js";
import { HashPool, type ZipJobResult } from "./pool.js";
import { hashDir, localContext, onPool } from "./ziphash.js";

/**
 * What disagreed. `tampered-zip`: the zip no longer hashes to its `.ziphash` (and go.sum or the extracted
 * tree, when present, side with the `.ziphash`); `tampered-ziphash`: the zip matches go.sum or the
 * extracted tree but its `.ziphash` does not; `gosum-mismatch`: a go.sum line disagrees with the cache
 * (`part` says zip tree or go.mod); `mod-mismatch`: `<v>.mod` differs from the go.mod inside the zip;
 * `dir-modified`: the extracted tree differs from the zip; `unreadable-zip`: the zip cannot be read.
 */
export type MismatchKind =
  | "tampered-zip"
  | "tampered-ziphash"
  | "gosum-mismatch"
  | "mod-mismatch"
  | "dir-modified"
  | "unreadable-zip";

export interface Mismatch {
  kind: MismatchKind;
  module: string;
  version: string;
  /** The files involved (cache files, go.sum with line). */
  files: string[];
  /** The hash that was recorded (go.sum, `.ziphash`), when there is one. */
  expected?: string;
  /** The hash computed now. */
  actual?: string;
  part?: "zip" | "go.mod";
  /** What sides with `expected` (`go.sum`, `extracted-dir`); empty when nothing could decide. */
  confirmedBy?: string[];
}

export interface VerifyOptions {
  gomodcache: string;
  gosumFiles?: readonly string[];
  /** Also hash extracted module trees (`$GOMODCACHE/<module>@<version>/`), as `go mod verify` does. */
  dirs?: boolean;
  /** Module versions in flight at once (default: enough for a full batch queued behind each worker's current one). */
  concurrency?: number;
  /** Worker threads that inflate and hash (default: one per core, at most 8); 0 hashes in this thread. */
  threads?: number;
}

export interface VerifyReport {
  schemaVersion: 1;
  gomodcache: string;
  /** Module versions found in the cache (with a .zip or a .mod). */
  moduleVersions: number;
  zips: number;
  /** Compressed bytes of all zips hashed. */
  zipBytes: number;
  gosum: Array<{ file: string; entries: number; notInCache: number }>;
  mismatches: Mismatch[];
  issues: CollectionIssue[];
}

interface CachedVersion {
  module: string;
  version: string;
  /** `<download>/<escaped module>/@v/<escaped version>` without extension. */
  base: string;
  hasZip: boolean;
  hasMod: boolean;
  hasZiphash: boolean;
}

/**
 * Finds every `<module>/@v/<version>.{zip,mod}` under the download cache. Directories are read
 * synchronously: two small ones per module version, where a promise round trip through libuv's thread pool
 * cost this thread more than the read (a third of its CPU time in a profile); the workers start meanwhile.
 */
export async function listCache(downloadDir: string, issues: CollectionIssue[]): Promise<CachedVersion[]> {
  const out: CachedVersion[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(path.join(downloadDir, rel), { withFileTypes: true });
    } catch (err) {
      issues.push(issueFromError(path.join(downloadDir, rel), err, "list the module cache"));
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!rel && e.name === "sumdb") continue; // checksum database tiles, not modules
      if (e.name === "@v") {
        const module = unescapeModulePath(rel);
        if (!module) {
          issues.push({
            subject: path.join(downloadDir, r),
            code: "PARSE",
            detail: "not a valid escaped module path",
          });
          continue;
        }
        out.push(...(await versionsIn(path.join(downloadDir, r), module, issues)));
      } else {
        await walk(r);
      }
    }
  };
  await walk("");
  return out.sort((a, b) => (a.module === b.module ? cmp(a.version, b.version) : cmp(a.module, b.module)));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function versionsIn(dir: string, module: string, issues: CollectionIssue[]): Promise<CachedVersion[]> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    issues.push(issueFromError(dir, err, "list the module cache"));
    return [];
  }
  const set = new Set(names);
  const versions = new Set<string>();
  for (const n of names) {
    const m = /^(.+)\.(zip|mod)$/.exec(n);
    if (m) versions.add(m[1]!);
  }
  const out: CachedVersion[] = [];
  for (const ev of versions) {
    const version = unescapeModulePath(ev);
    if (!version) {
      issues.push({ subject: path.join(dir, ev), code: "PARSE", detail: "not a valid escaped version" });
      continue;
    }
    out.push({
      module,
      version,
      base: path.join(dir, ev),
      hasZip: set.has(`${ev}.zip`),
      hasMod: set.has(`${ev}.mod`),
      hasZiphash: set.has(`${ev}.ziphash`),
    });
  }
  return out;
}

async function pool<T>(items: readonly T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
}

interface LoadedGoSum {
  file: GoSumFile;
  index: GoSumIndex;
}

export async function verifyModcache(opts: VerifyOptions): Promise<VerifyReport> {
  const issues: CollectionIssue[] = [];
  const mismatches: Mismatch[] = [];
  const gosums: LoadedGoSum[] = [];
  for (const f of opts.gosumFiles ?? []) {
    try {
      const parsed = parseGoSum(await fsp.readFile(f, "utf8"), f);
      issues.push(...parsed.issues);
      gosums.push({ file: parsed, index: indexGoSum(parsed) });
    } catch (err) {
      issues.push(issueFromError(f, err, "read go.sum"));
    }
  }
  const download = path.join(opts.gomodcache, "cache", "download");
  const workers = opts.threads === 0 ? undefined : HashPool.create(opts.threads);
  // The workers start while the cache is listed (when there is one to list).
  if (existsSync(download)) workers?.warm();
  let cached: CachedVersion[];
  try {
    cached = await listCache(download, issues);
  } catch (err) {
    await workers?.close();
    throw err;
  }
  const seen = new Set(cached.map((c) => `${c.module}@${c.version}`));
  let zips = 0;
  let zipBytes = 0;

  try {
    await pool(cached, opts.concurrency ?? workers?.capacity ?? 4, async (c) => {
      const key = `${c.module}@${c.version}`;
      const rel = (ext: string) => `${c.base}${ext}`;
      const sumLines = (part: "zip" | "go.mod") =>
        gosums.flatMap((g) => (part === "zip" ? g.index.tree : g.index.goMod).get(key) ?? []);
      const sumFileOf = (line: number, file: string) => `${file}:${line}`;

      let mod: Buffer | undefined;
      if (c.hasMod) {
        try {
          mod = readFileSync(rel(".mod"));
        } catch (err) {
          issues.push(issueFromError(rel(".mod"), err));
        }
      }
      if (mod !== undefined) {
        const modH1 = goModHash(mod);
        for (const g of gosums) {
          const lines = g.index.goMod.get(key) ?? [];
          if (lines.length > 0 && !lines.some((l) => l.hash === modH1)) {
            for (const l of lines) {
              mismatches.push({
                kind: "gosum-mismatch",
                part: "go.mod",
                module: c.module,
                version: c.version,
                files: [sumFileOf(l.line, g.file.file), rel(".mod")],
                expected: l.hash,
                actual: modH1,
              });
            }
          }
        }
      }
      if (!c.hasZip) return;

      let zh: ZipJobResult;
      const want = `${c.module}@${c.version}/go.mod`;
      try {
        zh = await onPool(
          workers,
          (p) => p.zip(rel(".zip"), want),
          () => localContext().zipFile(rel(".zip"), want),
        );
      } catch (err) {
        mismatches.push({
          kind: "unreadable-zip",
          module: c.module,
          version: c.version,
          files: [rel(".zip")],
          confirmedBy: [err instanceof Error ? err.message.split("\n")[0]! : String(err)],
        });
        return;
      }
      zips++;
      zipBytes += zh.bytes;

      let ziphash: string | undefined;
      if (c.hasZiphash) {
        try {
          ziphash = readFileSync(rel(".ziphash"), "utf8").trim();
        } catch (err) {
          issues.push(issueFromError(rel(".ziphash"), err));
        }
      } else {
        issues.push({
          subject: rel(".ziphash"),
          code: "ENOENT",
          detail: "no .ziphash next to the zip (an interrupted download; the go command rehashes it)",
        });
      }
      let dirH1: string | undefined;
      const dir = path.join(opts.gomodcache, `${escapeModulePath(c.module)}@${escapeModulePath(c.version)}`);
      if (opts.dirs ?? true) {
        try {
          if (statSync(dir).isDirectory()) dirH1 = await hashDir(dir, `${c.module}@${c.version}`, workers);
        } catch (err) {
          if ((err as { code?: string }).code !== "ENOENT") issues.push(issueFromError(dir, err, "hash"));
        }
      }
      const treeLines = sumLines("zip");
      const sides = (h: string) => {
        const by: string[] = [];
        if (treeLines.some((l) => l.hash === h)) by.push("go.sum");
        if (dirH1 === h) by.push("extracted-dir");
        return by;
      };

      let trusted = zh.h1;
      if (ziphash !== undefined && ziphash !== zh.h1) {
        const forZip = sides(zh.h1);
        const forZiphash = sides(ziphash);
        if (forZip.length > 0 && forZiphash.length === 0) {
          mismatches.push({
            kind: "tampered-ziphash",
            module: c.module,
            version: c.version,
            files: [rel(".ziphash")],
            expected: ziphash,
            actual: zh.h1,
            confirmedBy: forZip,
          });
        } else {
          trusted = ziphash;
          mismatches.push({
            kind: "tampered-zip",
            module: c.module,
            version: c.version,
            files: [rel(".zip")],
            expected: ziphash,
            actual: zh.h1,
            confirmedBy: forZiphash,
          });
        }
      }
      for (const g of gosums) {
        const lines = g.index.tree.get(key) ?? [];
        if (lines.length > 0 && !lines.some((l) => l.hash === zh.h1)) {
          for (const l of lines) {
            mismatches.push({
              kind: "gosum-mismatch",
              part: "zip",
              module: c.module,
              version: c.version,
              files: [sumFileOf(l.line, g.file.file), rel(".zip")],
              expected: l.hash,
              actual: zh.h1,
            });
          }
        }
      }
      if (dirH1 !== undefined && dirH1 !== trusted) {
        mismatches.push({
          kind: "dir-modified",
          module: c.module,
          version: c.version,
          files: [dir],
          expected: trusted,
          actual: dirH1,
        });
      }
      if (mod !== undefined && zh.goMod !== undefined && !mod.equals(zh.goMod)) {
        mismatches.push({
          kind: "mod-mismatch",
          module: c.module,
          version: c.version,
          files: [rel(".mod"), `${rel(".zip")}#${c.module}@${c.version}/go.mod`],
          expected: goModHash(zh.goMod),
          actual: goModHash(mod),
        });
      }
    });
  } finally {
    await workers?.close();
  }

  const order = (m: Mismatch) => `${m.module}\0${m.version}\0${m.kind}\0${m.files.join("\0")}`;
  mismatches.sort((a, b) => cmp(order(a), order(b)));
  return {
    schemaVersion: 1,
    gomodcache: opts.gomodcache,
    moduleVersions: cached.length,
    zips,
    zipBytes,
    gosum: gosums.map((g) => {
      const keys = new Set(g.file.entries.map((e) => `${e.module}@${e.version}`));
      return {
        file: g.file.file,
        entries: g.file.entries.length,
        notInCache: [...keys].filter((k) => !seen.has(k)).length,
      };
    }),
    mismatches,
    issues,
  };
}
