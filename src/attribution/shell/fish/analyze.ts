/**
 * Static analysis of fish startup (fish 3.x as packaged by Debian). It simulates what fish does before it
 * runs a command, without executing anything:
 *
 * 1. the starting environment becomes global exported variables (names ending in `PATH` are path lists);
 * 2. universal variables load from `$__fish_config_dir/fish_variables` (`SETUVAR [--export] [--path]
 *    NAME:VALUE`); a global of the same name shadows them;
 * 3. `share/config.fish` prepends the universal `fish_user_paths` to PATH (`__fish_reconstruct_path`);
 * 4. conf.d snippets: `$__fish_config_dir/conf.d/*.fish`, `/etc/fish/conf.d/*.fish`, then each vendor dir
 *    (`$XDG_DATA_HOME/fish/vendor_conf.d`, `fish/vendor_conf.d` under each `$XDG_DATA_DIRS` entry — or
 *    `/usr/share/fish` when it is unset — then `/usr/share/fish/vendor_conf.d`). Each glob is sorted on its
 *    own with fish's natural order; a name already seen is skipped (shadowed), and a name that is not a
 *    readable regular file still masks later ones. Verified against fish 3.6 (test/integration).
 * 5. `/etc/fish/config.fish`, then `$__fish_config_dir/config.fish`.
 *
 * A file with a syntax error is not run at all (as fish does). `return`/`exit` at the top level of a file
 * stop that file only. `status is-login`/`is-interactive` are decided from the mode; other conditions make
 * what they guard conditional. Command substitutions, globs and `$$var` give computed (null) values.
 */
import * as path from "node:path";
import type { CollectionIssue, FileLocation, PathSegment } from "../../../model/index.js";
import { issueFromError, MAX_TEXT_FILE_BYTES } from "../../../snapshot/host-fs.js";
import type { ResolverContext } from "../../resolver.js";
import type { ShellAnalysis, ShellAnalysisRequest, ShellAssignment } from "../types.js";
import {
  decodeFishSource,
  displayRawBytes,
  type FishParse,
  type FunctionStmt,
  literalWord,
  parseFish,
  type Stmt,
  type Word,
  type WordPart,
} from "./parse.js";

/** fish's data directory as installed by the Debian package (`$__fish_data_dir`). */
export const FISH_DATA_DIR = "/usr/share/fish";
export const FISH_SYSCONF_DIR = "/etc/fish";

/** A fish assignment; `skipped` says why it never runs (then it is never part of `final`). */
export interface FishAssignment extends ShellAssignment {
  skipped?: string;
  /** `universal` for `set -U` and fish_variables, else `global` (locals never reach the environment). */
  scope?: "global" | "universal" | "local";
}

export interface FishAnalysis extends ShellAnalysis {
  assignments: FishAssignment[];
  final: Map<string, FishAssignment>;
  /** Assignments in files fish does not run (shadowed conf.d snippets, files with syntax errors). */
  skippedAssignments: FishAssignment[];
  /** conf.d snippets that did not run because an earlier directory had a file of the same name. */
  shadowedFiles: Array<{ file: string; by: string }>;
  /** The directories searched for conf.d snippets, in order. */
  confDirs: string[];
  /** Places that may set variables the analyser cannot see (`eval`, `source` of a computed path). */
  opaque?: Array<{ location: FileLocation; what: string }>;
}

/** One list element of a fish variable and where it was added (none: it came with the environment). */
interface Elem {
  v: string | null;
  loc?: FileLocation;
}
interface FishVar {
  elems: Elem[];
  exported: boolean;
  pathvar: boolean;
  /** The last assignment that produced this value. */
  assignment?: FishAssignment;
}

type Tri = boolean | undefined;

const MAX_SOURCE_DEPTH = 32;
const MAX_CALL_DEPTH = 16;
const MAX_LOOP_ITEMS = 256;
const MAX_EXPANSION = 4096;

/** fish's natural order for glob results (`wcsfilecmp_glob` in fish 3.6): case-insensitive, numbers by value. */
export function fishGlobCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const digit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
  while (i < a.length && j < b.length) {
    if (digit(a[i]) && digit(b[j])) {
      while (a[i] === "0") i++;
      while (b[j] === "0") j++;
      let ret = 0;
      while (digit(a[i]) && digit(b[j])) {
        if (ret === 0) ret = a[i]! < b[j]! ? -1 : a[i]! > b[j]! ? 1 : 0;
        i++;
        j++;
      }
      if (digit(a[i])) ret = 1;
      else if (digit(b[j])) ret = -1;
      // fish skips whitespace after a number (fish_wcstol heritage).
      while (i < a.length && /\s/.test(a[i]!)) i++;
      while (j < b.length && /\s/.test(b[j]!)) j++;
      if (ret !== 0) return ret;
      if (i >= a.length || j >= b.length) break;
    }
    const ca = a[i]!;
    const cb = b[j]!;
    if (ca !== cb) {
      const la = ca.toLowerCase();
      const lb = cb.toLowerCase();
      if (la < lb) return -1;
      if (la > lb) return 1;
    }
    i++;
    j++;
  }
  if (i >= a.length && j >= b.length) return a < b ? -1 : a > b ? 1 : 0;
  return i >= a.length ? -1 : 1;
}

/** Where fish looks for its files, from the starting environment. */
export function fishDirs(env: ReadonlyMap<string, string>): {
  configDir?: string;
  userDataDir?: string;
  confDirs: string[];
} {
  const home = env.get("HOME");
  const xdgConfig = env.get("XDG_CONFIG_HOME");
  const xdgData = env.get("XDG_DATA_HOME");
  const configDir = xdgConfig ? `${xdgConfig}/fish` : home ? `${home}/.config/fish` : undefined;
  const userDataDir = xdgData ? `${xdgData}/fish` : home ? `${home}/.local/share/fish` : undefined;
  const confDirs: string[] = [];
  if (configDir) confDirs.push(`${configDir}/conf.d`);
  confDirs.push(`${FISH_SYSCONF_DIR}/conf.d`);
  if (userDataDir) confDirs.push(`${userDataDir}/vendor_conf.d`);
  const dataDirs = env.get("XDG_DATA_DIRS");
  if (dataDirs !== undefined) {
    for (const d of dataDirs.split(":")) confDirs.push(`${d.replace(/([^/])\/$/, "$1")}/fish/vendor_conf.d`);
  } else {
    confDirs.push(`${FISH_DATA_DIR}/vendor_conf.d`);
  }
  // The build-time "extra" conf dir (Debian: the data dir's vendor_conf.d) is added when missing.
  const extra = `${FISH_DATA_DIR}/vendor_conf.d`;
  if (!confDirs.includes(extra)) confDirs.push(extra);
  const r: { configDir?: string; userDataDir?: string; confDirs: string[] } = { confDirs };
  if (configDir) r.configDir = configDir;
  if (userDataDir) r.userDataDir = userDataDir;
  return r;
}

