/**
 * systemd unit files: the INI dialect of `conf-parser.c` (sections, `#`/`;` comments, a trailing backslash
 * continues the line with a space, comment lines inside a continuation are skipped) with the 1-based line
 * where each setting starts; `Environment=` word splitting (quotes, C escapes) and unit specifiers; the
 * unit name from a `/proc/<pid>/cgroup` path. All functions are total: bad input never throws.
 */
import { splitLines } from "./host.js";

export interface UnitSetting {
  section: string;
  key: string;
  value: string;
  line: number;
}

export function parseUnitFile(text: string): UnitSetting[] {
  const out: UnitSetting[] = [];
  let section = "";
  let cont: { text: string; line: number } | null = null;
  const lines = splitLines(text);
  const handle = (l: string, line: number) => {
    const s = l.trim();
    if (s === "") return;
    if (s.startsWith("[")) {
      const close = s.indexOf("]");
      section = close > 0 ? s.slice(1, close) : "";
      return;
    }
    const eq = s.indexOf("=");
    if (eq <= 0) return;
    out.push({ section, key: s.slice(0, eq).trim(), value: s.slice(eq + 1).trim(), line });
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const t = raw.trim();
    if (cont === null && (t.startsWith("#") || t.startsWith(";"))) continue;
    if (cont !== null && (t.startsWith("#") || t.startsWith(";"))) continue;
    if (t.endsWith("\\") && !t.endsWith("\\\\")) {
      const piece = `${t.slice(0, -1)} `;
      if (cont === null) cont = { text: piece, line: i + 1 };
      else cont.text += piece;
      continue;
    }
    if (cont !== null) {
      handle(cont.text + t, cont.line);
      cont = null;
    } else handle(t, i + 1);
  }
  if (cont !== null) handle(cont.text, cont.line);
  return out;
}

/** What unit specifiers expand to for one unit; a missing entry makes the value "computed". */
export type Specifiers = ReadonlyMap<string, string>;

const C_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
  s: " ",
};

/**
 * Splits an `Environment=` value into words the way `extract_first_word(EXTRACT_CUNESCAPE|EXTRACT_UNQUOTE)`
 * does, then expands specifiers. Returns each `KEY=VALUE` word; `value` is null when a specifier could not
 * be expanded. Words without a valid `KEY=` are reported in `invalid`.
 */
export function parseEnvironmentDirective(
  raw: string,
  spec: Specifiers,
): { assignments: Array<{ key: string; value: string | null }>; invalid: number } {
  const words: string[] = [];
  let i = 0;
  while (i < raw.length) {
    while (i < raw.length && /\s/.test(raw[i]!)) i++;
    if (i >= raw.length) break;
    let w = "";
    let quote: string | null = null;
    for (; i < raw.length; i++) {
      const c = raw[i]!;
      if (quote) {
        if (c === quote) quote = null;
        else if (c === "\\" && i + 1 < raw.length) w += unescapeAt(raw, ++i, (n) => (i += n));
        else w += c;
        continue;
      }
      if (/\s/.test(c)) break;
      if (c === '"' || c === "'") quote = c;
      else if (c === "\\" && i + 1 < raw.length) w += unescapeAt(raw, ++i, (n) => (i += n));
      else w += c;
    }
    words.push(w);
  }
  const assignments: Array<{ key: string; value: string | null }> = [];
  let invalid = 0;
  for (const w of words) {
    const eq = w.indexOf("=");
    const key = eq > 0 ? w.slice(0, eq) : "";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      invalid++;
      continue;
    }
    assignments.push({ key, value: expandSpecifiers(w.slice(eq + 1), spec) });
  }
  return { assignments, invalid };
}

