/**
 * A static type checker for the CEL expressions of a policy. `@bufbuild/cel` parses and evaluates CEL but
 * (0.6) exports no type checker, and a policy must be refused at load, not mid-scan: `v.line > "x"`,
 * `v.soruce.kind` or `size(1)` are errors here, with the offset of the offending node.
 *
 * It follows the CEL specification's overloads for the operators and the standard functions (plus the
 * strings extension) over a small type language; `dyn` accepts everything, as in cel-go.
 */
import type { parse } from "@bufbuild/cel";

type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr["expr"];

export type CelT =
  | {
      k:
        | "string"
        | "int"
        | "uint"
        | "double"
        | "bool"
        | "null"
        | "bytes"
        | "dyn"
        | "timestamp"
        | "duration"
        | "type";
    }
  | { k: "list"; e: CelT }
  | { k: "map"; key: CelT; val: CelT }
  | { k: "obj"; name: string; fields: Record<string, CelT> };

export const T = {
  string: { k: "string" },
  int: { k: "int" },
  uint: { k: "uint" },
  double: { k: "double" },
  bool: { k: "bool" },
  null: { k: "null" },
  bytes: { k: "bytes" },
  dyn: { k: "dyn" },
  timestamp: { k: "timestamp" },
  duration: { k: "duration" },
  type: { k: "type" },
} as const satisfies Record<string, CelT>;

export const list = (e: CelT): CelT => ({ k: "list", e });
export const map = (key: CelT, val: CelT): CelT => ({ k: "map", key, val });
export const obj = (name: string, fields: Record<string, CelT>): CelT => ({ k: "obj", name, fields });

export function typeName(t: CelT): string {
  switch (t.k) {
    case "list":
      return `list(${typeName(t.e)})`;
    case "map":
      return `map(${typeName(t.key)}, ${typeName(t.val)})`;
    case "obj":
      return t.name;
    default:
      return t.k;
  }
}

/** A type error at a node (offset into the expression text, when the parser recorded one). */
export class CelTypeError extends Error {
  constructor(
    message: string,
    readonly offset: number | undefined,
  ) {
    super(message);
  }
}

const NUMERIC = new Set(["int", "uint", "double"]);
const isDyn = (t: CelT) => t.k === "dyn";

/** The more specific of two compatible types, or null when they do not agree. */
function unify(a: CelT, b: CelT): CelT | null {
  if (isDyn(a)) return b;
  if (isDyn(b)) return a;
  if (a.k === "null" && (b.k === "obj" || b.k === "timestamp" || b.k === "duration")) return b;
  if (b.k === "null" && (a.k === "obj" || a.k === "timestamp" || a.k === "duration")) return a;
  if (a.k !== b.k) return null;
  if (a.k === "list" && b.k === "list") {
    const e = unify(a.e, b.e);
    return e ? list(e) : null;
  }
  if (a.k === "map" && b.k === "map") {
    const key = unify(a.key, b.key);
    const val = unify(a.val, b.val);
    return key && val ? map(key, val) : null;
  }
  if (a.k === "obj" && b.k === "obj") return a.name === b.name ? a : null;
  return a;
}

/** `is(t, "string", …)`: t is one of these kinds, or dyn. */
const is = (t: CelT, ...kinds: string[]) => isDyn(t) || kinds.includes(t.k);

type Sig = (self: CelT | undefined, args: CelT[]) => CelT | string;

const STR_BOOL: Sig = (self, args) =>
  self && is(self, "string") && args.length === 1 && is(args[0]!, "string")
    ? T.bool
    : "expects a string receiver and one string argument";