// ---------------------------------------------------------------------------------------------------
// Universal variables

/** Decodes one fish_variables value (fish escapes; list elements separated by \x1e; `\x1d` = empty list). */
export function decodeUniversalValue(s: string): string[] | undefined {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = s[i + 1];
    if (n === undefined) return undefined;
    const hex = (len: number): number | undefined => {
      const h = s.slice(i + 2, i + 2 + len);
      const m = /^[0-9a-fA-F]+/.exec(h);
      if (!m) return undefined;
      i += 1 + m[0].length;
      return Number.parseInt(m[0], 16);
    };
    if (n === "x" || n === "X") {
      const v = hex(2);
      if (v === undefined) return undefined;
      out += v <= 0x7f ? String.fromCharCode(v) : String.fromCharCode(0xf600 + v);
    } else if (n === "u" || n === "U") {
      const v = hex(n === "u" ? 4 : 8);
      // fish 3.6 refuses its own raw-byte range here ("Unable to parse universal variable").
      if (v === undefined || v > 0x10ffff || (v >= 0xf600 && v <= 0xf6ff)) return undefined;
      out += String.fromCodePoint(v);
    } else {
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", e: "\x1b", a: "\x07", b: "\b" };
      out += simple[n] ?? n;
      i++;
    }
  }
  if (out === "\x1d") return [];
  return out.split("\x1e");
}

export interface UniversalVar {
  name: string;
  values: string[];
  exported: boolean;
  path: boolean;
  line: number;
}

/** Parses fish_variables. Never throws: bad lines become issues. */
export function parseFishVariables(
  text: string,
  file: string,
): { vars: UniversalVar[]; issues: CollectionIssue[] } {
  const vars: UniversalVar[] = [];
  const issues: CollectionIssue[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, "");
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(SETUVAR|SET_EXPORT|SET)((?: --[a-z]+)*) ([^:\s]+):(.*)$/.exec(line);
    const values = m ? decodeUniversalValue(m[4]!) : undefined;
    if (!m || !values) {
      issues.push({
        subject: `${file}:${n + 1}`,
        code: "PARSE",
        detail: "unreadable universal variable line",
      });
      continue;
    }
    const flags = m[2]!.split(" ").filter(Boolean);
    vars.push({
      name: m[3]!,
      values,
      exported: m[1] === "SET_EXPORT" || flags.includes("--export"),
      path: flags.includes("--path"),
      line: n + 1,
    });
  }
  return { vars, issues };
}

// ---------------------------------------------------------------------------------------------------
// The simulation

interface FileCtx {
  file: string;
  /** A `return`/`exit` may have run earlier in this file: what follows is conditional. */
  maybeReturned: boolean;
}

interface EvalCtx {
  file: FileCtx;
  /** Number of enclosing constructs that may not run. */
  cond: number;
  locals: Map<string, FishVar>[];
  argv: Elem[] | null;
  callDepth: number;
  /** Never apply assignments (analysis of conf.d snippets that fish skips). */
  dryReason?: string;
}

const STOP = Symbol("stop");
type Flow = typeof STOP | undefined;

class FishSim {
  readonly globals = new Map<string, FishVar>();
  readonly universals = new Map<string, FishVar>();
  readonly functions = new Map<string, { stmt: FunctionStmt; file: string }>();
  readonly assignments: FishAssignment[] = [];
  readonly files: string[] = [];
  readonly issues: CollectionIssue[] = [];
  readonly opaque: Array<{ location: FileLocation; what: string }> = [];
  readonly sourceStack: string[] = [];
  /** Parsed files (null: missing or unreadable), as promises so that files can be read ahead in parallel. */
  readonly parsed = new Map<string, Promise<FishParse | null>>();
  private status: Tri = true;
  private readonly autoloadTried = new Set<string>();

  constructor(
    readonly req: ShellAnalysisRequest,
    readonly ctx: ResolverContext,
    readonly dirs: ReturnType<typeof fishDirs>,
    readonly facts: FishFacts = {},
  ) {}

  private readonly stats = new Map<string, Promise<import("node:fs").Stats>>();
  /** `test -d`/`fish_add_path` look at the same directories again and again: one stat per path. */
  statCached(p: string): Promise<import("node:fs").Stats> {
    let st = this.stats.get(p);
    if (!st) {
      st = this.ctx.fs.stat(p);
      st.catch(() => undefined); // rejections are observed by each caller
      this.stats.set(p, st);
    }
    return st;
  }

  // ---- variables -------------------------------------------------------------------------------

  lookup(name: string, ec: EvalCtx | undefined): FishVar | undefined {
    if (ec) {
      for (let i = ec.locals.length - 1; i >= 0; i--) {
        const v = ec.locals[i]!.get(name);
        if (v) return v;
      }
    }
    return this.globals.get(name) ?? this.universals.get(name);
  }

  static joined(v: FishVar): string | null {
    if (v.elems.some((e) => e.v === null)) return null;
    return v.elems.map((e) => e.v).join(v.pathvar ? ":" : " ");
  }

  importEnv(): void {
    for (const [k, value] of this.req.env) {
      const pathvar = k.endsWith("PATH");
      const parts = pathvar ? value.split(":") : [value];
      this.globals.set(k, { elems: parts.map((v) => ({ v })), exported: true, pathvar });
    }
  }

  record(
    a: Omit<FishAssignment, "conditional" | "location"> & { line: number },
    ec: EvalCtx,
    v: FishVar | undefined,
  ): FishAssignment {
    const { line, ...rest } = a;
    const out: FishAssignment = {
      ...rest,
      location: { file: ec.file.file, line },
      conditional: this.conditional(ec),
    };
    if (ec.dryReason) out.skipped = ec.dryReason;
    if (v?.pathvar && !out.unset) out.segments = segmentsOf(v);
    this.assignments.push(out);
    return out;
  }

  conditional(ec: EvalCtx): boolean {
    return ec.cond > 0 || ec.file.maybeReturned;
  }

  // ---- startup ----------------------------------------------------------------------------------

  async loadUniversals(): Promise<void> {
    if (!this.dirs.configDir) return;
    const file = `${this.dirs.configDir}/fish_variables`;
    const text = await this.readText(file);
    if (text === undefined) return;
    this.files.push(file);
    const { vars, issues } = parseFishVariables(text, file);
    this.issues.push(...issues);
    for (const u of vars) {
      const loc: FileLocation = { file, line: u.line };
      const fv: FishVar = {
        elems: u.values.map((v) => ({ v, loc })),
        exported: u.exported,
        pathvar: u.path || u.name.endsWith("PATH"),
      };
      const a: FishAssignment = {
        key: u.name,
        value: FishSim.joined(fv),
        expression: "SETUVAR",
        location: loc,
        via: u.exported ? "set -Ux (fish_variables)" : "set -U (fish_variables)",
        exported: u.exported,
        conditional: false,
        scope: "universal",
      };
      if (fv.pathvar) a.segments = segmentsOf(fv);
      fv.assignment = a;
      this.universals.set(u.name, fv);
      this.assignments.push(a);
    }
  }

