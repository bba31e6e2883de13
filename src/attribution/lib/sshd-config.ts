/**
 * sshd_config(5) as far as the session environment needs it: keyword/argument lines (case-insensitive
 * keywords, `Keyword=value` allowed, double quotes, `#` comments), `Include` (globs; relative paths under
 * /etc/ssh; read in place), and `Match` blocks (settings inside one apply only when it matches, so they
 * carry their criteria). Each directive keeps its file:line. Total: bad input yields fewer directives.
 */
import * as path from "node:path";
import type { ResolverContext } from "../resolver.js";
import { globMatch, listDir, readText, splitLines } from "./host.js";

export interface SshdDirective {
  keyword: string;
  args: string[];
  file: string;
  line: number;
  /** The `Match` criteria the directive sits under; undefined for global directives. */
  match?: string;
}

/** sshd's `argv_split`: whitespace-separated words, double/single quotes, backslash escapes, `#` comments. */
export function splitSshdArgs(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /[ \t\r\n]/.test(s[i]!)) i++;
    if (i >= s.length || s[i] === "#") break;
    let w = "";
    let quote: string | null = null;
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === "\\" && i + 1 < s.length && (quote === null || s[i + 1] === quote || s[i + 1] === "\\")) {
        w += s[++i];
        continue;
      }
      if (quote) {
        if (c === quote) quote = null;
        else w += c;
        continue;
      }
      if (/[ \t\r\n]/.test(c)) break;
      if (c === '"' || c === "'") quote = c;
      else w += c;
    }
    out.push(w);
  }
  return out;
}

export function parseSshdConfigText(
  text: string,
  file: string,
): Array<SshdDirective & { include?: string[] }> {
  const out: Array<SshdDirective & { include?: string[] }> = [];
  let match: string | undefined;
  splitLines(text).forEach((raw, i) => {
    const t = raw.trim();
    if (t === "" || t.startsWith("#")) return;
    // `Keyword=value` and `Keyword = value` are accepted like `Keyword value`.
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$/.exec(t);
    if (!m) return;
    const keyword = m[1]!.toLowerCase();
    const args = splitSshdArgs(m[2] ?? "");
    if (keyword === "match") {
      match = args.length === 1 && args[0]!.toLowerCase() === "all" ? undefined : args.join(" ");
      return;
    }
    const d: SshdDirective = { keyword, args, file, line: i + 1 };
    if (match !== undefined) d.match = match;
    out.push(d);
  });
  return out;
}

export const SSHD_CONFIG = "/etc/ssh/sshd_config";

/** Reads a config and its Includes in order (memoised per run). */
export function loadSshdConfig(ctx: ResolverContext, file = SSHD_CONFIG): Promise<SshdDirective[]> {
  return ctx.memo(`sshd_config\0${file}`, async () => {
    const out: SshdDirective[] = [];
    const stack: string[] = [];
    const visit = async (f: string, inheritedMatch: string | undefined): Promise<void> => {
      if (stack.includes(f) || stack.length > 16) {
        ctx.report({ subject: f, code: "CYCLE", detail: "sshd_config Include loop; the file is read once" });
        return;
      }
      const text = await readText(ctx, f);
      if (text === undefined) return;
      stack.push(f);
      for (const d of parseSshdConfigText(text, f)) {
        const match = d.match ?? inheritedMatch;
        if (d.keyword === "include") {
          for (const pattern of d.args) {
            const abs = path.posix.isAbsolute(pattern) ? pattern : path.posix.join("/etc/ssh", pattern);
            for (const target of await expandGlob(ctx, abs)) await visit(target, match);
          }
          continue;
        }
        const copy: SshdDirective = { ...d };
        if (match !== undefined) copy.match = match;
        out.push(copy);
      }
      stack.pop();
    };
    await visit(file, undefined);
    return out;
  });
}

/** Expands a glob in the last path component (what sshd's Include patterns use in practice). */
async function expandGlob(ctx: ResolverContext, pattern: string): Promise<string[]> {
  const base = path.posix.basename(pattern);
  if (!/[*?]/.test(base)) return [pattern];
  const dir = path.posix.dirname(pattern);
  return (await listDir(ctx, dir)).filter((n) => globMatch(base, n)).map((n) => path.posix.join(dir, n));
}

/** sshd's "first obtained value wins" for single-valued keywords (global directives only). */
export function firstGlobal(ds: readonly SshdDirective[], keyword: string): SshdDirective | undefined {
  return ds.find((d) => d.keyword === keyword && d.match === undefined);
}
