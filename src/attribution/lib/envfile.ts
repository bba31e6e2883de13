/**
 * Parsers for the KEY=VALUE files of the host mechanisms, each following the real program's rules (not a
 * shell's): pam_env's `/etc/environment`, systemd's `EnvironmentFile=`/environment.d, sshd's
 * `~/.ssh/environment`, sudoers' `env_file`, and `/etc/login.defs`. Every assignment keeps the 1-based line
 * where it starts. All parsers are total: arbitrary input never throws, it only yields fewer assignments.
 */
import { splitLines } from "./host.js";

export interface EnvAssignment {
  key: string;
  /** null: an unset request (pam_env `KEY` without `=`). */
  value: string | null;
  /** 1-based line where the assignment starts. */
  line: number;
}

/**
 * pam_env's `_assemble_line`: drops blank and `#` lines, cuts each line at its first `#`, joins lines that
 * end in a backslash (the backslash removed; leading blanks are kept, as in pam_env's buffer). A continuation still
 * open at end of file is dropped, as pam_env does.
 */
export function assemblePamLines(text: string): Array<{ text: string; line: number }> {
  const lines = splitLines(text);
  const out: Array<{ text: string; line: number }> = [];
  let acc: string | null = null;
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    // pam_env only skips blanks to test for an empty or comment line; they stay in the assembled text.
    const s = lines[i]!;
    const lead = s.replace(/^[ \t]+/, "");
    if (lead === "" || lead.startsWith("#")) continue;
    if (acc === null) start = i + 1;
    const hash = s.indexOf("#");
    if (hash >= 0) {
      out.push({ text: (acc ?? "") + s.slice(0, hash), line: start });
      acc = null;
      continue;
    }
    const trimmed = s.replace(/[ \t]+$/, "");
    if (trimmed.endsWith("\\")) {
      acc = (acc ?? "") + trimmed.slice(0, -1);
      continue;
    }
    out.push({ text: (acc ?? "") + s, line: start });
    acc = null;
  }
  return out;
}

/** pam_env's `/etc/environment` reader (`_parse_env_file`). */
export function parsePamEnvFile(text: string): EnvAssignment[] {
  const out: EnvAssignment[] = [];
  for (const { text: l, line } of assemblePamLines(text)) {
    let key = l.replace(/^[ \t\n]+/, "");
    if (key.startsWith("#")) continue;
    if (key.startsWith("export ")) key = key.slice(7);
    if (key.startsWith("=") || key === "") continue;
    const eq = key.indexOf("=");
    const name = eq >= 0 ? key.slice(0, eq) : key;
    if (!/^[A-Za-z0-9_]+$/.test(name)) continue;
    if (eq < 0) {
      out.push({ key: name, value: null, line });
      continue;
    }
    let value = key.slice(eq + 1);
    const q = value[0];
    if (q === '"' || q === "'") {
      // pam_env drops the opening quote and a quote that is the very last character; inner quotes stay.
      const body = value.slice(1);
      const last = body[body.length - 1];
      value = last === '"' || last === "'" ? body.slice(0, -1) : body;
    }
    out.push({ key: name, value, line });
  }
  return out;
}

const SD_WHITESPACE = " \t\n\r";
const SD_NEWLINE = "\n\r";
const SD_COMMENTS = "#;";
const SD_SHELL_NEED_ESCAPE = '"\\`$';

/**
 * systemd's `parse_env_file_internal` state machine (EnvironmentFile=, environment.d, /etc/os-release
 * style): `#`/`;` comments, single and double quotes, backslash escapes and continuations, trailing
 * whitespace trimmed. `valid` is false for keys systemd drops when building an environment (empty, or
 * holding whitespace or `=`; e.g. `export FOO=1`).
 */
