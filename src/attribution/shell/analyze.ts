/**
 * Static analysis of POSIX-family startup files (bash, zsh, dash/sh, busybox ash) with tree-sitter-bash.
 *
 * The analyser *simulates* the shell's startup without running anything: it follows the startup plan
 * ({@link startupPlan}) and, file by file, the statements in execution order, keeping a variable table
 * seeded with the shell's starting environment. It records every assignment to a variable (with file:line,
 * the evaluated value or null when it is computed at run time, whether it is exported and whether it may
 * not have run). It never executes the files: command substitutions, `eval`, arithmetic and unknown dynamic
 * variables give `value: null`.
 *
 * Decisions (documented in docs/resolvers/bash.md):
 * - `if`/`case`/`&&`/`||`/`while` bodies are conditional unless the test is decidable statically: `-r`/`-f`/
 *   `-e`/`-d`/`-s`/`-x` of a path (checked on the HostFs), `-n`/`-z`/`=`/`!=` of known values.
 * - A `for` loop over a fully evaluated word list (`/etc/profile.d/*.sh`, globbed on the HostFs, sorted)
 *   runs its body once per item, unconditionally; over an unknown list, once, conditionally.
 * - A function body runs where the function is called (conditional if the call is); never-called
 *   functions set nothing.
 * - Subshells (`( … )`, pipeline members) cannot change the shell's environment and are skipped.
 * - Unset variables expand to "" (as in the shell); variables the shell computes itself (`UID`, `PWD`,
 *   `HOSTNAME`, …) are unknown (null).
 * - Relative `.` paths are resolved against HOME (a login shell's usual working directory); names without
 *   a slash are searched in PATH first, then HOME.
 */
import type { Stats } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { Language, type Node, Parser, type Tree } from "web-tree-sitter";
import type { CollectionIssue, FileLocation, PathSegment } from "../../model/index.js";
import { issueFromError, TooLargeError } from "../../snapshot/host-fs.js";
import type { ResolverContext } from "../resolver.js";
import { splitStatements } from "./chunks.js";
import { analyzeFishStartup } from "./fish/analyze.js";
import { type PlanStep, startupPlan } from "./startup.js";
import type { ShellAnalysis, ShellAnalysisRequest, ShellAssignment, ShellId, ShellMode } from "./types.js";

const require = createRequire(import.meta.url);
let parserPromise: Promise<Parser> | undefined;

/** The shared tree-sitter-bash parser (initialised once per process). */
export function bashParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const lang = await Language.load(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
    const p = new Parser();
    p.setLanguage(lang);
    return p;
  })();
  return parserPromise;
}

/** Keys whose values are colon-separated lists: each segment gets its own file:line. */
export function isPathLike(key: string): boolean {
  return (
    /PATH$/.test(key) ||
    key === "XDG_DATA_DIRS" ||
    key === "XDG_CONFIG_DIRS" ||
    key === "PERL5LIB" ||
    key === "FPATH" ||
    key === "CLASSPATH"
  );
}

/** Variables a shell sets itself at run time: their values are unknown to static analysis. */
const DYNAMIC = new Set([
  "UID",
  "EUID",
  "PPID",
  "PWD",
  "OLDPWD",
  "HOSTNAME",
  "HOSTTYPE",
  "OSTYPE",
  "MACHTYPE",
  "RANDOM",
  "SRANDOM",
  "SECONDS",
  "LINENO",
  "BASHPID",
  "BASH_SOURCE",
  "BASH_VERSINFO",
  "GROUPS",
  "EPOCHSECONDS",
  "EPOCHREALTIME",
  "COLUMNS",
  "LINES",
  "HOST",
  "USERNAME",
  "CPUTYPE",
  "VENDOR",
  "SHLVL",
  "_",
]);

/** zsh arrays tied to colon-separated scalars. */
const ZSH_TIED: Record<string, string> = {
  path: "PATH",
  manpath: "MANPATH",
  cdpath: "CDPATH",
  fpath: "FPATH",
};

/** Node types that are whole statements (executed when found inside an ERROR node). */
const STATEMENTS = new Set([
  "variable_assignment",
  "variable_assignments",
  "declaration_command",
  "unset_command",
  "command",
  "redirected_statement",
  "compound_statement",
  "list",
  "if_statement",
  "case_statement",
  "for_statement",
  "while_statement",
  "function_definition",
]);

const MAX_SOURCE_DEPTH = 32;

/**
 * Parsed trees by file content, shared by every analysis in the process (a scan analyses the same files
 * for many actors; parsing dominates the cost). Bounded; evicted trees are freed.
 */
const TREE_CACHE_FILES = 256;
const treeCache = new Map<string, Tree>();
/** How many running simulations walk each tree. */
const treesInUse = new Map<Tree, number>();

/** Frees every cached parse tree (benches measure cold analyses with it). */
export function clearParseCache(): void {
  for (const t of treeCache.values()) if (!treesInUse.has(t)) t.delete();
  treeCache.clear();
}
const MAX_STEPS = 200_000;
const MAX_LOOP_ITEMS = 1000;
const MAX_PARSE_ISSUES_PER_FILE = 5;

interface Var {
  value: string | null;
  exported: boolean;
  segments?: PathSegment[];
  /** Assignments since the last unset: a later `export K` exports them. */
  pending: ShellAssignment[];
}

interface Frame {
  /** A `return`/`exit` may have run earlier in this file or function: what follows is conditional. */
  tainted: boolean;
  isFunction: boolean;
}

interface Ctx {
  file: string;
  cond: boolean;
  frame: Frame;
  /** Inside `eval 'literal'` / `emulate sh -c 'literal'`: every location is the command's. */
  fixed?: FileLocation;
}

type Flow = "normal" | "return" | "exit";

/** A place that may set variables the analyser cannot see (`eval`, sourcing a computed path). */
export interface OpaqueSite {
  location: FileLocation;
  what: "eval" | "source-computed" | "export-computed";
}

class Simulation {
  readonly vars = new Map<string, Var>();
  readonly locals: Array<Map<string, Var>> = [];
  readonly functions = new Map<string, { body: Node; file: string }>();
  readonly assignments: ShellAssignment[] = [];
  readonly files: string[] = [];
  readonly issues: CollectionIssue[] = [];
  readonly opaque: OpaqueSite[] = [];
  private readonly trees: Tree[] = [];
  private readonly stats = new Map<string, Promise<Stats | null>>();
  private readonly parsed = new Map<string, Tree | null>();
  /** PARSE issues reported per file (at most MAX_PARSE_ISSUES_PER_FILE). */
  private readonly parseIssues = new Map<string, number>();
  private readonly sourceStack: string[] = [];
  private readonly callStack: string[] = [];
  private allexport = false;
  private steps = 0;
  private budgetReported = false;
  stopped = false;

