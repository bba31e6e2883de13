/**
 * go.sum parser (fetch.go `readGoSum`): lines split on `\n`, fields split on white space; blank lines
 * are skipped; a line without exactly three fields is malformed (an issue here, where Go would stop);
 * the known-bad empty-go.mod hash is dropped as Go drops it. Never throws.
 */
import type { CollectionIssue } from "../../model/index.js";

/** One `<module> <version>[/go.mod] <hash>` line. */
export interface GoSumEntry {
  module: string;
  version: string;
  /** True for the `/go.mod` line (hash of the go.mod file only). */
  goMod: boolean;
  hash: string;
  line: number;
}

export interface GoSumFile {
  file: string;
  entries: GoSumEntry[];
  issues: CollectionIssue[];
}

/** Go drops this hash when reading go.sum (an empty go.mod once written by mistake). */
export const EMPTY_GOMOD_HASH = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=";

/** Go's `strings.Fields` splits on `unicode.IsSpace`. */
const FIELD_SEP = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

export function parseGoSum(text: string, file = "go.sum"): GoSumFile {
  const entries: GoSumEntry[] = [];
  const issues: CollectionIssue[] = [];
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const fields = raw.split(FIELD_SEP).filter((f) => f !== "");
    if (fields.length === 0) continue;
    if (fields.length !== 3) {
      issues.push({
        subject: `${file}:${i + 1}`,
        code: "PARSE",
        detail: `malformed go.sum line: ${fields.length} fields, want 3`,
      });
      continue;
    }
    const [module, ver, hash] = fields as [string, string, string];
    if (hash === EMPTY_GOMOD_HASH) continue;
    const goMod = ver.endsWith("/go.mod");
    entries.push({
      module,
      version: goMod ? ver.slice(0, -"/go.mod".length) : ver,
      goMod,
      hash,
      line: i + 1,
    });
  }
  return { file, entries, issues };
}

/** `module@version` → hashes, split by tree and go.mod, for lookups during verification. */
export interface GoSumIndex {
  tree: Map<string, GoSumEntry[]>;
  goMod: Map<string, GoSumEntry[]>;
}

export function indexGoSum(f: GoSumFile): GoSumIndex {
  const idx: GoSumIndex = { tree: new Map(), goMod: new Map() };
  for (const e of f.entries) {
    const m = e.goMod ? idx.goMod : idx.tree;
    const k = `${e.module}@${e.version}`;
    const list = m.get(k) ?? [];
    list.push(e);
    m.set(k, list);
  }
  return idx;
}