  /** share/config.fish's `__fish_reconstruct_path`: fish_user_paths moved to the front of PATH. */
  reconstructPath(ec: EvalCtx | undefined, line?: number): void {
    const fup = this.lookup("fish_user_paths", ec);
    const pathVar = this.globals.get("PATH") ?? { elems: [], exported: true, pathvar: true };
    let local = [...pathVar.elems];
    // Drop what an earlier reconstruction added (tracked like fish's __fish_added_user_paths).
    const added = this.addedUserPaths;
    local = local.filter((e) => !(e.v !== null && added.has(e.v)));
    this.addedUserPaths = new Set();
    if (fup) {
      const items = fup.elems.flatMap((e) =>
        e.v === null ? [e] : e.v.split(":").map((v) => ({ v, ...(e.loc ? { loc: e.loc } : {}) })),
      );
      for (const x of [...items].reverse()) {
        const idx = local.findIndex((e) => e.v !== null && e.v === x.v);
        if (idx >= 0) local.splice(idx, 1);
        else if (x.v !== null) this.addedUserPaths.add(x.v);
        local.unshift(x);
      }
    }
    const newVar: FishVar = { elems: local, exported: true, pathvar: true };
    if (fup) {
      const loc =
        fup.assignment?.location ?? (ec ? { file: ec.file.file, ...(line ? { line } : {}) } : undefined);
      const a: FishAssignment = {
        key: "PATH",
        value: FishSim.joined(newVar),
        expression: "$fish_user_paths $PATH",
        location: loc ?? { file: `${FISH_DATA_DIR}/config.fish` },
        via: "fish_user_paths",
        exported: true,
        conditional: fup.assignment?.conditional ?? (ec ? this.conditional(ec) : false),
        scope: "global",
        segments: segmentsOf(newVar),
      };
      if (ec?.dryReason) a.skipped = ec.dryReason;
      else {
        newVar.assignment = a;
        this.globals.set("PATH", newVar);
      }
      this.assignments.push(a);
    }
  }
  private addedUserPaths = new Set<string>();

  async run(): Promise<void> {
    this.importEnv();
    if (this.req.mode.noRc) return; // fish --no-config: no config files and no universal variables
    // Read the config files ahead while universals and conf.d are processed.
    void this.parseFile(`${FISH_SYSCONF_DIR}/config.fish`);
    if (this.dirs.configDir) void this.parseFile(`${this.dirs.configDir}/config.fish`);
    await this.loadUniversals();
    if (this.universals.has("fish_user_paths") || this.globals.has("fish_user_paths"))
      this.reconstructPath(undefined);
    await this.runConfD();
    await this.sourceTop(`${FISH_SYSCONF_DIR}/config.fish`);
    if (this.dirs.configDir) await this.sourceTop(`${this.dirs.configDir}/config.fish`);
  }

  readonly shadowedFiles: Array<{ file: string; by: string }> = [];