/** Decodes one C escape whose letter is at `raw[i]`; `advance(n)` skips n extra characters. */
function unescapeAt(raw: string, i: number, advance: (n: number) => void): string {
  const c = raw[i]!;
  if (c in C_ESCAPES) return C_ESCAPES[c]!;
  if (c === "x") {
    const hex = /^[0-9a-fA-F]{2}/.exec(raw.slice(i + 1));
    if (hex) {
      advance(2);
      return String.fromCharCode(Number.parseInt(hex[0], 16));
    }
  }
  if (/[0-7]/.test(c)) {
    const oct = /^[0-7]{3}/.exec(raw.slice(i));
    if (oct) {
      advance(2);
      return String.fromCharCode(Number.parseInt(oct[0], 8));
    }
  }
  if (c === "u" || c === "U") {
    const n = c === "u" ? 4 : 8;
    const hex = new RegExp(`^[0-9a-fA-F]{${n}}`).exec(raw.slice(i + 1));
    if (hex) {
      const cp = Number.parseInt(hex[0], 16);
      if (cp <= 0x10ffff) {
        advance(n);
        return String.fromCodePoint(cp);
      }
    }
  }
  return `\\${c}`;
}

/** Expands `%x` unit specifiers; null when one is unknown for this unit. `%%` is a literal `%`. */
export function expandSpecifiers(text: string, spec: Specifiers): string | null {
  if (!text.includes("%")) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    const n = text[++i];
    if (n === undefined) return null;
    if (n === "%") {
      out += "%";
      continue;
    }
    const v = spec.get(n);
    if (v === undefined) return null;
    out += v;
  }
  return out;
}

/** Specifiers known from the unit name alone (and, when given, its user). */
export function unitSpecifiers(
  unit: string,
  user?: { name: string; uid: number; home: string; shell: string },
  system = true,
): Map<string, string> {
  const m = new Map<string, string>();
  m.set("n", unit);
  const dot = unit.lastIndexOf(".");
  const base = dot > 0 ? unit.slice(0, dot) : unit;
  m.set("N", base);
  const at = base.indexOf("@");
  m.set("p", at >= 0 ? base.slice(0, at) : base);
  m.set("P", unescapeUnitName(at >= 0 ? base.slice(0, at) : base));
  m.set("i", at >= 0 ? base.slice(at + 1) : "");
  m.set("I", unescapeUnitName(at >= 0 ? base.slice(at + 1) : ""));
  if (system) {
    m.set("t", "/run");
    m.set("S", "/var/lib");
    m.set("C", "/var/cache");
    m.set("L", "/var/log");
    m.set("E", "/etc");
  }
  if (user) {
    m.set("u", user.name);
    m.set("U", String(user.uid));
    m.set("h", user.home);
    m.set("s", user.shell);
  }
  return m;
}

/** systemd's unit-name unescaping: `-` → `/`, `\xNN` → byte. */
export function unescapeUnitName(s: string): string {
  return s
    .replace(/-/g, "/")
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

export interface CgroupUnit {
  /** e.g. `nginx.service`. */
  unit: string;
  /** Set for units of a user manager (`…/user@1000.service/…`). */
  userUid?: number;
  /** The full cgroup path the unit was read from. */
  path: string;
}

/**
 * The service a process belongs to, from its `/proc/<pid>/cgroup` lines: the v2 `0::` line, else the v1
 * `name=systemd:` line. The innermost `.service` component names the unit; under `user@UID.service` it is
 * a unit of that user's manager. Scopes (login sessions, `init.scope`) are not services: undefined.
 */
export function unitFromCgroup(lines: readonly string[]): CgroupUnit | undefined {
  const pick = lines.find((l) => l.startsWith("0::")) ?? lines.find((l) => /^\d+:name=systemd:/.test(l));
  if (!pick) return undefined;
  const path = pick.slice(pick.indexOf(":", pick.indexOf(":") + 1) + 1);
  const parts = path.split("/").filter(Boolean);
  let userUid: number | undefined;
  let unit: string | undefined;
  let previous = "";
  for (const p of parts) {
    const um = /^user@(\d+)\.service$/.exec(p);
    if (um) {
      userUid = Number(um[1]);
      unit = undefined;
    } else if (p === "init.scope" && /^user@\d+\.service$/.test(previous)) {
      // The user manager itself (`systemd --user`) runs in user@UID.service/init.scope: a system unit.
      unit = previous;
      userUid = undefined;
    } else if (p.endsWith(".service")) unit = p;
    else if (p.endsWith(".scope")) unit = undefined;
    previous = p;
  }
  if (!unit) return undefined;
  const out: CgroupUnit = { unit, path };
  if (userUid !== undefined) out.userUid = userUid;
  return out;
}