/** Receiver-style functions (`s.startsWith(x)`), by name. Returns the type or an error text. */
const METHODS: Record<string, Sig> = {
  contains: STR_BOOL,
  startsWith: STR_BOOL,
  endsWith: STR_BOOL,
  matches: STR_BOOL,
  size: (self, args) =>
    self && args.length === 0 && is(self, "string", "bytes", "list", "map")
      ? T.int
      : "applies to a string, bytes, list or map",
  lowerAscii: (self, args) =>
    self && is(self, "string") && args.length === 0 ? T.string : "applies to a string",
  upperAscii: (self, args) =>
    self && is(self, "string") && args.length === 0 ? T.string : "applies to a string",
  trim: (self, args) => (self && is(self, "string") && args.length === 0 ? T.string : "applies to a string"),
  indexOf: (self, args) =>
    self &&
    is(self, "string") &&
    args.length >= 1 &&
    is(args[0]!, "string") &&
    (args.length === 1 || is(args[1]!, "int"))
      ? T.int
      : "expects (string[, int])",
  lastIndexOf: (self, args) =>
    self && is(self, "string") && args.length >= 1 && is(args[0]!, "string")
      ? T.int
      : "expects (string[, int])",
  charAt: (self, args) =>
    self && is(self, "string") && args.length === 1 && is(args[0]!, "int") ? T.string : "expects (int)",
  substring: (self, args) =>
    self && is(self, "string") && args.length >= 1 && args.length <= 2 && args.every((a) => is(a, "int"))
      ? T.string
      : "expects (int[, int])",
  replace: (self, args) =>
    self && is(self, "string") && args.length >= 2 && is(args[0]!, "string") && is(args[1]!, "string")
      ? T.string
      : "expects (string, string[, int])",
  split: (self, args) =>
    self && is(self, "string") && args.length >= 1 && is(args[0]!, "string")
      ? list(T.string)
      : "expects (string[, int])",
  join: (self, args) =>
    self && (isDyn(self) || (self.k === "list" && is(self.e, "string"))) && args.length <= 1
      ? T.string
      : "applies to a list of strings",
};

/** Global functions and conversions, by name. */
const FUNCTIONS: Record<string, Sig> = {
  size: (_s, args) =>
    args.length === 1 && is(args[0]!, "string", "bytes", "list", "map")
      ? T.int
      : "applies to a string, bytes, list or map",
  int: (_s, args) =>
    args.length === 1 && is(args[0]!, "int", "uint", "double", "string", "timestamp")
      ? T.int
      : "cannot convert",
  uint: (_s, args) =>
    args.length === 1 && is(args[0]!, "int", "uint", "double", "string") ? T.uint : "cannot convert",
  double: (_s, args) =>
    args.length === 1 && is(args[0]!, "int", "uint", "double", "string") ? T.double : "cannot convert",
  string: (_s, args) => (args.length === 1 ? T.string : "expects one argument"),
  bool: (_s, args) => (args.length === 1 && is(args[0]!, "bool", "string") ? T.bool : "cannot convert"),
  bytes: (_s, args) => (args.length === 1 && is(args[0]!, "bytes", "string") ? T.bytes : "cannot convert"),
  dyn: (_s, args) => (args.length === 1 ? T.dyn : "expects one argument"),
  type: (_s, args) => (args.length === 1 ? T.type : "expects one argument"),
  timestamp: (_s, args) =>
    args.length === 1 && is(args[0]!, "string", "timestamp", "int") ? T.timestamp : "expects a string",
  duration: (_s, args) =>
    args.length === 1 && is(args[0]!, "string", "duration") ? T.duration : "expects a string",
  matches: (_s, args) =>
    args.length === 2 && args.every((a) => is(a, "string")) ? T.bool : "expects (string, string)",
};

const TIME_GETTERS = new Set([
  "getFullYear",
  "getMonth",
  "getDayOfYear",
  "getDayOfMonth",
  "getDate",
  "getDayOfWeek",
  "getHours",
  "getMinutes",
  "getSeconds",
  "getMilliseconds",
]);

function arith(op: string, a: CelT, b: CelT): CelT | string {
  if (op === "_+_") {
    if (a.k === "timestamp" && is(b, "duration")) return T.timestamp;
    if (a.k === "duration" && is(b, "timestamp")) return T.timestamp;
    const u = unify(a, b);
    if (u && is(u, "int", "uint", "double", "string", "bytes", "list", "duration")) return u;
    return `cannot add ${typeName(a)} and ${typeName(b)}`;
  }
  if (op === "_-_" && a.k === "timestamp" && b.k === "timestamp") return T.duration;
  if (op === "_-_" && a.k === "timestamp" && is(b, "duration")) return T.timestamp;
  const u = unify(a, b);
  if (u && (isDyn(u) || NUMERIC.has(u.k) || (op === "_-_" && u.k === "duration"))) return u;
  return `no ${op.replace(/_/g, "")} between ${typeName(a)} and ${typeName(b)}`;
}

function comparable(a: CelT, b: CelT): boolean {
  if (isDyn(a) || isDyn(b)) return true;
  if (NUMERIC.has(a.k) && NUMERIC.has(b.k)) return true;
  return a.k === b.k && ["string", "bool", "bytes", "timestamp", "duration"].includes(a.k);
}

export interface CheckContext {
  /** Declared variables and their types. */
  vars: Record<string, CelT>;
  /** Called for every constant `matches` pattern (compile it; throw to refuse). */
  pattern?: (p: string) => void;
}

