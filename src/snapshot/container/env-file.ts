/**
 * Env files as `docker run --env-file`, `podman run --env-file` and compose `env_file:` read them, kept
 * with line numbers so a variable can be traced to `file:line`.
 *
 * The formats differ slightly, so each entry carries every value the tools could have produced and the
 * resolver matches the container's real value against them:
 * - docker/cli `pkg/kvfile`: leading whitespace trimmed, `#` lines and blank lines skipped, `KEY=VALUE`
 *   taken as is (older releases) or with one pair of matching outer quotes removed (newer releases);
 *   `KEY` alone takes the client's environment; a key with whitespace is an error.
 * - podman `pkg/env`: the same, plus `KEY*` (every client variable with that prefix) and, in podman 5,
 *   `export KEY=…` and quoted multi-line values.
 * - compose (dotenv): quotes processed, `export` allowed, ` #` starts an inline comment on unquoted values.
 *
 * Never throws: malformed lines become issues (one line each, never containing a value).
 */
import type { CollectionIssue } from "../../model/index.js";

export interface EnvFileEntry {
  key: string;
  /** 1-based line where the entry starts. */
  line: number;
  /** The value exactly as written after `=` (undefined for a bare `KEY`: taken from the client's env). */
  value?: string;
  /** Every value a supported tool could have derived from this line (raw, unquoted, comment-stripped). */
  candidates: string[];
  /** `KEY*` (podman): every client variable whose name starts with `key`. */
  prefix?: boolean;
  /** `export KEY=…` form. */
  exported?: boolean;
}

export interface ParsedEnvFile {
  entries: EnvFileEntry[];
  issues: CollectionIssue[];
}

/** Lines longer than this are skipped (bufio.Scanner's default token limit in docker and podman). */
export const MAX_ENV_FILE_LINE = 64 * 1024;
/** A quoted value may continue over at most this many lines. */
const MAX_CONTINUATION = 1000;

function unquote(v: string): string | undefined {
  if (v.length >= 2) {
    const q = v[0];
    if ((q === '"' || q === "'") && v[v.length - 1] === q) return v.slice(1, -1);
  }
  return undefined;
}

function dotenvUnquoted(v: string): string {
  // dotenv: an unquoted value ends at ` #`, and surrounding whitespace is dropped.
  const hash = v.search(/\s#/);
  return (hash >= 0 ? v.slice(0, hash) : v).trim();
}

function dotenvDoubleQuoted(inner: string): string {
  return inner.replace(/\\([nrt"\\])/g, (_m, c: string) =>
    c === "n" ? "\n" : c === "r" ? "\r" : c === "t" ? "\t" : c,
  );
}

/** Parses an env file's text. `file` names it in issues. */
export function parseEnvFile(text: string, file: string): ParsedEnvFile {
  const entries: EnvFileEntry[] = [];
  const issues: CollectionIssue[] = [];
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const unclosed = new Set<string>();
  const closeAt = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!.replace(/\r$/, "");
    if (line.length > MAX_ENV_FILE_LINE) {
      issues.push({ subject: `${file}:${lineNo}`, code: "TOO_LARGE", detail: "line too long; skipped" });
      continue;
    }
    line = line.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) continue;
    let exported = false;
    if (/^export\s+/.test(line)) {
      exported = true;
      line = line.replace(/^export\s+/, "");
    }
    const eq = line.indexOf("=");
    const rawKey = eq < 0 ? line : line.slice(0, eq);
    if (rawKey === "") {
      issues.push({ subject: `${file}:${lineNo}`, code: "PARSE", detail: "no variable name before '='" });
      continue;
    }
    // dotenv tolerates `KEY = value`; docker rejects it. Accept the trimmed key, note the oddity.
    const key = rawKey.replace(/\s+$/, "");
    if (/[\s\0]/.test(key)) {
      issues.push({
        subject: `${file}:${lineNo}`,
        code: "PARSE",
        detail: "variable name contains whitespace; docker rejects the file",
      });
      continue;
    }
    if (eq < 0) {
      const entry: EnvFileEntry = { key, line: lineNo, candidates: [] };
      if (key.endsWith("*")) {
        entry.key = key.slice(0, -1);
        entry.prefix = true;
      }
      if (exported) entry.exported = true;
      entries.push(entry);
      continue;
    }
    let value = line.slice(eq + 1);
    const candidates = new Set<string>([value]);
    const q = value[0];
    // Quoted value that does not close on this line: podman 5 and dotenv continue on the next lines.
    if ((q === '"' || q === "'") && (value.length < 2 || !value.slice(1).trimEnd().endsWith(q))) {
      // Find the closing line once; if none exists below, none exists below any later line either.
      let j = i + 1;
      const known = closeAt.get(q);
      if (unclosed.has(q)) j = lines.length;
      else if (known !== undefined && known > i) j = known;
      else {
        while (j < lines.length && !lines[j]!.trimEnd().endsWith(q)) j++;
        if (j >= lines.length) unclosed.add(q);
        else closeAt.set(q, j);
      }
      if (j < lines.length && j - i <= MAX_CONTINUATION) {
        const joined = [value, ...lines.slice(i + 1, j + 1).map((l) => l.replace(/\r$/, ""))].join("\n");
        const inner = joined.trimEnd().slice(1, -1);
        candidates.add(q === '"' ? dotenvDoubleQuoted(inner) : inner);
        candidates.add(inner);
        value = joined;
        i = j;
      }
    } else {
      const inner = unquote(value);
      if (inner !== undefined) {
        candidates.add(inner);
        if (q === '"') candidates.add(dotenvDoubleQuoted(inner));
      }
      const trimmedQuoted = unquote(value.trim());
      if (trimmedQuoted !== undefined) candidates.add(trimmedQuoted);
      if (q !== '"' && q !== "'") candidates.add(dotenvUnquoted(value));
    }
    const entry: EnvFileEntry = { key, line: lineNo, value, candidates: [...candidates] };
    if (exported) entry.exported = true;
    entries.push(entry);
  }
  return { entries, issues };
}

/** Does this entry produce `value` for `key`? Bare `KEY` and `KEY*` entries match any value (client env). */
export function entryMatches(e: EnvFileEntry, key: string, value: string): "value" | "passthrough" | false {
  if (e.prefix) return key.startsWith(e.key) ? "passthrough" : false;
  if (e.key !== key) return false;
  if (e.value === undefined) return "passthrough";
  return e.candidates.includes(value) ? "value" : false;
}