  constructor(
    readonly shell: ShellId,
    readonly mode: ShellMode,
    readonly ctx: ResolverContext,
    readonly parser: Parser,
    env: ReadonlyMap<string, string>,
    readonly uid?: number,
  ) {
    for (const [k, v] of env) {
      const seg = isPathLike(k) ? v.split(":").map((s) => ({ segment: s })) : undefined;
      this.vars.set(k, { value: v, exported: true, pending: [], ...(seg ? { segments: seg } : {}) });
    }
    // Shell variables the startup files commonly test (`[ -n "$BASH_VERSION" ]`, `[ "${PS1-}" ]`).
    const shellVar = (k: string, v: string | null) => {
      if (!this.vars.has(k)) this.vars.set(k, { value: v, exported: false, pending: [] });
    };
    if (shell === "bash") {
      shellVar("BASH", mode.invokedAsSh ? "/bin/sh" : "/bin/bash");
      shellVar("BASH_VERSION", null);
    }
    if (shell === "zsh") {
      shellVar("ZSH_VERSION", null);
      shellVar("ZSH_NAME", "zsh");
    }
    if (mode.interactive) shellVar("PS1", shell === "bash" ? "\\s-\\v\\$ " : "$ ");
  }

  dispose(): void {
    // Trees evicted from the cache while in use are freed by their last user.
    for (const t of this.trees) {
      const n = (treesInUse.get(t) ?? 1) - 1;
      if (n > 0) treesInUse.set(t, n);
      else {
        treesInUse.delete(t);
        if (![...treeCache.values()].includes(t)) t.delete();
      }
    }
  }

  // ---------------------------------------------------------------- variables