/** Type-checks a parsed expression; returns its type or throws a {@link CelTypeError}. */
export function checkExpr(parsed: ParsedExpr, ctx: CheckContext): CelT {
  const positions = parsed.sourceInfo?.positions ?? {};
  const at = (e: Expr) => positions[String(e.id)] as number | undefined;
  const fail = (e: Expr, msg: string): never => {
    throw new CelTypeError(msg, at(e));
  };

  const check = (e: Expr, scope: Map<string, CelT>): CelT => {
    const kind = e.exprKind;
    switch (kind.case) {
      case "constExpr": {
        const c = kind.value.constantKind.case;
        return c === "boolValue"
          ? T.bool
          : c === "int64Value"
            ? T.int
            : c === "uint64Value"
              ? T.uint
              : c === "doubleValue"
                ? T.double
                : c === "stringValue"
                  ? T.string
                  : c === "bytesValue"
                    ? T.bytes
                    : c === "nullValue"
                      ? T.null
                      : T.dyn;
      }
      case "identExpr": {
        const name = kind.value.name;
        const t = scope.get(name) ?? ctx.vars[name];
        if (!t) {
          const known = [...new Set([...scope.keys(), ...Object.keys(ctx.vars)])].filter(
            (n) => !n.startsWith("@"),
          );
          return fail(e, `undeclared reference '${name}' (known: ${known.join(", ")})`);
        }
        return t;
      }
      case "selectExpr": {
        const { operand, field, testOnly } = kind.value;
        if (!operand) return fail(e, "selection without operand");
        const t = check(operand, scope);
        let r: CelT;
        if (t.k === "obj") {
          const f = t.fields[field];
          if (!f)
            return fail(e, `${t.name} has no field '${field}' (fields: ${Object.keys(t.fields).join(", ")})`);
          r = f;
        } else if (t.k === "map") {
          if (!is(t.key, "string")) return fail(e, `cannot select '${field}' from ${typeName(t)}`);
          r = t.val;
        } else if (isDyn(t)) r = T.dyn;
        else return fail(e, `cannot select '${field}' from ${typeName(t)}`);
        return testOnly ? T.bool : r;
      }
      case "listExpr": {
        let el: CelT = T.dyn;
        let first = true;
        for (const x of kind.value.elements) {
          const t = check(x, scope);
          if (first) {
            el = t;
            first = false;
          } else el = unify(el, t) ?? T.dyn;
        }
        return list(el);
      }
      case "structExpr": {
        const { messageName, entries } = kind.value;
        if (messageName) return fail(e, `message construction (${messageName}) is not available in policies`);
        let key: CelT = T.dyn;
        let val: CelT = T.dyn;
        entries.forEach((en, i) => {
          if (en.keyKind.case !== "mapKey") return;
          const kt = check(en.keyKind.value, scope);
          const vt = en.value ? check(en.value, scope) : T.dyn;
          key = i === 0 ? kt : (unify(key, kt) ?? T.dyn);
          val = i === 0 ? vt : (unify(val, vt) ?? T.dyn);
        });
        return map(key, val);
      }
      case "comprehensionExpr": {
        const c = kind.value;
        if (!c.iterRange || !c.accuInit || !c.loopStep || !c.result)
          return fail(e, "incomplete comprehension");
        const range = check(c.iterRange, scope);
        let iter: CelT;
        let iter2: CelT | undefined;
        if (range.k === "list") {
          iter = range.e;
          iter2 = c.iterVar2 ? range.e : undefined;
          if (c.iterVar2) iter = T.int;
        } else if (range.k === "map") {
          iter = range.key;
          iter2 = range.val;
        } else if (isDyn(range)) {
          iter = T.dyn;
          iter2 = T.dyn;
        } else return fail(c.iterRange, `cannot iterate over ${typeName(range)}`);
        const init = check(c.accuInit, scope);
        const inner = (accu: CelT) => {
          const s = new Map(scope);
          s.set(c.iterVar, iter);
          if (c.iterVar2 && iter2) s.set(c.iterVar2, iter2);
          s.set(c.accuVar, accu);
          return s;
        };
        const step = check(c.loopStep, inner(init));
        const accu =
          unify(init, step) ??
          fail(c.loopStep, `the loop step gives ${typeName(step)}, not ${typeName(init)}`);
        if (c.loopCondition) {
          const cond = check(c.loopCondition, inner(accu));
          if (!is(cond, "bool")) return fail(c.loopCondition, "the condition is not a bool");
        }
        check(c.loopStep, inner(accu));
        const resultScope = new Map(scope);
        resultScope.set(c.accuVar, accu);
        return check(c.result, resultScope);
      }
      case "callExpr":
        return call(e, kind.value, scope);
      default:
        return fail(e, "unsupported expression");
    }
  };

  const call = (
    e: Expr,
    c: Extract<Expr["exprKind"], { case: "callExpr" }>["value"],
    scope: Map<string, CelT>,
  ): CelT => {
    const fn = c.function;
    const self = c.target ? check(c.target, scope) : undefined;
    const args = c.args.map((a) => check(a, scope));
    const [a, b] = args;
    const need = (ok: boolean, msg: string) => (ok ? undefined : fail(e, msg));
    switch (fn) {
      case "_&&_":
      case "_||_":
        need(
          args.every((x) => is(x, "bool")),
          `${fn.replace(/_/g, "")} needs bools, got ${args.map(typeName).join(" and ")}`,
        );
        return T.bool;
      case "!_":
        need(is(a!, "bool"), `! needs a bool, got ${typeName(a!)}`);
        return T.bool;
      case "@not_strictly_false":
        return T.bool;
      case "-_":
        need(is(a!, "int", "double", "duration"), `cannot negate ${typeName(a!)}`);
        return a!;
      case "_==_":
      case "_!=_":
        need(
          unify(a!, b!) !== null || (NUMERIC.has(a!.k) && NUMERIC.has(b!.k)),
          `cannot compare ${typeName(a!)} with ${typeName(b!)} (${fn.replace(/_/g, "")})`,
        );
        return T.bool;
      case "_<_":
      case "_<=_":
      case "_>_":
      case "_>=_":
        need(
          comparable(a!, b!),
          `cannot order ${typeName(a!)} and ${typeName(b!)} (${fn.replace(/_/g, "")})`,
        );
        return T.bool;
      case "_+_":
      case "_-_":
      case "_*_":
      case "_/_":
      case "_%_": {
        const r = arith(fn, a!, b!);
        return typeof r === "string" ? fail(e, r) : r;
      }
      case "_?_:_": {
        need(is(a!, "bool"), `the condition of ?: is ${typeName(a!)}, not bool`);
        const u = unify(b!, args[2]!);
        return u ?? fail(e, `the branches of ?: differ: ${typeName(b!)} and ${typeName(args[2]!)}`);
      }
      case "_[_]": {
        if (a!.k === "list") {
          need(is(b!, "int", "uint"), `a list index must be an int, got ${typeName(b!)}`);
          return a!.e;
        }
        if (a!.k === "map") {
          need(unify(a!.key, b!) !== null, `a key of ${typeName(a!)} cannot be ${typeName(b!)}`);
          return a!.val;
        }
        if (isDyn(a!)) return T.dyn;
        return fail(e, `cannot index ${typeName(a!)}`);
      }
      case "@in": {
        if (b!.k === "list") need(unify(a!, b!.e) !== null, `${typeName(a!)} cannot be in ${typeName(b!)}`);
        else if (b!.k === "map")
          need(unify(a!, b!.key) !== null, `${typeName(a!)} cannot be a key of ${typeName(b!)}`);
        else need(isDyn(b!), `'in' needs a list or map, got ${typeName(b!)}`);
        return T.bool;
      }
    }
    if (self) {
      if (self.k === "timestamp" && TIME_GETTERS.has(fn)) return T.int;
      const m = METHODS[fn];
      if (!m) return fail(e, `unknown method '${fn}' on ${typeName(self)}`);
      const r = m(self, args);
      if (typeof r === "string")
        return fail(e, `${fn}(): ${r}, got ${typeName(self)}.${fn}(${args.map(typeName).join(", ")})`);
      if (fn === "matches") constantPattern(e, c.args[0]);
      return r;
    }
    const f = FUNCTIONS[fn];
    if (!f) return fail(e, `unknown function '${fn}'`);
    const r = f(undefined, args);
    if (typeof r === "string") return fail(e, `${fn}(): ${r}, got ${fn}(${args.map(typeName).join(", ")})`);
    if (fn === "matches") constantPattern(e, c.args[1]);
    return r;
  };

  const constantPattern = (e: Expr, arg: Expr | undefined) => {
    if (!ctx.pattern || arg?.exprKind.case !== "constExpr") return;
    const k = arg.exprKind.value.constantKind;
    if (k.case !== "stringValue") return;
    try {
      ctx.pattern(k.value);
    } catch (err) {
      fail(e, `bad regular expression '${k.value}': ${(err as Error).message}`);
    }
  };

  if (!parsed.expr) throw new CelTypeError("empty expression", 0);
  return check(parsed.expr, new Map());
}
