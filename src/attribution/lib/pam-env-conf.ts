/**
 * `/etc/security/pam_env.conf` (and `~/.pam_environment`, which pam_env reads with the same parser):
 * `VARIABLE [DEFAULT=value] [OVERRIDE=value]` per assembled line, `${VAR}` (PAM environment) and `@{ITEM}`
 * (PAM items; `@{HOME}`/`@{SHELL}` from the user's passwd entry) expansion, `\$`/`\@` escapes. Follows
 * linux-pam `modules/pam_env/pam_env.c` (`_parse_line`, `_check_var`, `_expand_arg`), including its quirks:
 * an unquoted empty value counts as absent, trailing blanks make a line invalid.
 */
import { assemblePamLines } from "./envfile.js";

export interface PamConfEntry {
  key: string;
  line: number;
  /** Raw DEFAULT= text; `""` for `DEFAULT=""` (defined empty); undefined when absent. */
  defaultExpr?: string;
  overrideExpr?: string;
  /** Why pam_env ignores this line, when it does. */
  bad?: string;
}

export function parsePamEnvConf(text: string): PamConfEntry[] {
  const out: PamConfEntry[] = [];
  for (const { text: l, line } of assemblePamLines(text)) {
    const nameLen = l.search(/[ \t\n]/);
    const key = nameLen < 0 ? l : l.slice(0, nameLen);
    const entry: PamConfEntry = { key, line };
    let rest = nameLen < 0 ? "" : l.slice(nameLen);
    for (;;) {
      const ws = /^[ \t]+/.exec(rest);
      if (!ws) break;
      rest = rest.slice(ws[0].length);
      let slot: "defaultExpr" | "overrideExpr";
      if (rest.startsWith("DEFAULT=")) {
        slot = "defaultExpr";
        rest = rest.slice(8);
      } else if (rest.startsWith("OVERRIDE=")) {
        slot = "overrideExpr";
        rest = rest.slice(9);
      } else {
        entry.bad = "unrecognized option";
        break;
      }
      if (rest.startsWith('"')) {
        const close = rest.indexOf('"', 1);
        if (close < 0) {
          entry.bad = "unterminated quoted string";
          break;
        }
        const after = rest[close + 1];
        if (after !== undefined && after !== " " && after !== "\t" && after !== "\n") {
          entry.bad = "quotes must cover the entire string";
          break;
        }
        entry[slot] = rest.slice(1, close);
        rest = rest.slice(close + 1);
      } else {
        const end = rest.search(/[ \t\n]/);
        const v = end < 0 ? rest : rest.slice(0, end);
        // pam_env leaves an unquoted empty value unset.
        if (v.length > 0) entry[slot] = v;
        rest = end < 0 ? "" : rest.slice(end);
      }
    }
    if (key === "") entry.bad = "missing variable name";
    out.push(entry);
  }
  return out;
}

export interface PamExpandContext {
  /** The PAM environment built so far (earlier lines and files). */
  pamEnv: ReadonlyMap<string, string>;
  /** PAM items by the names pam_env accepts (PAM_USER, HOME, SHELL, PAM_TTY, PAM_RHOST, …). */
  items: ReadonlyMap<string, string>;
  /** Fallback for `${VAR}` not (yet) in the PAM environment: the value the receiving process shows. */
  guess?: (name: string) => string | undefined;
}

export interface PamExpansion {
  value: string;
  /** True when a `${VAR}` or `@{ITEM}` had to be guessed, so the value is not pinned by files alone. */
  guessed: boolean;
  /** True when an item or variable was unknown (expanded to empty, as pam_env does for missing ones). */
  unknown: boolean;
  /** `${` without `}`: pam_env aborts the rest of the file. */
  abort: boolean;
}

export function expandPamValue(expr: string, ctx: PamExpandContext): PamExpansion {
  let out = "";
  let guessed = false;
  let unknown = false;
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === "\\") {
      const n = expr[i + 1];
      if (n === "$" || n === "@") {
        out += n;
        i += 2;
      } else i += 1; // pam_env drops an unrecognised escape's backslash
      continue;
    }
    if ((c === "$" || c === "@") && expr[i + 1] === "{") {
      const close = expr.indexOf("}", i + 2);
      if (close < 0) return { value: out, guessed, unknown, abort: true };
      const name = expr.slice(i + 2, close);
      let v: string | undefined;
      if (c === "$") {
        v = ctx.pamEnv.get(name);
        if (v === undefined && ctx.guess) {
          v = ctx.guess(name);
          if (v !== undefined) guessed = true;
        }
      } else v = ctx.items.get(name);
      if (v === undefined) unknown = true;
      out += v ?? "";
      i = close + 1;
      continue;
    }
    out += c;
    i++;
  }
  return { value: out, guessed, unknown, abort: false };
}

/** `_check_var`: the value pam_env defines (null = undefine), or undefined when nothing happens. */
export function evaluatePamEntry(
  e: PamConfEntry,
  ctx: PamExpandContext,
): { value: string | null; guessed: boolean; unknown: boolean; abort: boolean } {
  let guessed = false;
  let unknown = false;
  const ov =
    e.overrideExpr !== undefined && e.overrideExpr !== "" ? expandPamValue(e.overrideExpr, ctx) : null;
  if (ov?.abort) return { value: null, guessed, unknown, abort: true };
  if (ov && ov.value !== "")
    return { value: ov.value, guessed: ov.guessed, unknown: ov.unknown, abort: false };
  if (ov) {
    guessed ||= ov.guessed;
    unknown ||= ov.unknown;
  }
  if (e.defaultExpr === undefined) return { value: null, guessed, unknown, abort: false };
  if (e.defaultExpr === "") return { value: "", guessed, unknown, abort: false };
  const dv = expandPamValue(e.defaultExpr, ctx);
  if (dv.abort) return { value: null, guessed, unknown, abort: true };
  return { value: dv.value, guessed: guessed || dv.guessed, unknown: unknown || dv.unknown, abort: false };
}