  private lookup(name: string): Var | undefined {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const v = this.locals[i]!.get(name);
      if (v) return v;
    }
    return this.vars.get(name);
  }

  /** The value of `$name`: "" when unset, null when unknown. */
  valueOf(name: string): string | null {
    const v = this.lookup(name);
    if (v) return v.value;
    if (DYNAMIC.has(name)) return null;
    return "";
  }

  private isSet(name: string): boolean | undefined {
    const v = this.lookup(name);
    if (v) return true;
    return DYNAMIC.has(name) ? undefined : false;
  }

  private assign(
    name: string,
    value: string | null,
    node: Node,
    ctx: Ctx,
    opts: { via: string; export?: boolean; local?: boolean; expression?: string; append?: boolean },
  ): void {
    let table = this.vars;
    if (opts.local && this.locals.length > 0) table = this.locals[this.locals.length - 1]!;
    else {
      for (let i = this.locals.length - 1; i >= 0; i--) {
        if (this.locals[i]!.has(name)) {
          table = this.locals[i]!;
          break;
        }
      }
    }
    const prev = table.get(name);
    const isLocal = table !== this.vars;
    const exported = !!opts.export || !!prev?.exported || (this.allexport && !isLocal);
    const location = ctx.fixed ?? loc(ctx.file, node);
    const conditional = ctx.cond || ctx.frame.tainted;
    let segments: PathSegment[] | undefined;
    if (isPathLike(name) && value !== null) {
      // A value that does not mention the variable itself (`PATH=/a:/b`) replaces every segment.
      const expr = opts.expression ?? node.text;
      const lower = Object.entries(ZSH_TIED).find(([, v]) => v === name)?.[0];
      const selfRef =
        opts.append ||
        new RegExp(`\\$\\{?${name}\\b`).test(expr) ||
        (lower !== undefined && new RegExp(`\\$\\{?${lower}\\b`).test(expr));
      segments = pathSegments(selfRef ? prev?.segments : undefined, value, location);
    }
    const a: ShellAssignment = {
      key: name,
      value,
      expression: (opts.expression ?? node.text).slice(0, 200),
      location,
      via: opts.via,
      exported,
      conditional,
    };
    if (segments) a.segments = segments;
    const v: Var = {
      value,
      exported,
      pending: [...(prev?.pending ?? []), a],
      ...(segments ? { segments } : {}),
    };
    table.set(name, v);
    if (!isLocal) this.assignments.push(a);
  }

  private exportName(name: string, on: boolean): void {
    const v = this.lookup(name);
    if (!v) {
      // `export K` of an unset K marks it for export; a later assignment inherits the attribute.
      if (on) this.vars.set(name, { value: null, exported: true, pending: [] });
      return;
    }
    v.exported = on;
    if (on) {
      for (const a of v.pending) {
        if (!a.exported) {
          a.exported = true;
          a.via = `${a.via}+export`;
        }
      }
    }
  }

  private unset(name: string, node: Node, ctx: Ctx): void {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      if (this.locals[i]!.delete(name)) return;
    }
    if (!this.vars.has(name)) return;
    this.vars.delete(name);
    this.assignments.push({
      key: name,
      value: null,
      expression: node.text.slice(0, 200),
      location: ctx.fixed ?? loc(ctx.file, node),
      via: "unset",
      exported: false,
      conditional: ctx.cond || ctx.frame.tainted,
      unset: true,
    });
  }

  // ---------------------------------------------------------------- files

  /** Runs the startup plan. */
  async runPlan(steps: PlanStep[]): Promise<void> {
    const top: Ctx = { file: "", cond: false, frame: { tainted: false, isFunction: false } };
    for (const step of steps) {
      if (this.stopped) break;
      if (step.kind === "command-string") {
        await this.runCode(commandLabel(this.shell), step.code, top);
      } else if (step.kind === "script") {
        if (path.posix.isAbsolute(step.path)) await this.runFile(step.path, top, null);
      } else if (step.kind === "file") {
        const p = this.expandTemplate(step.path);
        if (p) await this.runFile(p, top, null);
      } else if (step.kind === "first-readable") {
        for (const t of step.paths) {
          const p = this.expandTemplate(t);
          if (p && (await this.ctx.fs.isReadable(p))) {
            await this.runFile(p, top, null);
            break;
          }
        }
      } else if (step.kind === "first-existing") {
        for (const t of step.paths) {
          const p = this.expandTemplate(t);
          if (p && (await this.isFile(p))) {
            await this.runFile(p, top, null);
            break;
          }
        }
      } else {
        const raw = this.valueOf(step.variable);
        if (raw === null) {
          this.issues.push({
            subject: step.variable,
            code: "UNSUPPORTED",
            detail: `the file named by ${step.variable} is computed at run time; it was not analysed`,
          });
          continue;
        }
        if (raw === "") continue;
        const p = this.expandTemplate(raw);
        if (p) await this.runFile(path.isAbsolute(p) ? p : this.resolveRelative(p), top, null);
      }
    }
  }

  /** Expands `~`, `$VAR` and `${VAR}` in a plan path or an ENV value; null when something is unknown. */
  expandTemplate(t: string): string | null {
    const home = this.valueOf("HOME");
    let out = t;
    if (out === "~" || out.startsWith("~/")) {
      if (home === null) return null;
      out = home + out.slice(1);
    }
    let unknown = false;
    out = out.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => {
      // zsh: ZDOTDIR defaults to HOME.
      const v =
        name === "ZDOTDIR" && !this.lookup("ZDOTDIR") ? home : name === "HOME" ? home : this.valueOf(name);
      if (v === null) unknown = true;
      return v ?? "";
    });
    return unknown ? null : out;
  }

  private resolveRelative(p: string): string {
    const home = this.valueOf("HOME") || "/";
    return path.posix.resolve(home, p);
  }

  private parse(file: string, text: string, opts: { key?: string; report?: boolean } = {}): Tree | null {
    const memoKey = opts.key ?? file;
    if (this.parsed.has(memoKey)) return this.parsed.get(memoKey) ?? null;
    let tree: Tree | null = treeCache.get(text) ?? null;
    if (tree) {
      // Most recently used last.
      treeCache.delete(text);
      treeCache.set(text, tree);
    } else {
      try {
        tree = this.parser.parse(text);
      } catch (err) {
        this.issues.push({ subject: file, code: "PARSE", detail: `could not parse: ${errText(err)}` });
      }
      if (tree) {
        treeCache.set(text, tree);
        while (treeCache.size > TREE_CACHE_FILES) {
          const [oldText, oldTree] = treeCache.entries().next().value as [string, Tree];
          treeCache.delete(oldText);
          if (!treesInUse.has(oldTree)) oldTree.delete(); // else freed by its last user
        }
      }
    }
    if (tree && !this.trees.includes(tree)) {
      this.trees.push(tree);
      treesInUse.set(tree, (treesInUse.get(tree) ?? 0) + 1);
    }
    if (tree?.rootNode.hasError && opts.report !== false) this.reportParseErrors(file, tree.rootNode);
    this.parsed.set(memoKey, tree);
    return tree;
  }

  /**
   * The statements of a file to simulate. A file the grammar cannot read whole (zsh syntax, a typo) is
   * parsed again statement by statement, so one unreadable construct costs one statement, not the rest of
   * the file; each statement that still fails is reported at its own line.
   */
  private statementsOf(file: string, text: string, tree: Tree): Array<ReadonlyArray<Node | null>> {
    if (!tree.rootNode.hasError) return [tree.rootNode.children];
    const out: Array<ReadonlyArray<Node | null>> = [];
    for (const chunk of splitStatements(text)) {
      // Blank lines in front keep every row (and so every file:line) where it is in the file.
      const t = this.parse(file, "\n".repeat(chunk.line) + chunk.text, {
        key: `${file}\0${chunk.line}`,
        report: false,
      });
      if (!t) continue;
      if (t.rootNode.hasError) this.reportParseErrors(file, t.rootNode);
      out.push(t.rootNode.children);
    }
    return out;
  }

  private reportParseErrors(file: string, root: Node): void {
    const visit = (node: Node) => {
      const n = this.parseIssues.get(file) ?? 0;
      if (n >= MAX_PARSE_ISSUES_PER_FILE) return;
      if (node.isError || node.isMissing) {
        this.parseIssues.set(file, n + 1);
        // An ERROR node often starts with good statements; point at the first piece that is not one.
        const bad = node.isError ? node.children.find((c) => !!c && !STATEMENTS.has(c.type)) : null;
        const row = (bad ?? node).startPosition.row;
        this.issues.push({
          subject: `${file}:${row + 1}`,
          code: "PARSE",
          detail: node.isMissing
            ? `syntax error: missing ${node.type}; this statement was skipped, the rest of the file analysed`
            : this.shell === "zsh"
              ? "zsh syntax the bash grammar cannot read (or a syntax error); this statement was skipped, the rest of the file analysed"
              : "syntax error; this statement was skipped, the rest of the file analysed",
        });
        return;
      }
      if (!node.hasError) return;
      for (const c of node.children) if (c) visit(c);
    };
    visit(root);
  }

  /** Reads and simulates one file. `from` is the `.` command that sourced it (null for the plan's files). */
  async runFile(file: string, outer: Ctx, from: Node | null): Promise<Flow> {
    const where = from ? ` (sourced at ${outer.file}:${from.startPosition.row + 1})` : "";
    if (this.sourceStack.includes(file)) {
      this.issues.push({
        subject: from ? `${outer.file}:${from.startPosition.row + 1}` : file,
        code: "CYCLE",
        detail: `source cycle: ${[...this.sourceStack, file].join(" -> ")}; not followed again`,
      });
      return "normal";
    }
    if (this.sourceStack.length >= MAX_SOURCE_DEPTH) {
      this.issues.push({
        subject: file,
        code: "CYCLE",
        detail: `sourced files nest deeper than ${MAX_SOURCE_DEPTH}; not followed${where}`,
      });
      return "normal";
    }
    let text: string | undefined;
    try {
      text = await this.ctx.fs.readTextIfExists(file);
    } catch (err) {
      if (err instanceof TooLargeError) {
        this.issues.push({
          subject: file,
          code: "TOO_LARGE",
          detail: `skipped: ${err.size} bytes is above the limit for static analysis${where}`,
        });
      } else {
        this.issues.push(issueFromError(file, err));
      }
      return "normal";
    }
    if (text === undefined) {
      if (from && !outer.cond) {
        this.issues.push({
          subject: `${outer.file}:${from.startPosition.row + 1}`,
          code: "ENOENT",
          detail: "sources a file that does not exist",
        });
      }
      return "normal";
    }
    if (text.includes("\uFFFD")) {
      this.issues.push({
        subject: file,
        code: "ENCODING",
        detail: "not valid UTF-8; invalid bytes were replaced for analysis",
      });
    }
    if (!this.files.includes(file)) this.files.push(file);
    const tree = this.parse(file, text, { report: false });
    if (!tree) return "normal";
    const statements = this.statementsOf(file, text, tree);
    this.sourceStack.push(file);
    const ctx: Ctx = {
      file,
      cond: outer.cond || outer.frame.tainted,
      frame: { tainted: false, isFunction: false },
    };
    try {
      let flow: Flow = "normal";
      for (const nodes of statements) {
        flow = await this.block(nodes, ctx);
        if (flow !== "normal") break;
      }
      // An unconditional `exit` ends the shell: no later startup file runs.
      if (flow === "exit") this.stopped = true;
      return flow === "exit" ? "exit" : "normal";
    } finally {
      this.sourceStack.pop();
    }
  }

  // ---------------------------------------------------------------- statements

  private async block(nodes: ReadonlyArray<Node | null>, ctx: Ctx): Promise<Flow> {
    for (const n of nodes) {
      if (!n?.isNamed || this.stopped) continue;
      const flow = await this.stmt(n, ctx);
      if (flow !== "normal") return flow;
    }
    return "normal";
  }

  private tick(ctx: Ctx): boolean {
    if (++this.steps <= MAX_STEPS) return true;
    if (!this.budgetReported) {
      this.budgetReported = true;
      this.issues.push({
        subject: ctx.file,
        code: "TOO_LARGE",
        detail: `static analysis stopped after ${MAX_STEPS} statements (loops over many files?)`,
      });
    }
    this.stopped = true;
    return false;
  }

  private async stmt(n: Node, ctx: Ctx): Promise<Flow> {
    if (!this.tick(ctx)) return "exit";
    switch (n.type) {
      case "comment":
      case "heredoc_body":
      case "subshell":
      case "pipeline":
      case "test_command":
        return "normal";
      case "ERROR":
        // Error tolerant: complete statements inside a syntax error still count (best effort).
        return this.block(
          n.children.filter((c) => !!c && STATEMENTS.has(c.type)),
          ctx,
        );
      case "variable_assignment":
        await this.assignment(n, ctx, { via: "assign" });
        return "normal";
      case "variable_assignments":
        for (const c of n.namedChildren) {
          if (c?.type === "variable_assignment") await this.assignment(c, ctx, { via: "assign" });
        }
        return "normal";
      case "declaration_command":
        await this.declaration(n, ctx);
        return "normal";
      case "unset_command":
        await this.unsetCommand(n, ctx);
        return "normal";
      case "command":
        return this.command(n, ctx);
      case "redirected_statement": {
        const body = n.childForFieldName("body");
        return body ? this.stmt(body, ctx) : "normal";
      }
      case "compound_statement":
      case "negated_command":
        return this.block(n.children, ctx);
      case "list":
        return this.list(n, ctx);
      case "if_statement":
        return this.ifStatement(n, ctx);
      case "case_statement":
        return this.caseStatement(n, ctx);
      case "for_statement":
        return this.forStatement(n, ctx);
      case "while_statement":
      case "c_style_for_statement": {
        const body = n.childForFieldName("body");
        return body ? this.loopBody(body, { ...ctx, cond: true }) : "normal";
      }
      case "function_definition": {
        const name = n.childForFieldName("name")?.text;
        const body = n.childForFieldName("body");
        if (name && body) this.functions.set(name, { body, file: ctx.file });
        return "normal";
      }
      default:
        return "normal";
    }
  }

  private async loopBody(body: Node, ctx: Ctx): Promise<Flow> {
    const flow = await this.block(body.type === "do_group" ? body.children : [body], ctx);
    // `break`/`continue` are not modelled; a `return` inside a loop leaves the file or function.
    return flow;
  }

  /** `a && b`, `a || b`: the right side runs only when the left side succeeds (fails). */
  private async list(n: Node, ctx: Ctx): Promise<Flow> {
    const kids = n.children.filter((c): c is Node => !!c);
    const left = kids[0];
    const op = kids[1]?.type;
    const right = kids[2];
    if (!left) return "normal";
    const lf = await this.stmt(left, ctx);
    if (lf !== "normal") return lf;
    if (!right) return "normal";
    const decided = await this.decide(left, ctx);
    const wanted = op === "&&" ? true : op === "||" ? false : undefined;
    if (wanted === undefined) return this.stmt(right, ctx);
    if (decided === undefined) return this.branch(right, { ...ctx, cond: true });
    if (decided === wanted) return this.stmt(right, ctx);
    return "normal";
  }

  /** Runs a conditional branch; a `return`/`exit` in it taints what follows instead of stopping. */
  private async branch(n: Node | readonly (Node | null)[], ctx: Ctx): Promise<Flow> {
    const flow = Array.isArray(n) ? await this.block(n, ctx) : await this.stmt(n as Node, ctx);
    if (flow !== "normal") ctx.frame.tainted = true;
    return "normal";
  }

  private async ifStatement(n: Node, ctx: Ctx): Promise<Flow> {
    // Split into (condition nodes, body nodes) clauses; `else` has no condition.
    const clauses: Array<{ cond: Node[] | null; body: Node[] }> = [];
    let cur: { cond: Node[] | null; body: Node[] } = { cond: [], body: [] };
    let inBody = false;
    for (const c of n.children) {
      if (!c) continue;
      if (c.type === "then") {
        inBody = true;
        continue;
      }
      if (c.type === "elif_clause" || c.type === "else_clause") {
        clauses.push(cur);
        const sub: { cond: Node[] | null; body: Node[] } = {
          cond: c.type === "else_clause" ? null : [],
          body: [],
        };
        let subBody = c.type === "else_clause";
        for (const d of c.children) {
          if (!d) continue;
          if (d.type === "then") {
            subBody = true;
            continue;
          }
          if (!d.isNamed) continue;
          if (subBody) sub.body.push(d);
          else sub.cond?.push(d);
        }
        cur = sub;
        inBody = true;
        continue;
      }
      if (!c.isNamed) continue;
      if (inBody) cur.body.push(c);
      else cur.cond?.push(c);
    }
    clauses.push(cur);
    let cond = ctx.cond;
    let undecided = 0;
    const bodies: Array<[number, number]> = [];
    const run = async (body: Node[], c: Ctx): Promise<void> => {
      const from = this.assignments.length;
      await this.branch(body, c);
      bodies.push([from, this.assignments.length]);
    };
    for (const cl of clauses) {
      if (cl.cond === null) {
        if (!cond) return this.block(cl.body, ctx);
        await run(cl.body, { ...ctx, cond });
        undecided++;
        break;
      }
      const condCtx = { ...ctx, cond };
      const cf = await this.block(cl.cond, condCtx);
      if (cf !== "normal") return cf;
      const last = cl.cond[cl.cond.length - 1];
      const decided = last ? await this.decide(last, ctx) : undefined;
      if (decided === false) continue;
      if (decided === true) {
        return cond ? this.branch(cl.body, { ...ctx, cond }) : this.block(cl.body, { ...ctx, cond });
      }
      await run(cl.body, { ...ctx, cond: true });
      undecided++;
      cond = true;
    }
    if (undecided > 1) this.mergeBranches(bodies);
    return "normal";
  }

  /**
   * After an `if … elif … else` whose branches could not be decided, a variable the branches set to
   * different values is unknown (null) from then on: later uses of it are "computed".
   */
  private mergeBranches(bodies: Array<[number, number]>): void {
    const perKey = new Map<string, Set<string | null>>();
    for (const [from, to] of bodies) {
      const last = new Map<string, string | null>();
      for (const a of this.assignments.slice(from, to)) last.set(a.key, a.unset ? null : a.value);
      for (const [k, v] of last) {
        const s = perKey.get(k) ?? new Set();
        s.add(v);
        perKey.set(k, s);
      }
    }
    for (const [k, vals] of perKey) {
      if (vals.size < 2) continue;
      const v = this.vars.get(k);
      if (v) {
        v.value = null;
        delete v.segments;
      }
    }
  }

  private async caseStatement(n: Node, ctx: Ctx): Promise<Flow> {
    const valueNode = n.childForFieldName("value");
    const value = valueNode ? await this.evalWord(valueNode, ctx) : null;
    const items = n.namedChildren.filter((c): c is Node => c?.type === "case_item");
    for (const item of items) {
      const patterns = item.childrenForFieldName("value").filter((c): c is Node => !!c);
      const body = item.namedChildren.filter(
        (c): c is Node => !!c && !patterns.some((p) => p.id === c.id) && c.type !== "comment",
      );
      let decided: boolean | undefined;
      if (value !== null) {
        decided = false;
        for (const p of patterns) {
          const pat =
            p.type === "word" || p.type === "extglob_pattern" ? p.text : await this.evalWord(p, ctx);
          if (pat === null) {
            decided = undefined;
            break;
          }
          if (globToRegExp(pat).test(value)) {
            decided = true;
            break;
          }
        }
      }
      if (decided === false) continue;
      if (decided === true) return this.block(body, ctx);
      await this.branch(body, { ...ctx, cond: true });
    }
    return "normal";
  }

  private async forStatement(n: Node, ctx: Ctx): Promise<Flow> {
    const varName = n.childForFieldName("variable")?.text;
    const body = n.childForFieldName("body");
    if (!varName || !body) return "normal";
    const valueNodes = n.childrenForFieldName("value").filter((c): c is Node => !!c);
    let items: string[] | null = valueNodes.length === 0 ? null : [];
    for (const v of valueNodes) {
      if (items === null) break;
      const words = await this.expandArgument(v, ctx);
      if (words === null) items = null;
      else items.push(...words);
    }
    if (items === null) {
      await this.assign(varName, null, n, ctx, { via: "for" });
      return this.branch([body], { ...ctx, cond: true });
    }
    for (const item of items.slice(0, MAX_LOOP_ITEMS)) {
      if (this.stopped) break;
      this.setShellVar(varName, item);
      const flow = await this.loopBody(body, ctx);
      if (flow !== "normal") return flow;
    }
    return "normal";
  }

  /** A loop variable: not an environment assignment, so not recorded. */
  private setShellVar(name: string, value: string | null): void {
    const prev = this.lookup(name);
    if (prev) prev.value = value;
    else this.vars.set(name, { value, exported: this.allexport, pending: [] });
  }

  private async assignment(
    n: Node,
    ctx: Ctx,
    opts: { via: string; export?: boolean; local?: boolean },
  ): Promise<void> {
    const nameNode = n.childForFieldName("name");
    if (nameNode?.type !== "variable_name") return; // `a[1]=…`: arrays are not exported
    const name = nameNode.text;
    const valueNode = n.childForFieldName("value");
    const append = n.children.some((c) => c?.type === "+=");
    let value: string | null;
    let target = name;
    if (valueNode?.type === "array") {
      const tied = this.shell === "zsh" ? ZSH_TIED[name] : undefined;
      if (!tied) return; // bash arrays cannot be exported
      target = tied;
      const parts: string[] = [];
      let unknown = false;
      for (const el of valueNode.namedChildren) {
        if (!el) continue;
        const inner =
          el.type === "simple_expansion" || el.type === "expansion" ? el.namedChildren[0]?.text : "";
        if (inner && ZSH_TIED[inner]) {
          const scalar = this.valueOf(ZSH_TIED[inner]!);
          if (scalar === null) unknown = true;
          else if (scalar !== "") parts.push(...scalar.split(":"));
          continue;
        }
        const w = await this.evalWord(el, ctx, true);
        if (w === null) unknown = true;
        else parts.push(w);
      }
      value = unknown ? null : parts.join(":");
      if (append && value !== null) {
        const prev = this.valueOf(target);
        value = prev === null ? null : [prev, value].filter((s) => s !== "").join(":");
      }
    } else {
      const rhs = valueNode ? await this.evalWord(valueNode, ctx, true) : "";
      if (append) {
        const prev = this.valueOf(target);
        value = prev === null || rhs === null ? null : prev + rhs;
      } else value = rhs;
    }
    this.assign(target, value, n, ctx, { ...opts, expression: valueNode?.text ?? "", append });
  }

  private async declaration(n: Node, ctx: Ctx): Promise<void> {
    const kw = n.children[0]?.type ?? "";
    let exportOn = kw === "export";
    let exportOff = false;
    let functionsOnly = false;
    let global = false;
    for (const c of n.children.slice(1)) {
      if (c?.type !== "word" || !/^[-+][A-Za-z]+$/.test(c.text)) continue;
      const on = c.text.startsWith("-");
      const f = c.text.slice(1);
      if (f.includes("x")) {
        if (on) exportOn = true;
        else exportOff = true;
      }
      if (on && (f.includes("f") || f.includes("F"))) functionsOnly = true;
      if (on && f.includes("g")) global = true;
      if (kw === "export" && on && f.includes("n")) {
        exportOn = false;
        exportOff = true;
      }
    }
    if (functionsOnly) return;
    const local =
      kw === "local" || ((kw === "declare" || kw === "typeset") && !global && this.locals.length > 0);
    const via = kw === "export" ? "export" : `${kw}${exportOn ? " -x" : ""}`;
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === "variable_assignment") {
        if (local) {
          const name = c.childForFieldName("name")?.text;
          if (name && this.locals.length > 0 && !this.locals[this.locals.length - 1]!.has(name)) {
            this.locals[this.locals.length - 1]!.set(name, { value: "", exported: false, pending: [] });
          }
        }
        await this.assignment(c, ctx, { via, export: exportOn, local });
        if (exportOff) {
          const name = c.childForFieldName("name")?.text;
          if (name) this.exportName(name, false);
        }
      } else if (
        (c.type === "string" || c.type === "raw_string" || c.type === "concatenation") &&
        /^["']?[A-Za-z_][A-Za-z0-9_]*=/.test(c.text)
      ) {
        // `export "A=$HOME/x"`: a quoted assignment word.
        const name = /^["']?([A-Za-z_][A-Za-z0-9_]*)=/.exec(c.text)![1]!;
        const word = await this.evalWord(c, ctx, true);
        const value = word === null ? null : word.slice(name.length + 1);
        this.assign(name, value, c, ctx, {
          via,
          export: exportOn,
          local,
          expression: c.text,
          append: false,
        });
      } else if (c.type !== "word" && c.type !== "variable_name" && exportOn) {
        // `export "$line"` (a loop over an env file): the name itself is computed.
        this.opaque.push({ location: ctx.fixed ?? loc(ctx.file, c), what: "export-computed" });
      } else if (c.type === "variable_name") {
        if (local && this.locals.length > 0) {
          this.locals[this.locals.length - 1]!.set(c.text, { value: "", exported: exportOn, pending: [] });
          continue;
        }
        if (exportOn) this.exportName(c.text, true);
        else if (exportOff) this.exportName(c.text, false);
      }
    }
  }

  private async unsetCommand(n: Node, ctx: Ctx): Promise<void> {
    let functions = false;
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === "word" && c.text === "-f") functions = true;
      else if (c.type === "word" && c.text.startsWith("-")) continue;
      else if (functions) this.functions.delete(c.text);
      else {
        const name = c.type === "variable_name" || c.type === "word" ? c.text : await this.evalWord(c, ctx);
        if (name && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.unset(name, c, ctx);
      }
    }
  }

  private async command(n: Node, ctx: Ctx): Promise<Flow> {
    const nameNode = n.childForFieldName("name");
    // tree-sitter-bash sometimes glues `A=1` on one line to the command on the next; split them.
    for (const c of n.children) {
      if (c?.type === "variable_assignment" && nameNode && c.endPosition.row < nameNode.startPosition.row) {
        await this.assignment(c, ctx, { via: "assign" });
      }
    }
    if (!nameNode) return "normal";
    const name = await this.evalWord(nameNode, ctx);
    if (name === null) return "normal";
    const args = n.childrenForFieldName("argument").filter((c): c is Node => !!c);
    switch (name) {
      case ".":
      case "source": {
        const first = args[0];
        if (!first) return "normal";
        const target = await this.evalWord(first, ctx);
        if (target === null) {
          this.opaque.push({ location: loc(ctx.file, n), what: "source-computed" });
          this.issues.push({
            subject: `${ctx.file}:${n.startPosition.row + 1}`,
            code: "UNSUPPORTED",
            detail: "sources a file whose path is computed at run time; not followed",
          });
          return "normal";
        }
        const file = await this.resolveSource(target);
        if (!file) {
          if (!ctx.cond && !ctx.frame.tainted) {
            this.issues.push({
              subject: `${ctx.file}:${n.startPosition.row + 1}`,
              code: "ENOENT",
              detail: "sources a file that does not exist",
            });
          }
          return "normal";
        }
        const flow = await this.runFile(file, ctx, n);
        return flow;
      }
      case "eval":
      case "emulate": {
        // `eval 'export A=1'` and zsh's `emulate sh -c '. ~/.profile'` run literal code we can read;
        // anything computed (`eval "$(pyenv init -)"`) is opaque.
        let codeArgs = args;
        if (name === "emulate") {
          const c = args.findIndex((a) => a.text === "-c");
          if (c < 0) return "normal";
          codeArgs = args.slice(c + 1, c + 2);
        }
        const parts: string[] = [];
        for (const a of codeArgs) {
          const w = await this.evalWord(a, ctx);
          if (w === null) {
            this.opaque.push({ location: ctx.fixed ?? loc(ctx.file, n), what: "eval" });
            return "normal";
          }
          parts.push(w);
        }
        return this.runString(parts.join(" "), n, ctx);
      }
      case "set": {
        for (let i = 0; i < args.length; i++) {
          const t = args[i]!.text;
          if (/^-[A-Za-z]*a/.test(t)) this.allexport = true;
          else if (/^\+[A-Za-z]*a/.test(t)) this.allexport = false;
          else if ((t === "-o" || t === "+o") && args[i + 1]?.text === "allexport") {
            this.allexport = t === "-o";
            i++;
          }
        }
        return "normal";
      }
      case "return":
        return "return";
      case "exit":
        return "exit";
      default: {
        const fn = this.functions.get(name);
        if (fn) return this.call(name, fn, ctx);
        return "normal";
      }
    }
  }

  /** Runs the `-c` command string as if it were a file named `label`. */
  private async runCode(label: string, code: string, outer: Ctx): Promise<void> {
    const tree = this.parse(label, code);
    if (!tree) return;
    if (!this.files.includes(label)) this.files.push(label);
    const flow = await this.block(tree.rootNode.children, {
      file: label,
      cond: outer.cond,
      frame: { tainted: false, isFunction: false },
    });
    if (flow === "exit") this.stopped = true;
  }

  /** Runs literal code (from `eval`/`emulate -c`) in the current shell, located at the command. */
  private async runString(code: string, at: Node, ctx: Ctx): Promise<Flow> {
    if (code.trim() === "") return "normal";
    const key = `${ctx.file}:${at.startPosition.row + 1}:eval`;
    if (this.sourceStack.includes(key) || this.sourceStack.length >= MAX_SOURCE_DEPTH) return "normal";
    const tree = this.parse(key, code);
    if (!tree) return "normal";
    this.sourceStack.push(key);
    try {
      return await this.block(tree.rootNode.children, { ...ctx, fixed: ctx.fixed ?? loc(ctx.file, at) });
    } finally {
      this.sourceStack.pop();
    }
  }

  private async call(name: string, fn: { body: Node; file: string }, ctx: Ctx): Promise<Flow> {
    if (this.callStack.includes(name) || this.callStack.length >= MAX_SOURCE_DEPTH) return "normal";
    this.callStack.push(name);
    this.locals.push(new Map());
    const inner: Ctx = {
      file: fn.file,
      cond: ctx.cond || ctx.frame.tainted,
      frame: { tainted: false, isFunction: true },
    };
    try {
      const body = fn.body;
      const flow =
        body.type === "compound_statement"
          ? await this.block(body.children, inner)
          : await this.stmt(body, inner);
      return flow === "exit" ? "exit" : "normal";
    } finally {
      this.locals.pop();
      this.callStack.pop();
    }
  }

  private async resolveSource(target: string): Promise<string | null> {
    if (target.includes("/")) {
      const p = path.posix.isAbsolute(target) ? target : this.resolveRelative(target);
      return (await this.isFile(p)) ? p : null;
    }
    const dirs = (this.valueOf("PATH") ?? "").split(":").filter((d) => d.startsWith("/"));
    for (const d of dirs) {
      const p = path.posix.join(d, target);
      if (await this.ctx.fs.isReadable(p)) return p;
    }
    const p = this.resolveRelative(target);
    return (await this.isFile(p)) ? p : null;
  }

  // ---------------------------------------------------------------- tests

  /** stat through a per-analysis cache (startup files test the same paths again and again). */
  private statOf(p: string): Promise<Stats | null> {
    let st = this.stats.get(p);
    if (!st) {
      st = this.ctx.fs.stat(p).catch(() => null);
      this.stats.set(p, st);
    }
    return st;
  }

  private async isFile(p: string): Promise<boolean> {
    return (await this.statOf(p))?.isFile() ?? false;
  }

  /** Statically decides a condition: true/false when certain, undefined when it depends on run time. */
  private async decide(n: Node, ctx: Ctx): Promise<boolean | undefined> {
    if (n.type === "test_command") {
      const inner = n.namedChildren.filter((c): c is Node => !!c && c.type !== "comment");
      if (inner.length !== 1) return undefined;
      return this.decideExpr(inner[0]!, ctx);
    }
    if (n.type === "negated_command") {
      const inner = n.namedChildren[0];
      const d = inner ? await this.decide(inner, ctx) : undefined;
      return d === undefined ? undefined : !d;
    }
    if (n.type === "command") {
      const name = n.childForFieldName("name")?.text;
      const args = n.childrenForFieldName("argument").filter((c): c is Node => !!c);
      if (name === "true" || name === ":") return true;
      if (name === "false") return false;
      if (name === "test" || name === "[") {
        const words: Array<string | null> = [];
        for (const a of args) words.push(await this.evalWord(a, ctx));
        if (name === "[" && words[words.length - 1] === "]") words.pop();
        return this.decideWords(words);
      }
    }
    return undefined;
  }

  private async decideExpr(n: Node, ctx: Ctx): Promise<boolean | undefined> {
    if (n.type === "parenthesized_expression") {
      const inner = n.namedChildren[0];
      return inner ? this.decideExpr(inner, ctx) : undefined;
    }
    if (n.type === "unary_expression") {
      const op = n.childForFieldName("operator");
      const operand = n.namedChildren.filter((c): c is Node => !!c && c.id !== op?.id).pop();
      if (!op || !operand) return undefined;
      if (op.text === "~") {
        const v = await this.evalWord(n, ctx);
        return v === null ? undefined : v !== "";
      }
      if (op.text === "!") {
        const d = await this.decideExpr(operand, ctx);
        return d === undefined ? undefined : !d;
      }
      const v = await this.evalWord(operand, ctx);
      return this.unaryTest(op.text, v);
    }
    if (n.type === "binary_expression") {
      const op = n.childForFieldName("operator")?.text;
      const l = n.childForFieldName("left");
      const r = n.childForFieldName("right");
      if (!op || !l || !r) return undefined;
      if (op === "&&" || op === "-a" || op === "||" || op === "-o") {
        const a = await this.decideExpr(l, ctx);
        const b = await this.decideExpr(r, ctx);
        if (op === "&&" || op === "-a") return a === false || b === false ? false : a && b ? true : undefined;
        return a === true || b === true ? true : a === false && b === false ? false : undefined;
      }
      const lv = await this.evalWord(l, ctx);
      const rv = await this.evalWord(r, ctx);
      return binaryTest(op, lv, rv);
    }
    // A lone word: `[ "$X" ]` is `-n`.
    const v = await this.evalWord(n, ctx);
    return v === null ? undefined : v !== "";
  }

  private async decideWords(w: Array<string | null>): Promise<boolean | undefined> {
    if (w[0] === "!" && w.length > 1) {
      const d = await this.decideWords(w.slice(1));
      return d === undefined ? undefined : !d;
    }
    if (w.length === 1) return w[0] === null ? undefined : w[0] !== "";
    if (w.length === 2 && typeof w[0] === "string") return this.unaryTest(w[0], w[1] ?? null);
    if (w.length === 3 && typeof w[1] === "string") return binaryTest(w[1], w[0] ?? null, w[2] ?? null);
    return undefined;
  }

  private async unaryTest(op: string, v: string | null): Promise<boolean | undefined> {
    if (op === "-n") return v === null ? undefined : v !== "";
    if (op === "-z") return v === null ? undefined : v === "";
    if (v === null) return undefined;
    if (["-r", "-f", "-e", "-s", "-x", "-a", "-d", "-L", "-h"].includes(op)) {
      if (!v.startsWith("/")) return undefined;
      const st = await this.statOf(v);
      if (!st) return false;
      if (op === "-d") return st.isDirectory();
      if (op === "-f" || op === "-r" || op === "-x") return st.isFile();
      if (op === "-s") return st.size > 0;
      return true;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- words

  /** Expands a word for a command argument: words with glob characters are globbed on the HostFs. */
  private async expandArgument(n: Node, ctx: Ctx): Promise<string[] | null> {
    const v = await this.evalWord(n, ctx);
    if (v === null) return null;
    const unquoted = n.type === "word" || n.type === "concatenation" || n.type === "simple_expansion";
    if (unquoted && n.type === "simple_expansion") return v.split(/\s+/).filter((s) => s !== "");
    if (unquoted && /[*?[]/.test(v) && v.startsWith("/")) {
      const matches = await glob(this.ctx, v);
      return matches.length > 0 ? matches : [v];
    }
    return [v];
  }

  /** Evaluates a word to a string; null when it depends on run time. */
  async evalWord(n: Node, ctx: Ctx, assignment = false): Promise<string | null> {
    switch (n.type) {
      case "word":
      case "command_name": {
        if (n.type === "command_name") {
          const inner = n.namedChildren[0];
          if (inner && inner.type !== "word") return this.evalWord(inner, ctx, assignment);
        }
        return this.tilde(unbackslash(n.text), assignment, true);
      }
      case "number":
      case "regex":
      case "extglob_pattern":
      case "test_operator":
        return n.text;
      case "raw_string":
        return n.text.slice(1, -1);
      case "ansi_c_string":
        return ansiC(n.text.slice(2, -1));
      case "string":
      case "translated_string": {
        let out = "";
        for (const c of n.children) {
          if (!c?.isNamed) continue;
          if (c.type === "string_content")
            out += c.text.replace(/\\([$`"\\\n])/g, (_m, ch: string) => (ch === "\n" ? "" : ch));
          else {
            const v = await this.evalWord(c, ctx, false);
            if (v === null) return null;
            out += v;
          }
        }
        return out;
      }
      case "concatenation": {
        let out = "";
        let first = true;
        for (const c of n.children) {
          if (!c) continue;
          const v =
            c.type === "word"
              ? this.tilde(unbackslash(c.text), assignment, first)
              : c.isNamed
                ? await this.evalWord(c, ctx, assignment)
                : c.text;
          first = false;
          if (v === null) return null;
          out += v;
        }
        return out;
      }
      case "simple_expansion": {
        const inner = n.namedChildren[0];
        if (inner?.type !== "variable_name") return null; // $1, $@, $$, $?
        return this.valueOf(inner.text);
      }
      case "expansion":
        return this.expansion(n, ctx);
      case "unary_expression": {
        // Inside `[ … ]` tree-sitter-bash reads `~/x` as the unary operator `~` applied to `/x`.
        const op = n.childForFieldName("operator");
        const rest = n.namedChildren.filter((c): c is Node => !!c && c.id !== op?.id);
        if (op?.text !== "~" || rest.length !== 1) return null;
        const tail = await this.evalWord(rest[0]!, ctx, assignment);
        return tail === null ? null : this.tilde(`~${tail}`, assignment, true);
      }
      case "command_substitution": {
        // `$(id -u)` (Debian's /etc/profile) is the one command whose output the actor's identity tells.
        const inner = n.namedChildren.filter((c): c is Node => !!c);
        const t = inner.length === 1 ? inner[0]!.text.trim().replace(/\s+/g, " ") : "";
        if (this.uid !== undefined && (t === "id -u" || t === "/usr/bin/id -u")) return String(this.uid);
        return null;
      }
      default:
        // process_substitution, arithmetic_expansion, brace_expression, …
        return null;
    }
  }

  private tilde(s: string | null, assignment: boolean, atStart: boolean): string | null {
    if (s === null) return null;
    const home = () => this.valueOf("HOME");
    const expandOne = (seg: string, allowed: boolean): string | null => {
      if (!allowed || !seg.startsWith("~")) return seg;
      if (seg === "~" || seg.startsWith("~/")) {
        const h = home();
        return h === null ? null : h + seg.slice(1);
      }
      return seg.includes("/") || !/^~[A-Za-z0-9._-]+$/.test(seg.split("/")[0] ?? "") ? seg : null;
    };
    if (!assignment) return expandOne(s, atStart);
    // In assignments a tilde is also expanded after each `:`.
    const parts = s.split(":");
    const out: string[] = [];
    for (const [i, p] of parts.entries()) {
      const e = expandOne(p, i > 0 || atStart);
      if (e === null) return null;
      out.push(e);
    }
    return out.join(":");
  }

  private async expansion(n: Node, ctx: Ctx): Promise<string | null> {
    const kids = n.children.filter((c): c is Node => !!c);
    const opNode = n.childForFieldName("operator");
    const nameNode = kids.find((c) => c.type === "variable_name");
    if (!nameNode) return null;
    const name = nameNode.text;
    if (!opNode) {
      // ${VAR} (anything else inside, e.g. ${VAR[1]} or ${!VAR}, is unknown)
      return kids.filter((c) => c.isNamed).length === 1 && kids[1]?.id === nameNode.id
        ? this.valueOf(name)
        : null;
    }
    const op = opNode.text;
    if (op === "#" && opNode.startIndex < nameNode.startIndex) {
      const v = this.valueOf(name);
      return v === null ? null : String([...v].length);
    }
    if (!/^:?[-=+?]$/.test(op) || opNode.startIndex < nameNode.startIndex) return null;
    const argNodes = kids.filter((c) => c.startIndex > opNode.startIndex && c.type !== "}");
    let arg = "";
    for (const a of argNodes) {
      const v = a.isNamed ? await this.evalWord(a, ctx) : a.text;
      if (v === null) {
        arg = "\u0000null";
        break;
      }
      arg += v;
    }
    const argValue = arg === "\u0000null" ? null : arg;
    const set = this.isSet(name);
    const value = this.valueOf(name);
    const colon = op.startsWith(":");
    // Whether the variable counts as "missing" for this operator; undefined when unknown.
    const missing =
      set === undefined
        ? undefined
        : !set
          ? true
          : colon
            ? value === null
              ? undefined
              : value === ""
            : false;
    if (missing === undefined) return null;
    switch (op.replace(":", "")) {
      case "-":
        return missing ? argValue : value;
      case "=":
        if (missing) {
          this.setShellVar(name, argValue);
          return argValue;
        }
        return value;
      case "+":
        return missing ? "" : argValue;
      case "?":
        return missing ? null : value;
    }
    return null;
  }
}

// ------------------------------------------------------------------ helpers

/** The pseudo file name under which a shell's `-c` command string is analysed and reported. */
export function commandLabel(shell: ShellId): string {
  return `(${shell === "ash" ? "sh" : shell} -c)`;
}

function loc(file: string, n: Node): FileLocation {
  return { file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 };
}

function errText(err: unknown): string {
  return err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err);
}

/** Removes the backslashes of an unquoted word (`\$` → `$`, line continuations vanish). */
function unbackslash(s: string): string {
  return s.replace(/\\(\n|.)/g, (_m, ch: string) => (ch === "\n" ? "" : ch));
}

function ansiC(s: string): string {
  const map: Record<string, string> = {
    n: "\n",
    t: "\t",
    r: "\r",
    "\\": "\\",
    "'": "'",
    '"': '"',
    e: "\x1b",
    a: "\x07",
  };
  return s.replace(/\\(.)/g, (_m, ch: string) => map[ch] ?? `\\${ch}`);
}

function binaryTest(op: string, l: string | null, r: string | null): boolean | undefined {
  if (l === null || r === null) return undefined;
  switch (op) {
    case "=":
    case "==":
      return l === r;
    case "!=":
      return l !== r;
    case "-eq":
    case "-ne":
    case "-lt":
    case "-le":
    case "-gt":
    case "-ge": {
      const a = Number(l);
      const b = Number(r);
      if (!/^-?\d+$/.test(l.trim()) || !/^-?\d+$/.test(r.trim())) return undefined;
      return { "-eq": a === b, "-ne": a !== b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b }[op];
    }
    default:
      return undefined;
  }
}

/** A shell glob (`*`, `?`, `[…]`) as an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else if (ch === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith("!")) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (ch === "\\" && i + 1 < glob.length) re += `\\${glob[++i]}`;
    else re += ch.replace(/[.+^${}()|\]\\/]/g, "\\$&");
  }
  try {
    return new RegExp(`^${re}$`, "s");
  } catch {
    return /^\b$/; // an invalid class matches nothing
  }
}

/** Expands an absolute glob over the HostFs, sorted as the shell does (C locale). */
async function glob(ctx: ResolverContext, pattern: string): Promise<string[]> {
  const parts = pattern.split("/").filter((p) => p !== "");
  let bases = ["/"];
  for (const part of parts) {
    const next: string[] = [];
    for (const b of bases) {
      if (!/[*?[]/.test(part)) {
        next.push(path.posix.join(b, part));
        continue;
      }
      let names: string[];
      try {
        names = await ctx.fs.readdir(b);
      } catch {
        continue;
      }
      const re = globToRegExp(part);
      for (const name of names.sort()) {
        if (name.startsWith(".") && !part.startsWith(".")) continue;
        if (re.test(name)) next.push(path.posix.join(b, name));
      }
    }
    bases = next;
    if (bases.length > MAX_LOOP_ITEMS) bases = bases.slice(0, MAX_LOOP_ITEMS);
  }
  const out: string[] = [];
  for (const b of bases) if (await existsAny(ctx, b)) out.push(b);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function existsAny(ctx: ResolverContext, p: string): Promise<boolean> {
  try {
    await ctx.fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Per-segment origins: segments kept from the previous value keep their origin, new ones get `at`. */
export function pathSegments(
  prev: readonly PathSegment[] | undefined,
  value: string,
  at: FileLocation,
): PathSegment[] {
  const pool = [...(prev ?? [])];
  return value.split(":").map((segment) => {
    const i = pool.findIndex((p) => p.segment === segment);
    if (i >= 0) {
      const [kept] = pool.splice(i, 1);
      return kept!.location ? { segment, location: kept!.location } : { segment };
    }
    return { segment, location: { file: at.file, ...(at.line !== undefined ? { line: at.line } : {}) } };
  });
}

function memoKey(req: ShellAnalysisRequest): string {
  const e = (k: string) => req.env.get(k) ?? "\u0000";
  return [
    "shell-analysis",
    req.shell,
    JSON.stringify(req.mode),
    e("HOME"),
    e("ZDOTDIR"),
    e("ENV"),
    e("BASH_ENV"),
    // PATH (and the SSH markers bash's plan reads) change evaluated values and the plan itself.
    e("PATH"),
    // SHLVL only matters to bash's sshd rule, so it splits the memo only when SSH_CLIENT is set.
    e("SSH_CLIENT") === "\u0000" && e("SSH2_CLIENT") === "\u0000" ? "" : `ssh:${e("SHLVL")}`,
    String(req.uid ?? ""),
  ].join("\u0001");
}

/** Analyses without the memo (tests, benches). Never throws for bad input: problems become issues. */
export async function analyzeStartupUncached(
  req: ShellAnalysisRequest,
  ctx: ResolverContext,
): Promise<ShellAnalysis> {
  if (req.shell === "fish") return analyzeFishStartup(req, ctx);
  const parser = await bashParser();
  const sim = new Simulation(req.shell, req.mode, ctx, parser, req.env, req.uid);
  try {
    await sim.runPlan(startupPlan(req.shell, req.mode, req.env));
  } catch (err) {
    // A bug in the simulation must not abort a scan: what was found so far is still returned.
    sim.issues.push({
      subject: `${req.shell} startup`,
      code: "EIO",
      detail: `analysis stopped: ${errText(err)}`,
    });
  } finally {
    sim.dispose();
  }
  const final = new Map<string, ShellAssignment>();
  for (const [k, v] of sim.vars) {
    const last = v.pending[v.pending.length - 1];
    if (v.exported && last) final.set(k, last);
  }
  return {
    shell: req.shell,
    mode: req.mode,
    files: sim.files,
    assignments: sim.assignments,
    final,
    issues: sim.issues,
    opaque: sim.opaque,
  };
}

/**
 * The startup analysis of `req.shell` in `req.mode` with the given starting environment, memoised per
 * (shell, mode, HOME, ZDOTDIR, ENV, BASH_ENV, PATH) through `ctx.memo`. fish goes to its own reader.
 *
 * `ctx` is where files are read from and problems go: make one with
 * `createResolverContext({ fs: createHostFs("/"), issues: [] })` (both exported by the package); the
 * analysis reads only through `ctx.fs` (so a mounted host tree works with `createHostFs(root)`) and never
 * runs a file. Never throws for bad input: unreadable or malformed files become `issues`.
 *
 * @example
 * const issues = [];
 * const ctx = createResolverContext({ fs: createHostFs("/"), issues });
 * const a = await analyzeStartup(
 *   { shell: "bash", mode: { login: true, interactive: true }, env: new Map([["HOME", "/home/ada"]]) },
 *   ctx,
 * );
 * a.final.get("EDITOR")?.location; // { file: "/home/ada/.bashrc", line: 12 }
 */
export function analyzeStartup(req: ShellAnalysisRequest, ctx: ResolverContext): Promise<ShellAnalysis> {
  if (req.shell === "fish") return analyzeFishStartup(req, ctx);
  return ctx.memo(memoKey(req), () => analyzeStartupUncached(req, ctx));
}