export function parseSystemdEnvFile(text: string): Array<EnvAssignment & { valid: boolean }> {
  const out: Array<EnvAssignment & { valid: boolean }> = [];
  type State =
    | "PRE_KEY"
    | "KEY"
    | "PRE_VALUE"
    | "VALUE"
    | "VALUE_ESCAPE"
    | "SQ"
    | "DQ"
    | "DQ_ESCAPE"
    | "COMMENT"
    | "COMMENT_ESCAPE";
  let state: State = "PRE_KEY";
  let key = "";
  let value = "";
  let line = 1;
  let keyLine = 1;
  let lastValueWs = -1;
  let lastKeyWs = -1;
  const push = () => {
    const k = lastKeyWs >= 0 ? key.slice(0, lastKeyWs) : key;
    const valid = k.length > 0 && !/[\s=]/.test(k);
    out.push({ key: k, value, line: keyLine, valid });
    key = "";
    value = "";
  };
  for (const c of text) {
    switch (state) {
      case "PRE_KEY":
        if (SD_COMMENTS.includes(c)) state = "COMMENT";
        else if (!SD_WHITESPACE.includes(c)) {
          state = "KEY";
          lastKeyWs = -1;
          key = c;
          keyLine = line;
        }
        break;
      case "KEY":
        if (SD_NEWLINE.includes(c)) {
          state = "PRE_KEY";
          key = "";
        } else if (c === "=") {
          state = "PRE_VALUE";
          lastValueWs = -1;
          value = "";
        } else {
          if (!SD_WHITESPACE.includes(c)) lastKeyWs = -1;
          else if (lastKeyWs < 0) lastKeyWs = key.length;
          key += c;
        }
        break;
      case "PRE_VALUE":
        if (SD_NEWLINE.includes(c)) {
          state = "PRE_KEY";
          push();
        } else if (c === "'") state = "SQ";
        else if (c === '"') state = "DQ";
        else if (c === "\\") state = "VALUE_ESCAPE";
        else if (!SD_WHITESPACE.includes(c)) {
          state = "VALUE";
          value += c;
        }
        break;
      case "VALUE":
        if (SD_NEWLINE.includes(c)) {
          state = "PRE_KEY";
          if (lastValueWs >= 0) value = value.slice(0, lastValueWs);
          push();
        } else if (c === "\\") {
          state = "VALUE_ESCAPE";
          lastValueWs = -1;
        } else {
          if (!SD_WHITESPACE.includes(c)) lastValueWs = -1;
          else if (lastValueWs < 0) lastValueWs = value.length;
          value += c;
        }
        break;
      case "VALUE_ESCAPE":
        state = "VALUE";
        if (!SD_NEWLINE.includes(c)) value += c;
        break;
      case "SQ":
        if (c === "'") state = "PRE_VALUE";
        else value += c;
        break;
      case "DQ":
        if (c === '"') state = "PRE_VALUE";
        else if (c === "\\") state = "DQ_ESCAPE";
        else value += c;
        break;
      case "DQ_ESCAPE":
        state = "DQ";
        if (SD_SHELL_NEED_ESCAPE.includes(c)) value += c;
        else if (c !== "\n") value += `\\${c}`;
        break;
      case "COMMENT":
        if (c === "\\") state = "COMMENT_ESCAPE";
        else if (SD_NEWLINE.includes(c)) state = "PRE_KEY";
        break;
      case "COMMENT_ESCAPE":
        state = SD_NEWLINE.includes(c) ? "PRE_KEY" : "COMMENT";
        break;
    }
    if (c === "\n") line++;
  }
  if (["PRE_VALUE", "VALUE", "VALUE_ESCAPE", "SQ", "DQ", "DQ_ESCAPE"].includes(state)) {
    if (state === "VALUE" && lastValueWs >= 0) value = value.slice(0, lastValueWs);
    push();
  }
  return out;
}

/** sshd's `read_environment_file` (`~/.ssh/environment`): `NAME=value` per line, no quoting. */
export function parseSshEnvironmentFile(text: string): EnvAssignment[] {
  const out: EnvAssignment[] = [];
  splitLines(text).forEach((raw, i) => {
    const s = raw.replace(/^[ \t]+/, "");
    if (s === "" || s.startsWith("#")) return;
    const eq = s.indexOf("=");
    if (eq <= 0) return;
    out.push({ key: s.slice(0, eq), value: s.slice(eq + 1), line: i + 1 });
  });
  return out;
}

/** sudoers' `env_file`/`restricted_env_file`: `[export ]NAME=value`, value optionally in matching quotes. */
export function parseSudoEnvFile(text: string): EnvAssignment[] {
  const out: EnvAssignment[] = [];
  splitLines(text).forEach((raw, i) => {
    let s = raw.replace(/^\s+/, "");
    if (s === "" || s.startsWith("#")) return;
    if (/^export\s/.test(s)) s = s.slice(7).replace(/^\s+/, "");
    const eq = s.indexOf("=");
    if (eq <= 0) return;
    let value = s.slice(eq + 1);
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    out.push({ key: s.slice(0, eq), value, line: i + 1 });
  });
  return out;
}

export interface LoginDefs {
  get(name: string): { value: string; line: number } | undefined;
}

/** `/etc/login.defs`: `NAME value` lines, `#` comments, a value in double quotes loses them. */
export function parseLoginDefs(text: string): LoginDefs {
  const map = new Map<string, { value: string; line: number }>();
  splitLines(text).forEach((raw, i) => {
    const s = raw.trim();
    if (s === "" || s.startsWith("#")) return;
    const m = /^(\S+)\s*(.*)$/.exec(s);
    if (!m) return;
    let value = m[2]!.trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    // The first definition wins in util-linux and shadow alike.
    if (!map.has(m[1]!)) map.set(m[1]!, { value, line: i + 1 });
  });
  return { get: (name) => map.get(name) };
}

/**
 * `logindefs_setenv`: an `ENV_PATH` value may be written `PATH=/bin:…` (shadow-utils syntax); the
 * `NAME=` prefix is dropped.
 */
export function loginDefsEnvValue(name: string, value: string): string {
  const prefix = `${name}=`;
  if (value.startsWith(prefix) && value.length > prefix.length) {
    const v = value.slice(prefix.length);
    // util-linux skips one opening quote only, exactly like this.
    return v.startsWith('"') ? v.slice(1) : v;
  }
  return value;
}