  async runConfD(): Promise<void> {
    // List every directory and read every snippet ahead, in parallel; they still run one by one, in order.
    const listings = await Promise.all(
      this.dirs.confDirs.map(async (dir) => {
        try {
          const names = await this.ctx.fs.readdir(dir);
          return names.filter((n) => n.endsWith(".fish") && !n.startsWith(".")).sort(fishGlobCompare);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code !== "ENOENT" && code !== "ENOTDIR") this.issues.push(issueFromError(dir, err, "list"));
          return [];
        }
      }),
    );
    const readable = new Map<string, Promise<boolean>>();
    this.dirs.confDirs.forEach((dir, i) => {
      for (const name of listings[i]!) {
        const file = `${dir}/${name}`;
        readable.set(file, this.ctx.fs.isReadable(file));
        void this.parseFile(file);
      }
    });
    const seen = new Map<string, string>();
    for (const [i, dir] of this.dirs.confDirs.entries()) {
      for (const name of listings[i]!) {
        const file = `${dir}/${name}`;
        const by = seen.get(name);
        if (by !== undefined) {
          this.shadowedFiles.push({ file, by });
          // Read it anyway, without effect, so its assignments can be listed as shadowed.
          await this.sourceFile(file, { dryReason: `conf.d snippet shadowed by ${by}` });
          continue;
        }
        seen.set(name, file);
        // fish skips non-files and unreadable files (a symlink to /dev/null masks a snippet).
        if (!(await readable.get(file))) continue;
        await this.sourceTop(file);
      }
    }
  }

  async sourceTop(file: string): Promise<void> {
    await this.sourceFile(file, {});
  }

  private async readText(file: string): Promise<string | undefined> {
    let buf: Buffer;
    try {
      const st = await this.ctx.fs.stat(file);
      if (!st.isFile()) return undefined;
      if (st.size > MAX_TEXT_FILE_BYTES) {
        this.issues.push({
          subject: file,
          code: "TOO_LARGE",
          detail: `skipped: ${st.size} bytes, above the static-analysis limit`,
        });
        return undefined;
      }
      buf = await this.ctx.fs.readFile(file);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      this.issues.push(issueFromError(file, err));
      return undefined;
    }
    const { text, invalidBytes } = decodeFishSource(buf);
    if (invalidBytes > 0) {
      this.issues.push({
        subject: file,
        code: "ENCODING",
        detail: `${invalidBytes} byte(s) are not valid UTF-8; kept as raw bytes`,
      });
    }
    return text;
  }

  parseFile(file: string): Promise<FishParse | null> {
    let p = this.parsed.get(file);
    if (!p) {
      p = this.readText(file).then((text) => {
        if (text === undefined) return null;
        const parsed = parseFish(text);
        for (const e of parsed.errors) {
          this.issues.push({
            subject: e.line > 0 ? `${file}:${e.line}` : file,
            code: "PARSE",
            detail: `${e.message}; fish does not run a file with a syntax error`,
          });
        }
        return parsed;
      });
      this.parsed.set(file, p);
    }
    return p;
  }

  /** Runs a file as `source` does; `outer` carries the caller's conditional state. */
  async sourceFile(
    file: string,
    opts: { outer?: EvalCtx; line?: number; dryReason?: string },
  ): Promise<boolean> {
    const { outer } = opts;
    if (this.sourceStack.includes(file)) {
      this.issues.push({
        subject: outer ? `${outer.file.file}:${opts.line ?? 0}` : file,
        code: "CYCLE",
        detail: `source cycle: ${file} is already being read; not followed again`,
      });
      return false;
    }
    if (this.sourceStack.length >= MAX_SOURCE_DEPTH) {
      this.issues.push({ subject: file, code: "CYCLE", detail: "source nesting too deep; not followed" });
      return false;
    }
    const p = await this.parseFile(file);
    if (p === null) return false;
    const dryReason =
      opts.dryReason ?? outer?.dryReason ?? (p.errors.length > 0 ? "the file has a syntax error" : undefined);
    if (!dryReason) this.files.push(file);
    const ec: EvalCtx = {
      file: { file, maybeReturned: false },
      cond: outer ? outer.cond + (outer.file.maybeReturned ? 1 : 0) : 0,
      locals: [...(outer?.locals ?? []), new Map()],
      argv: null,
      callDepth: outer?.callDepth ?? 0,
    };
    if (dryReason) ec.dryReason = dryReason;
    this.sourceStack.push(file);
    try {
      this.status = true;
      await this.evalList(p.body, ec);
    } finally {
      this.sourceStack.pop();
    }
    return true;
  }

  // ---- evaluation --------------------------------------------------------------------------------

  async evalList(stmts: readonly Stmt[], ec: EvalCtx): Promise<Flow> {
    for (const st of stmts) {
      const flow = await this.evalStmt(st, ec);
      if (flow === STOP) return STOP;
    }
    return undefined;
  }

  async evalStmt(st: Stmt, ec: EvalCtx): Promise<Flow> {
    let inner = ec;
    if (st.conj) {
      const run = st.conj === "and" ? this.status : this.status === undefined ? undefined : !this.status;
      if (run === false) return undefined; // status unchanged
      if (run === undefined) inner = { ...ec, cond: ec.cond + 1 };
    }
    let flow: Flow;
    let status: Tri;
    switch (st.type) {
      case "cmd":
        [flow, status] = await this.evalCommand(st.words, st.line, inner, !!st.piped);
        break;
      case "begin":
        flow = await this.evalList(st.body, inner);
        status = this.status;
        break;
      case "if":
        flow = await this.evalIf(st, inner);
        status = this.status;
        break;
      case "while": {
        const c = { ...inner, cond: inner.cond + 1 };
        await this.evalList(st.cond, c);
        if (this.status !== false) await this.evalList(st.body, c);
        status = undefined;
        break;
      }
      case "for":
        flow = await this.evalFor(st, inner);
        status = this.status;
        break;
      case "switch":
        flow = await this.evalSwitch(st, inner);
        status = this.status;
        break;
      case "function": {
        const name = literalWord(st.args[0]);
        if (name && !ec.dryReason) this.functions.set(name, { stmt: st, file: ec.file.file });
        status = true;
        break;
      }
    }
    if (st.negate) status = status === undefined ? undefined : !status;
    this.status = status;
    // A STOP in a conditional context only makes the rest of the file conditional.
    if (flow === STOP && inner.cond > 0) {
      ec.file.maybeReturned = true;
      return undefined;
    }
    return flow;
  }

  async evalIf(st: Extract<Stmt, { type: "if" }>, ec: EvalCtx): Promise<Flow> {
    let cur = ec;
    for (const clause of st.clauses) {
      this.status = true;
      const f = await this.evalList(clause.cond, cur);
      if (f === STOP) return STOP;
      const c = this.status as Tri;
      if (c === false) continue;
      const body = c === true ? cur : { ...cur, cond: cur.cond + 1 };
      const flow = await this.evalList(clause.body, body);
      if (c === true) return flow;
      if (flow === STOP) ec.file.maybeReturned = true;
      cur = { ...cur, cond: cur.cond + 1 };
    }
    if (st.elseBody) return this.evalList(st.elseBody, cur);
    this.status = true;
    return undefined;
  }

  async evalFor(st: Extract<Stmt, { type: "for" }>, ec: EvalCtx): Promise<Flow> {
    const name = literalWord(st.variable);
    const items: Elem[] = [];
    let known = true;
    for (const w of st.items) {
      const ex = await this.expandWord(w, ec);
      if (ex === null) known = false;
      else items.push(...ex);
    }
    const local = new Map<string, FishVar>();
    const inner: EvalCtx = { ...ec, locals: [...ec.locals, local] };
    if (!known || items.length > MAX_LOOP_ITEMS) {
      if (name) local.set(name, { elems: [{ v: null }], exported: false, pathvar: false });
      await this.evalList(st.body, { ...inner, cond: inner.cond + 1 });
      return undefined;
    }
    for (const it of items) {
      if (name) local.set(name, { elems: [it], exported: false, pathvar: false });
      const f = await this.evalList(st.body, inner);
      if (f === STOP) return STOP;
    }
    return undefined;
  }

  async evalSwitch(st: Extract<Stmt, { type: "switch" }>, ec: EvalCtx): Promise<Flow> {
    const subj = st.subject ? await this.expandWord(st.subject, ec) : [];
    const value = subj && subj.length === 1 && subj[0]!.v !== null ? subj[0]!.v : undefined;
    let cur = ec;
    for (const c of st.cases) {
      let matched: Tri = false;
      for (const p of c.patterns) {
        const pat = patternOf(p);
        if (pat === undefined || value === undefined) matched = undefined;
        else if (globMatch(pat, value)) matched = true;
        if (matched === true) break;
      }
      if (matched === false) continue;
      if (matched === true) return this.evalList(c.body, cur);
      const f = await this.evalList(c.body, { ...cur, cond: cur.cond + 1 });
      if (f === STOP) ec.file.maybeReturned = true;
      cur = { ...cur, cond: cur.cond + 1 };
    }
    return undefined;
  }

  /** Runs one simple command; returns control flow and the exit status (undefined when unknown). */
  async evalCommand(words: Word[], line: number, ec: EvalCtx, piped: boolean): Promise<[Flow, Tri]> {
    const cmd = literalWord(words[0]);
    let args = words.slice(1);
    if (cmd === undefined) return [undefined, undefined];
    if (
      (cmd === "builtin" || cmd === "command") &&
      args.length > 0 &&
      !literalWord(args[0])?.startsWith("-")
    ) {
      return this.evalCommand(args, line, ec, piped);
    }
    switch (cmd) {
      case "set":
        return [undefined, await this.evalSet(args, line, ec)];
      case "status":
        return [undefined, this.evalStatus(args)];
      case "true":
        return [undefined, true];
      case "false":
        return [undefined, false];
      case "test":
      case "[":
        if (cmd === "[") args = args.slice(0, -1);
        return [undefined, await this.evalTest(args, ec)];
      case "source":
      case ".":
        return [undefined, await this.evalSource(args, line, ec, piped)];
      case "fish_add_path":
        return [undefined, await this.evalFishAddPath(args, line, ec)];
      case "export":
      case "setenv":
        return [undefined, await this.evalExport(cmd, args, line, ec)];
      case "read":
        return [undefined, await this.evalRead(args, line, ec)];
      case "return":
      case "exit":
        return [STOP, undefined];
      case "contains":
        return [undefined, await this.evalContains(args, ec)];
      case "eval":
        this.opaque.push({ location: { file: ec.file.file, line }, what: "eval" });
        return [undefined, undefined];
      default: {
        const fn = this.functions.get(cmd) ?? (await this.autoload(cmd));
        if (fn) return [undefined, await this.callFunction(fn, args, line, ec)];
        return [undefined, undefined];
      }
    }
  }

  evalStatus(args: Word[]): Tri {
    const a = literalWord(args[0]);
    switch (a) {
      case "is-login":
      case "--is-login":
      case "-l":
        return this.req.mode.login;
      case "is-interactive":
      case "--is-interactive":
      case "-i":
        return this.req.mode.interactive;
      case "is-command-substitution":
      case "--is-command-substitution":
      case "is-block":
      case "--is-block":
      case "is-breakpoint":
        return false;
      default:
        return undefined;
    }
  }

  async evalTest(args: Word[], ec: EvalCtx): Promise<Tri> {
    const vals: string[] = [];
    for (const w of args) {
      const ex = await this.expandWord(w, ec);
      if (ex === null || ex.some((e) => e.v === null)) return undefined;
      vals.push(...ex.map((e) => e.v as string));
    }
    if (vals.length === 2) {
      const [op, p] = vals as [string, string];
      if (op === "-n") return p !== "";
      if (op === "-z") return p === "";
      if (["-e", "-f", "-d", "-r", "-s"].includes(op)) {
        if (!p.startsWith("/")) return undefined;
        try {
          const st = await this.statCached(p);
          if (op === "-f") return st.isFile();
          if (op === "-d") return st.isDirectory();
          if (op === "-s") return st.size > 0;
          if (op === "-r") return await this.ctx.fs.isReadable(p);
          return true;
        } catch (err) {
          return (err as { code?: string }).code === "ENOENT" ? false : undefined;
        }
      }
    }
    if (vals.length === 3) {
      const [x, op, y] = vals as [string, string, string];
      if (op === "=") return x === y;
      if (op === "!=") return x !== y;
    }
    return undefined;
  }

  /** `contains [-i] [--] KEY [VALUE…]` over known values (the `contains -- $dir $PATH; or set …` idiom). */
  async evalContains(args: Word[], ec: EvalCtx): Promise<Tri> {
    const vals: string[] = [];
    let options = true;
    for (const w of args) {
      const lit = literalWord(w);
      if (options && (lit === "-i" || lit === "--index")) continue;
      if (options && lit === "--") {
        options = false;
        continue;
      }
      options = false;
      const ex = await this.expandWord(w, ec);
      if (ex === null || ex.some((e) => e.v === null)) return undefined;
      vals.push(...ex.map((e) => e.v as string));
    }
    if (vals.length === 0) return undefined;
    return vals.slice(1).includes(vals[0]!);
  }

  private async autoload(name: string): Promise<{ stmt: FunctionStmt; file: string } | undefined> {
    if (this.autoloadTried.has(name) || !/^[A-Za-z0-9_.-]+$/.test(name)) return undefined;
    this.autoloadTried.add(name);
    const dirs = [this.dirs.configDir && `${this.dirs.configDir}/functions`, `${FISH_SYSCONF_DIR}/functions`];
    for (const d of dirs) {
      if (!d) continue;
      const file = `${d}/${name}.fish`;
      const p = await this.parseFile(file);
      if (!p) continue;
      if (p.errors.length > 0) return undefined;
      for (const st of p.body) {
        if (st.type === "function" && literalWord(st.args[0])) {
          this.functions.set(literalWord(st.args[0])!, { stmt: st, file });
        }
      }
      return this.functions.get(name);
    }
    return undefined;
  }

  async callFunction(
    fn: { stmt: FunctionStmt; file: string },
    args: Word[],
    line: number,
    ec: EvalCtx,
  ): Promise<Tri> {
    if (ec.callDepth >= MAX_CALL_DEPTH) {
      this.issues.push({
        subject: `${ec.file.file}:${line}`,
        code: "CYCLE",
        detail: "function calls nest too deep (recursion?); not followed",
      });
      return undefined;
    }
    const argv: Elem[] = [];
    let known = true;
    for (const w of args) {
      const ex = await this.expandWord(w, ec);
      if (ex === null) known = false;
      else argv.push(...ex);
    }
    const inner: EvalCtx = {
      file: { file: fn.file, maybeReturned: false },
      cond: ec.cond + (ec.file.maybeReturned ? 1 : 0),
      locals: [new Map([["argv", { elems: known ? argv : [{ v: null }], exported: false, pathvar: false }]])],
      argv: known ? argv : null,
      callDepth: ec.callDepth + 1,
    };
    if (ec.dryReason) inner.dryReason = ec.dryReason;
    await this.evalList(fn.stmt.body, inner);
    return undefined;
  }

  async evalSource(args: Word[], line: number, ec: EvalCtx, piped: boolean): Promise<Tri> {
    const here: FileLocation = { file: ec.file.file, line };
    if (args.length === 0 || piped) {
      this.opaque.push({ location: here, what: "source of standard input" });
      return undefined;
    }
    const ex = await this.expandWord(args[0]!, ec);
    if (ex === null || ex.length !== 1 || ex[0]!.v === null) {
      this.opaque.push({ location: here, what: "source of a computed path" });
      return undefined;
    }
    let file = ex[0]!.v;
    if (file === "-") {
      this.opaque.push({ location: here, what: "source of standard input" });
      return undefined;
    }
    if (!file.startsWith("/")) {
      // Relative to the working directory, which is unknown statically; HOME is the usual one.
      const home = this.lookup("HOME", ec)?.elems[0]?.v;
      if (!home) {
        this.opaque.push({ location: here, what: "source of a relative path" });
        return undefined;
      }
      file = path.posix.join(home, file);
    }
    const ok = await this.sourceFile(file, { outer: ec, line });
    if (!ok && !this.sourceStack.includes(file) && (await this.parseFile(file)) === null) {
      this.issues.push({
        subject: `${ec.file.file}:${line}`,
        code: "ENOENT",
        detail: "sourced file not found",
      });
      return false;
    }
    return ok ? true : undefined;
  }

  // ---- set and friends ---------------------------------------------------------------------------

  async evalSet(args: Word[], line: number, ec: EvalCtx): Promise<Tri> {
    const flags = new Set<string>();
    const flagWords: string[] = [];
    let i = 0;
    const LONG: Record<string, string> = {
      "--global": "g",
      "--universal": "U",
      "--local": "l",
      "--function": "f",
      "--export": "x",
      "--unexport": "u",
      "--append": "a",
      "--prepend": "p",
      "--erase": "e",
      "--query": "q",
      "--names": "n",
      "--show": "S",
      "--long": "L",
      "--help": "h",
      "--path": "P",
      "--unpath": "N",
    };
    for (; i < args.length; i++) {
      const w = literalWord(args[i]);
      if (w === undefined) break;
      if (w === "--") {
        i++;
        break;
      }
      if (w.startsWith("--")) {
        const f = LONG[w];
        if (!f) break;
        flags.add(f);
        flagWords.push(w);
      } else if (/^-[a-zA-Z]+$/.test(w)) {
        for (const c of w.slice(1)) flags.add(c);
        flagWords.push(w);
      } else break;
    }
    const nameWord = args[i];
    const valueWords = args.slice(i + 1);
    if (flags.has("h") || flags.has("n") || flags.has("S") || flags.has("L")) return true;
    if (!nameWord) return true; // `set` alone lists variables
    const nameEx = await this.expandWord(nameWord, ec);
    const names = (nameEx ?? []).map((e) => e.v);
    const via = ["set", ...flagWords].join(" ");
    if (flags.has("q")) {
      let all: Tri = true;
      for (const n of names) {
        if (n === null) return undefined;
        const v = this.lookup(n.replace(/\[.*$/, ""), ec);
        if (!v) all = all === true ? undefined : all; // may be set by fish itself
      }
      return all;
    }
    const scope: "l" | "g" | "U" | undefined = flags.has("U")
      ? "U"
      : flags.has("g")
        ? "g"
        : flags.has("l") || flags.has("f")
          ? "l"
          : undefined;
    if (flags.has("e")) {
      for (const n0 of names) {
        if (n0 === null) continue;
        const n = n0.replace(/\[.*$/, "");
        const indexed = n !== n0;
        const target = this.target(n, scope, ec);
        const v = target?.get(n);
        const exported = v?.exported ?? flags.has("x");
        if (indexed) {
          this.assignNull(n, target, v, { via, line, exported, expression: n0 }, ec);
          continue;
        }
        this.record(
          {
            key: n,
            value: null,
            expression: "",
            via,
            exported,
            unset: true,
            line,
            scope: scopeName(target, this),
          },
          ec,
          undefined,
        );
        if (!ec.dryReason && target) {
          target.delete(n);
          if (n === "fish_user_paths") this.reconstructPath(ec, line);
        }
      }
      return true;
    }
    const n0 = names[0];
    if (n0 === null || n0 === undefined || names.length !== 1) {
      if (!nameEx)
        this.opaque.push({ location: { file: ec.file.file, line }, what: "set of a computed name" });
      return undefined;
    }
    const name = n0.replace(/\[.*$/, "");
    if (!/^[A-Za-z0-9_]+$/.test(name)) return false;
    const targetScope =
      this.target(name, scope, ec) ?? (ec.locals.length > 1 && ec.argv ? ec.locals[0]! : this.globals);
    const existing = targetScope.get(name);
    const exported = flags.has("x") ? true : flags.has("u") ? false : (existing?.exported ?? false);
    const pathvar = flags.has("P")
      ? true
      : flags.has("N")
        ? false
        : (existing?.pathvar ?? name.endsWith("PATH"));
    const expression = valueWords.map((w) => w.raw).join(" ");
    if (name !== n0) {
      // Index assignment (`set PATH[1] x`): statically approximate as computed.
      this.assignNull(
        name,
        targetScope,
        existing,
        { via, line, exported, expression: `${n0} ${expression}` },
        ec,
      );
      return true;
    }
    const newElems: Elem[] = [];
    for (const w of valueWords) {
      const ex = await this.expandWord(w, ec);
      if (ex === null) newElems.push({ v: null, loc: { file: ec.file.file, line } });
      else newElems.push(...ex);
    }
    let elems = newElems;
    if (flags.has("a") || flags.has("p")) {
      const cur = existing ?? this.lookup(name, ec);
      const base = cur ? cur.elems : [];
      elems = flags.has("a") ? [...base, ...newElems] : [...newElems, ...base];
    }
    const v: FishVar = { elems, exported, pathvar };
    const a = this.record(
      {
        key: name,
        value: FishSim.joined(v),
        expression,
        via,
        exported,
        line,
        scope: scopeName(targetScope, this),
      },
      ec,
      v,
    );
    v.assignment = a;
    if (!ec.dryReason) {
      targetScope.set(name, v);
      if (name === "fish_user_paths") this.reconstructPath(ec, line);
    }
    return true;
  }

  private assignNull(
    name: string,
    target: Map<string, FishVar> | undefined,
    existing: FishVar | undefined,
    o: { via: string; line: number; exported: boolean; expression: string },
    ec: EvalCtx,
  ): void {
    const v: FishVar = {
      elems: [{ v: null, loc: { file: ec.file.file, line: o.line } }],
      exported: o.exported,
      pathvar: existing?.pathvar ?? name.endsWith("PATH"),
    };
    const a = this.record(
      { key: name, value: null, expression: o.expression, via: o.via, exported: o.exported, line: o.line },
      ec,
      v,
    );
    v.assignment = a;
    if (!ec.dryReason && target) target.set(name, v);
  }

  /** The scope `set` writes to: explicit, else the innermost one holding the name. */
  private target(
    name: string,
    scope: "l" | "g" | "U" | undefined,
    ec: EvalCtx,
  ): Map<string, FishVar> | undefined {
    if (scope === "U") return this.universals;
    if (scope === "g") return this.globals;
    if (scope === "l") return ec.locals[ec.locals.length - 1] ?? this.globals;
    for (let i = ec.locals.length - 1; i >= 0; i--) if (ec.locals[i]!.has(name)) return ec.locals[i];
    if (this.globals.has(name)) return this.globals;
    if (this.universals.has(name)) return this.universals;
    return undefined;
  }

  /** `fish_add_path`: by default prepends existing directories to a universal fish_user_paths. */
  async evalFishAddPath(args: Word[], line: number, ec: EvalCtx): Promise<Tri> {
    const flags = new Set<string>();
    const dirs: Elem[] = [];
    let known = true;
    let noMoreFlags = false;
    const LONG: Record<string, string> = {
      "--global": "g",
      "--universal": "U",
      "--path": "P",
      "--prepend": "p",
      "--append": "a",
      "--move": "m",
      "--verbose": "v",
      "--dry-run": "n",
      "--help": "h",
    };
    for (const w of args) {
      const lit = literalWord(w);
      if (!noMoreFlags && lit !== undefined && lit.startsWith("-")) {
        if (lit === "--") noMoreFlags = true;
        else if (LONG[lit]) flags.add(LONG[lit]!);
        else for (const c of lit.slice(1)) flags.add(c);
        continue;
      }
      const ex = await this.expandWord(w, ec);
      if (ex === null || ex.some((e) => e.v === null)) known = false;
      else
        dirs.push(
          ...ex.map((e) => ({ v: path.posix.normalize(e.v as string), loc: { file: ec.file.file, line } })),
        );
    }
    if (flags.has("h") || flags.has("n")) return true;
    const varName = flags.has("P") ? "PATH" : "fish_user_paths";
    const scope: "g" | "U" = flags.has("P") || flags.has("g") ? "g" : flags.has("U") ? "U" : "U";
    const existingVar =
      varName === "PATH"
        ? this.globals.get("PATH")
        : flags.has("g") || flags.has("U")
          ? (scope === "g" ? this.globals : this.universals).get(varName)
          : this.lookup(varName, ec);
    const targetMap =
      varName === "PATH"
        ? this.globals
        : flags.has("g")
          ? this.globals
          : flags.has("U") || !existingVar
            ? this.universals
            : (this.target(varName, undefined, ec) ?? this.universals);
    const cur = existingVar?.elems ?? [];
    const newPaths: Elem[] = [];
    const moveIdx: number[] = [];
    for (const d of dirs) {
      const p = d.v as string;
      if (!p.startsWith("/")) {
        known = false;
        continue;
      }
      let isDir = false;
      try {
        isDir = (await this.statCached(p)).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) continue; // fish_add_path ignores directories that do not exist
      const idx = cur.findIndex((e) => e.v === p);
      if (idx >= 0) {
        if (flags.has("m") && !newPaths.some((e) => e.v === p)) {
          moveIdx.push(idx);
          newPaths.push(d);
        }
      } else if (!newPaths.some((e) => e.v === p)) newPaths.push(d);
    }
    const via = `fish_add_path${[...flags].length ? ` -${[...flags].join("")}` : ""}`;
    const expression = args.map((w) => w.raw).join(" ");
    if (!known) {
      this.opaque.push({
        location: { file: ec.file.file, line },
        what: "fish_add_path with a computed path",
      });
    }
    if (newPaths.length === 0 && moveIdx.length === 0) return false;
    const kept = cur.filter((_, i) => !moveIdx.includes(i));
    const elems = flags.has("a") ? [...kept, ...newPaths] : [...newPaths, ...kept];
    const exported = varName === "PATH" ? true : (existingVar?.exported ?? false);
    // `set $scope $var $newvar` in fish_add_path keeps fish_user_paths a plain (space-joined) list.
    const v: FishVar = {
      elems,
      exported,
      pathvar: varName === "PATH" ? true : (existingVar?.pathvar ?? false),
    };
    const a = this.record(
      {
        key: varName,
        value: FishSim.joined(v),
        expression,
        via,
        exported,
        line,
        scope: targetMap === this.universals ? "universal" : "global",
      },
      ec,
      v,
    );
    v.assignment = a;
    if (!ec.dryReason) {
      targetMap.set(varName, v);
      if (varName === "fish_user_paths") this.reconstructPath(ec, line);
    }
    return true;
  }

  /** fish's `export NAME=VALUE` and `setenv NAME VALUE` compatibility functions: `set -gx`. */
  async evalExport(cmd: string, args: Word[], line: number, ec: EvalCtx): Promise<Tri> {
    if (cmd === "setenv") {
      if (args.length === 0) return true;
      return this.evalSet([synthetic("-gx", line), ...args], line, ec);
    }
    for (const w of args) {
      const lit0 = w.parts[0];
      if (lit0?.t !== "lit") continue;
      const eq = lit0.s.indexOf("=");
      if (eq < 0) {
        // `export NAME`: export the current value.
        const name = lit0.s;
        const cur = this.lookup(name, ec);
        const v: FishVar = {
          elems: cur ? cur.elems : [],
          exported: true,
          pathvar: cur?.pathvar ?? name.endsWith("PATH"),
        };
        const a = this.record(
          {
            key: name,
            value: FishSim.joined(v),
            expression: name,
            via: "export",
            exported: true,
            line,
            scope: "global",
          },
          ec,
          v,
        );
        v.assignment = a;
        if (!ec.dryReason) this.globals.set(name, v);
        continue;
      }
      const name = lit0.s.slice(0, eq);
      const rest: WordPart[] = [{ ...lit0, s: lit0.s.slice(eq + 1) }, ...w.parts.slice(1)];
      const valueWord: Word = { parts: rest, raw: w.raw.slice(w.raw.indexOf("=") + 1), line };
      const ex = await this.expandWord(valueWord, ec);
      const joinedRaw = ex === null || ex.some((e) => e.v === null) ? null : ex.map((e) => e.v).join(" ");
      // fish's `export` splits PATH-like values on ':' (`set -gx NAME (string split : VALUE)`).
      const pathvar = name.endsWith("PATH");
      const elems: Elem[] =
        joinedRaw === null
          ? [{ v: null, loc: { file: ec.file.file, line } }]
          : (pathvar ? joinedRaw.split(":") : [joinedRaw]).map((v) => ({
              v,
              loc: { file: ec.file.file, line },
            }));
      const v: FishVar = { elems, exported: true, pathvar };
      const a = this.record(
        {
          key: name,
          value: FishSim.joined(v),
          expression: valueWord.raw,
          via: "export",
          exported: true,
          line,
          scope: "global",
        },
        ec,
        v,
      );
      v.assignment = a;
      if (!ec.dryReason) {
        this.globals.set(name, v);
        if (name === "fish_user_paths") this.reconstructPath(ec, line);
      }
    }
    return true;
  }

  /** `read -gx NAME`: sets variables from input, so the value is computed. */
  async evalRead(args: Word[], line: number, ec: EvalCtx): Promise<Tri> {
    const lits = args.map((w) => literalWord(w));
    const opts = lits.filter((l) => l?.startsWith("-")).join("");
    const names = lits.filter((l): l is string => !!l && !l.startsWith("-") && /^[A-Za-z0-9_]+$/.test(l));
    const exported = /x|--export/.test(opts);
    const scope = /U|--universal/.test(opts) ? "U" : /g|--global/.test(opts) ? "g" : undefined;
    for (const name of names) {
      const target = this.target(name, scope, ec) ?? this.globals;
      this.assignNull(name, target, target.get(name), { via: "read", line, exported, expression: "" }, ec);
    }
    return undefined;
  }

  // ---- expansion ---------------------------------------------------------------------------------

  /**
   * The output of the few command substitutions whose result is a fact about the actor rather than the
   * run (`id -u`, as Debian's vendor snippet tests it): nothing is executed.
   */
  private knownOutput(text: string): string | undefined {
    if (
      this.facts.uid !== undefined &&
      /^\s*(?:command\s+)?(?:\/usr\/bin\/|\/bin\/)?id\s+-u\s*$/.test(text)
    ) {
      return String(this.facts.uid);
    }
    return undefined;
  }

  /** Expands a word to its list of elements; null when the number of elements is unknown. */
  async expandWord(w: Word, ec: EvalCtx): Promise<Elem[] | null> {
    const loc: FileLocation = { file: ec.file.file, line: w.line };
    // A word that is exactly `$VAR` keeps each element's origin (PATH segments survive `set PATH x $PATH`).
    if (w.parts.length === 1 && w.parts[0]!.t === "var" && !w.parts[0]!.quoted && !w.parts[0]!.index) {
      const p = w.parts[0]!;
      if (p.deref) return null;
      const v = this.lookup(p.name, ec);
      return v ? v.elems.map((e) => ({ ...e })) : [];
    }
    const strs = this.expandParts(w.parts, ec);
    if (strs === null) return null;
    return strs.map((s) => ({ v: s, loc }));
  }

  /** Cartesian expansion of parts; each result is a string or null (computed element). */
  private expandParts(parts: WordPart[], ec: EvalCtx): Array<string | null> | null {
    let acc: Array<string | null> = [""];
    for (const p of parts) {
      let opts: Array<string | null>;
      switch (p.t) {
        case "lit":
          opts = [p.s];
          break;
        case "home": {
          if (p.user) return [null];
          const h = this.lookup("HOME", ec)?.elems[0]?.v;
          opts = [h ?? null];
          break;
        }
        case "glob":
          return null;
        case "cmdsub": {
          const known = this.knownOutput(p.text);
          if (known !== undefined) opts = [known];
          else if (p.quoted) opts = [null];
          else return null;
          break;
        }
        case "var": {
          if (p.deref) return null;
          const v = this.lookup(p.name, ec);
          let elems = v ? v.elems.map((e) => e.v) : [];
          if (p.index !== undefined) {
            const idx = /^\s*(-?\d+)\s*$/.exec(p.index);
            if (!idx) return p.quoted ? [null] : null;
            const n = Number(idx[1]);
            const k = n < 0 ? elems.length + n : n - 1;
            elems = k >= 0 && k < elems.length ? [elems[k]!] : [];
          }
          if (p.quoted) {
            opts = [elems.some((e) => e === null) ? null : elems.join(v?.pathvar ? ":" : " ")];
          } else {
            opts = elems;
          }
          break;
        }
        case "brace": {
          opts = [];
          for (const alt of p.alts) {
            const ex = this.expandParts(alt, ec);
            if (ex === null) return null;
            opts.push(...ex);
          }
          break;
        }
      }
      const next: Array<string | null> = [];
      for (const a of acc) for (const o of opts) next.push(a === null || o === null ? null : a + o);
      if (next.length > MAX_EXPANSION) return null;
      acc = next;
    }
    return acc;
  }
}

function synthetic(text: string, line: number): Word {
  return { parts: [{ t: "lit", s: text, quoted: false }], raw: text, line };
}

function scopeName(target: Map<string, FishVar> | undefined, sim: FishSim): FishAssignment["scope"] {
  if (target === sim.universals) return "universal";
  if (target === sim.globals || target === undefined) return "global";
  return "local";
}

function segmentsOf(v: FishVar): PathSegment[] {
  return v.elems.map((e) => {
    const seg: PathSegment = { segment: e.v === null ? "" : displayRawBytes(e.v).text };
    if (e.loc) seg.location = e.loc;
    return seg;
  });
}

/** A `case` pattern: fish treats `*` and `?` as wildcards there even when quoted. Undefined when computed. */
function patternOf(w: Word): Array<string | { glob: string }> | undefined {
  const out: Array<string | { glob: string }> = [];
  for (const p of w.parts) {
    if (p.t === "lit")
      for (const piece of p.s.split(/([*?]+)/)) out.push(/^[*?]+$/.test(piece) ? { glob: piece } : piece);
    else if (p.t === "glob") out.push({ glob: p.s });
    else return undefined;
  }
  return out;
}

function globMatch(pat: Array<string | { glob: string }>, s: string): boolean {
  let re = "^";
  for (const p of pat) {
    if (typeof p === "string") re += p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else re += p.glob.replace(/\*+/g, ".*").replace(/\?/g, ".");
  }
  return new RegExp(`${re}$`, "s").test(s);
}

/** Facts about the actor that fish startup files commonly test. */
export interface FishFacts {
  /** The real uid of the fish process (`id -u`). */
  uid?: number;
}

/** Simulates fish's startup for `req` and returns every assignment with file:line. Never throws. */
export function analyzeFishStartup(req: ShellAnalysisRequest, ctx: ResolverContext): Promise<FishAnalysis> {
  return analyzeFish(req, ctx, {});
}

/** {@link analyzeFishStartup} with facts about the actor (the resolver knows its uid). Never throws. */
export async function analyzeFish(
  req: ShellAnalysisRequest,
  ctx: ResolverContext,
  facts: FishFacts,
): Promise<FishAnalysis> {
  const dirs = fishDirs(req.env);
  const sim = new FishSim(req, ctx, dirs, facts);
  try {
    if (!req.env.get("HOME") && !req.env.get("XDG_CONFIG_HOME")) {
      sim.issues.push({
        subject: "fish startup",
        code: "UNAVAILABLE",
        detail: "HOME is not set: the user's fish files cannot be located",
      });
    }
    await sim.run();
  } catch (err) {
    sim.issues.push({
      subject: "fish startup",
      code: "EIO",
      detail: `analysis stopped early: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
    });
  }
  for (const a of sim.assignments) {
    if (a.value !== null) a.value = displayRawBytes(a.value).text;
  }
  const final = new Map<string, FishAssignment>();
  const visible = new Map<string, FishVar>(sim.universals);
  for (const [k, v] of sim.globals) visible.set(k, v);
  for (const [k, v] of visible) {
    if (v.exported && v.assignment && !v.assignment.unset) final.set(k, { ...v.assignment, exported: true });
  }
  const result: FishAnalysis = {
    shell: "fish",
    mode: req.mode,
    files: sim.files,
    assignments: sim.assignments.filter((a) => a.skipped === undefined),
    skippedAssignments: sim.assignments.filter((a) => a.skipped !== undefined),
    final,
    issues: sim.issues,
    shadowedFiles: sim.shadowedFiles,
    confDirs: dirs.confDirs,
  };
  if (sim.opaque.length > 0) result.opaque = sim.opaque;
  return result;
}
