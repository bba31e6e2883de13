/**
 * The parts of sudoers(5) that decide a command's environment: `Defaults` entries (`secure_path`,
 * `env_reset`, `env_file`, `restricted_env_file`, `env_keep`, …) with their file:line, following
 * `@include`/`#include` and `@includedir`/`#includedir` (files in lexical order, skipping names that hold a
 * `.` or end in `~`; relative paths are relative to the including file's directory). Line continuations
 * (`\` at end of line) join lines. Total: bad input yields fewer entries, never a throw.
 */
import * as path from "node:path";
import type { ResolverContext } from "../resolver.js";
import { listDir, readText, splitLines } from "./host.js";

export interface SudoDefault {
  name: string;
  /** `=` assignment, `+=`/`-=` list edits, `!` negation, or a bare boolean flag. */
  op: "=" | "+=" | "-=" | "!" | "flag";
  value?: string;
  file: string;
  line: number;
  /** `Defaults:user`, `Defaults@host`, `Defaults>runas`, `Defaults!cmnd`: applies only when it matches. */
  qualifier?: string;
}

export interface SudoersParse {
  defaults: SudoDefault[];
  includes: Array<{ path: string; dir: boolean; line: number }>;
}

/** Joins continuation lines and drops comments, keeping the first line number of each logical line. */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let acc: { text: string; line: number } | null = null;
  splitLines(text).forEach((raw, i) => {
    if (raw.endsWith("\\") && !raw.endsWith("\\\\")) {
      if (acc) acc.text += raw.slice(0, -1);
      else acc = { text: raw.slice(0, -1), line: i + 1 };
      return;
    }
    if (acc) {
      acc.text += raw;
      out.push(acc);
      acc = null;
    } else out.push({ text: raw, line: i + 1 });
  });
  if (acc) out.push(acc);
  return out;
}

/** Removes a trailing `# comment` that is outside double quotes. */
function stripComment(s: string): string {
  let inQ = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === '"') inQ = !inQ;
    else if (c === "#" && !inQ && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

/** Splits a Defaults parameter list at commas outside quotes. */
function splitParams(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inQ = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === '"') inQ = !inQ;
    if (c === "," && !inQ) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter(Boolean);
}

function unquote(v: string): string {
  let s = v.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1);
  return s.replace(/\\(.)/g, "$1");
}

export function parseSudoers(text: string, file: string): SudoersParse {
  const defaults: SudoDefault[] = [];
  const includes: SudoersParse["includes"] = [];
  for (const { text: raw, line } of logicalLines(text)) {
    const t = raw.trim();
    const inc = /^[@#](include|includedir)\s+(.+)$/.exec(t);
    if (inc) {
      includes.push({ path: unquote(inc[2]!), dir: inc[1] === "includedir", line });
      continue;
    }
    const s = stripComment(t).trim();
    const m = /^Defaults([:@!>][^\s]+)?\s+(.*)$/.exec(s);
    if (!m) continue;
    for (const p of splitParams(m[2]!)) {
      const base = { file, line, ...(m[1] ? { qualifier: m[1] } : {}) };
      const a = /^([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|-=|=)\s*(.*)$/s.exec(p);
      if (a) {
        defaults.push({ name: a[1]!, op: a[2] as "=" | "+=" | "-=", value: unquote(a[3]!), ...base });
      } else if (/^!+\s*[A-Za-z_][A-Za-z0-9_]*$/.test(p)) {
        const bangs = /^!+/.exec(p)![0].length;
        const name = p.slice(bangs).trim();
        defaults.push({ name, op: bangs % 2 === 1 ? "!" : "flag", ...base });
      } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) {
        defaults.push({ name: p, op: "flag", ...base });
      }
    }
  }
  return { defaults, includes };
}

export const SUDOERS_FILE = "/etc/sudoers";

/** Reads /etc/sudoers and everything it includes, in evaluation order (memoised per run). */
export function loadSudoers(ctx: ResolverContext, root = SUDOERS_FILE): Promise<SudoDefault[]> {
  return ctx.memo(`sudoers\0${root}`, async () => {
    const all: SudoDefault[] = [];
    const seen = new Set<string>();
    const visit = async (file: string, depth: number): Promise<void> => {
      if (seen.has(file)) {
        ctx.report({ subject: file, code: "CYCLE", detail: "sudoers include cycle; the file is read once" });
        return;
      }
      if (depth > 128) return;
      seen.add(file);
      const text = await readText(ctx, file);
      if (text === undefined) return;
      const parsed = parseSudoers(text, file);
      // Defaults and includes interleave by line: process them in file order.
      const items: Array<{ line: number; d?: SudoDefault; inc?: SudoersParse["includes"][number] }> = [
        ...parsed.defaults.map((d) => ({ line: d.line, d })),
        ...parsed.includes.map((inc) => ({ line: inc.line, inc })),
      ].sort((a, b) => a.line - b.line);
      for (const it of items) {
        if (it.d) all.push(it.d);
        else if (it.inc) {
          const target = path.posix.resolve(path.posix.dirname(file), it.inc.path);
          if (!it.inc.dir) await visit(target, depth + 1);
          else {
            for (const name of await listDir(ctx, target)) {
              if (name.includes(".") || name.endsWith("~")) continue;
              await visit(path.posix.join(target, name), depth + 1);
            }
          }
        }
      }
    };
    await visit(root, 0);
    return all;
  });
}

/** The last unqualified setting of `name` (sudoers: later entries override earlier ones). */
export function lastDefault(defaults: readonly SudoDefault[], name: string): SudoDefault | undefined {
  for (let i = defaults.length - 1; i >= 0; i--) {
    const d = defaults[i]!;
    if (d.name === name && !d.qualifier && (d.op === "=" || d.op === "!" || d.op === "flag")) return d;
  }
  return undefined;
}
