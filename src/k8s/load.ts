/**
 * Manifest loading: multi-document YAML or JSON (`kubectl get -o yaml|json`, `kind: List`, typed lists such
 * as `PodList`), with the source line of every mapping and sequence kept so that an env entry can be
 * reported as file:line.
 *
 * Contract: never throws on any input. Syntax errors, alias bombs, over-deep nesting and oversized inputs
 * become {@link CollectionIssue}s; the documents that did parse are still returned.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from "yaml";
import type { CollectionIssue } from "../model/index.js";
import { JsonPosError, parseJsonWithLines } from "./json-pos.js";
import {
  asArray,
  asObject,
  asString,
  type Json,
  type JsonObject,
  type K8sObject,
  type Pos,
  readMeta,
} from "./types.js";
import { type BlockDocument, parseBlockYaml, Unsupported } from "./yaml-block.js";

/** Inputs above this size are not parsed (a `TOO_LARGE` issue instead). */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/**
 * YAML above this size is not parsed: the YAML parser's document model takes tens of times the text in
 * memory (a 63 MB manifest exhausted a 4 GB heap). JSON takes the streaming fast path up to the limit above.
 */
export const MAX_YAML_BYTES = 24 * 1024 * 1024;
/** Nesting deeper than this is cut (a `TOO_LARGE` issue); real manifests stay far below it. */
export const MAX_DEPTH = 200;
/** Alias expansions per document; guards against "billion laughs" documents. */
export const MAX_ALIASES = 1000;

const SOFT_ERRORS: ReadonlySet<string> = new Set(["BAD_DQ_ESCAPE"]);

/**
 * Source positions of the mappings and sequences produced by the loader. Kept as one number per container
 * (file number and line) in a Map, made into a {@link Pos} only when asked: a WeakMap of Pos objects cost
 * half of a JSON manifest's load time (ephemeron tables slow every garbage collection), and most positions
 * are never asked for. The table holds its objects strongly; it lives as long as the index that uses it.
 */
export class Positions {
  private readonly map = new Map<object, number | Pos>();
  private readonly files: string[] = [];
  private readonly fileIds = new Map<string, number>();

  set(o: object, p: Pos): void {
    this.map.set(o, p);
  }

  /** A number for `file`, for {@link setLine}. */
  fileId(file: string): number {
    let id = this.fileIds.get(file);
    if (id === undefined) {
      id = this.files.length;
      this.files.push(file);
      this.fileIds.set(file, id);
    }
    return id;
  }

  /** Records line `line` of file number `fileId` for `o` (the loader's fast path). */
  setLine(o: object, fileId: number, line: number): void {
    this.map.set(o, fileId * LINE_SPAN + line);
  }

  get(o: unknown): Pos | undefined {
    if (o === null || typeof o !== "object") return undefined;
    const v = this.map.get(o);
    if (typeof v !== "number") return v;
    return { file: this.files[Math.floor(v / LINE_SPAN)]!, line: v % LINE_SPAN };
  }
}

/** Lines per file in the packed form (inputs are at most 64 MiB, so fewer lines than this). */
const LINE_SPAN = 2 ** 27;

export interface LoadResult {
  objects: K8sObject[];
  issues: CollectionIssue[];
}

interface WalkState {
  file: string;
  lines: LineCounter;
  /** Lines before the text the library parsed (one document of a larger stream). */
  lineOffset: number;
  positions: Positions;
  aliases: number;
  truncated: boolean;
  doc: Document | undefined;
}

function lineOf(st: WalkState, node: { range?: unknown } | null | undefined): number {
  const r = node?.range;
  if (Array.isArray(r) && typeof r[0] === "number") return st.lines.linePos(r[0]).line + st.lineOffset;
  return 0;
}

function toJson(node: unknown, st: WalkState, depth: number, seen: Set<unknown>): Json {
  if (depth > MAX_DEPTH) {
    st.truncated = true;
    return null;
  }
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
    if (typeof v === "bigint") return v.toString();
    return String(v);
  }
  if (isAlias(node)) {
    if (++st.aliases > MAX_ALIASES) {
      st.truncated = true;
      return null;
    }
    const target = st.doc ? node.resolve(st.doc) : undefined;
    if (!target || seen.has(target)) return null; // cyclic alias
    seen.add(target);
    const out = toJson(target, st, depth + 1, seen);
    seen.delete(target);
    return out;
  }
  if (isMap(node)) {
    const out: JsonObject = {};
    st.positions.set(out, { file: st.file, line: lineOf(st, node) });
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const k = item.key;
      let key: string;
      if (isScalar(k)) key = String(k.value);
      else if (k === null || k === undefined) key = "";
      else {
        const kj = toJson(k, st, depth + 1, seen);
        key = typeof kj === "string" ? kj : JSON.stringify(kj);
      }
      const val = toJson(item.value, st, depth + 1, seen);
      // Own data property even for "__proto__", so that no input can reach Object.prototype.
      Object.defineProperty(out, key, { value: val, enumerable: true, writable: true, configurable: true });
      if (val !== null && typeof val === "object" && !st.positions.get(val)) {
        st.positions.set(val, { file: st.file, line: lineOf(st, item.key as Node) });
      }
    }
    return out;
  }
  if (isSeq(node)) {
    const out: Json[] = [];
    st.positions.set(out, { file: st.file, line: lineOf(st, node) });
    for (const item of node.items) out.push(toJson(item, st, depth + 1, seen));
    return out;
  }
  if (isPair(node)) return toJson(node.value, st, depth + 1, seen);
  return null;
}

/** Turns one parsed top-level value into objects, flattening `List` kinds. */
function collect(
  value: Json,
  file: string,
  positions: Positions,
  out: K8sObject[],
  issues: CollectionIssue[],
  where: string,
  inferredKind?: string,
): void {
  const o = asObject(value);
  if (!o) {
    if (value !== null)
      issues.push({ subject: where, code: "PARSE", detail: "document is not a mapping; skipped" });
    return;
  }
  let kind = asString(o.kind) ?? inferredKind;
  if (kind && (kind === "List" || kind.endsWith("List")) && Array.isArray(o.items)) {
    const itemKind = kind === "List" ? undefined : kind.slice(0, -"List".length);
    for (const item of asArray(o.items)) collect(item, file, positions, out, issues, where, itemKind);
    return;
  }
  if (!kind) {
    issues.push({ subject: where, code: "PARSE", detail: "document has no kind; skipped" });
    return;
  }
  if (asString(o.kind) === undefined) {
    kind = inferredKind ?? kind;
  }
  const obj: K8sObject = { kind, metadata: readMeta(o), raw: o };
  const apiVersion = asString(o.apiVersion);
  if (apiVersion) obj.apiVersion = apiVersion;
  const pos = positions.get(o);
  if (pos) obj.pos = pos;
  out.push(obj);
}

/**
 * YAML through the `yaml` library (everything the fast path leaves): `text` is the whole input or one
 * document of it, `lineOffset` the lines before it, so that positions and issues name the input's lines.
 */
function loadWithLibrary(
  text: string,
  file: string,
  positions: Positions,
  objects: K8sObject[],
  issues: CollectionIssue[],
  lineOffset: number,
): void {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  // An empty stream yields an EmptyStream object (not an array): nothing to load.
  if (!Array.isArray(docs)) return;
  for (const doc of docs) {
    const where0 = doc.contents ? lines.linePos(doc.contents.range?.[0] ?? 0).line : 1;
    const where = `${file}:${(where0 || 1) + lineOffset}`;
    // Go's YAML decoder (kubectl) accepts unknown escapes such as `\'` in double quotes; so do we, with an issue.
    const soft = doc.errors.filter((e) => SOFT_ERRORS.has(e.code));
    for (const e of soft) {
      const line = e.linePos?.[0]?.line && e.linePos[0].line + lineOffset;
      issues.push({
        subject: line ? `${file}:${line}` : where,
        code: "PARSE",
        detail: `YAML ${e.code}: kept as written, as kubectl would`,
      });
    }
    const hard = doc.errors.filter((e) => !SOFT_ERRORS.has(e.code));
    if (hard.length > 0) {
      const e = hard[0]!;
      const line = e.linePos?.[0]?.line && e.linePos[0].line + lineOffset;
      issues.push({
        subject: line ? `${file}:${line}` : where,
        code: "PARSE",
        detail: `YAML/JSON syntax error (${e.code}); document skipped`,
      });
      continue;
    }
    const st: WalkState = { file, lines, lineOffset, positions, aliases: 0, truncated: false, doc };
    const value = toJson(doc.contents, st, 0, new Set());
    if (st.truncated) {
      issues.push({
        subject: where,
        code: "TOO_LARGE",
        detail: `document nests deeper than ${MAX_DEPTH} levels or expands more than ${MAX_ALIASES} aliases; cut there`,
      });
    }
    collect(value, file, positions, objects, issues, where);
  }
}

export interface LoadOptions {
  /**
   * Read each YAML document through the block-YAML fast path when it can (default true; false: the `yaml`
   * library only — tests compare the two).
   */
  yamlFastPath?: boolean;
}

/**
 * YAML, document by document: each through the block-YAML fast path (yaml-block.ts), or, when it uses
 * anything outside that subset, through the `yaml` library — so that one folded scalar in a 500-document
 * `helm template` output costs one document's speed, not all of them. Documents start at `---` lines
 * (column 0; YAML forbids them inside a document's scalars); inputs with directives go to the library whole.
 */
function loadYaml(
  text: string,
  file: string,
  positions: Positions,
  objects: K8sObject[],
  issues: CollectionIssue[],
): void {
  if (/^%/m.test(text)) {
    loadWithLibrary(text, file, positions, objects, issues, 0);
    return;
  }
  const starts = [0];
  for (let i = text.indexOf("\n---"); i >= 0; i = text.indexOf("\n---", i + 1)) {
    const c = text.charCodeAt(i + 4);
    if (Number.isNaN(c) || c === 10 || c === 13 || c === 32 || c === 9) starts.push(i + 1);
  }
  starts.push(text.length);
  const id = positions.fileId(file);
  const found: object[] = [];
  const at: number[] = [];
  const onContainer = (o: object, line: number) => {
    found.push(o);
    at.push(line);
  };
  let lineOffset = 0;
  for (let k = 0; k + 1 < starts.length; k++) {
    const seg = text.slice(starts[k], starts[k + 1]);
    found.length = 0;
    at.length = 0;
    let docs: BlockDocument[] | undefined;
    try {
      docs = parseBlockYaml(seg, onContainer, MAX_DEPTH);
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
    }
    if (docs) {
      for (let i = 0; i < found.length; i++) positions.setLine(found[i]!, id, at[i]! + lineOffset);
      for (const d of docs)
        collect(d.value, file, positions, objects, issues, `${file}:${(d.line || 1) + lineOffset}`);
    } else {
      loadWithLibrary(seg, file, positions, objects, issues, lineOffset);
    }
    for (let i = seg.indexOf("\n"); i >= 0; i = seg.indexOf("\n", i + 1)) lineOffset++;
  }
}

/**
 * Loads every Kubernetes object from one manifest text (YAML, multi-document, or JSON).
 * `positions` receives the source line of every mapping and sequence (pass one table for many files).
 */
export function loadManifest(
  text: string,
  file: string,
  positions: Positions = new Positions(),
  opts: LoadOptions = {},
): LoadResult {
  const objects: K8sObject[] = [];
  const issues: CollectionIssue[] = [];
  try {
    if (text.length > MAX_MANIFEST_BYTES) {
      issues.push({
        subject: file,
        code: "TOO_LARGE",
        detail: `manifest is ${text.length} bytes, above the ${MAX_MANIFEST_BYTES}-byte limit; skipped`,
      });
      return { objects, issues };
    }
    // Strict JSON (`kubectl get -o json`) takes a fast path with the same line positions.
    const first = /\S/.exec(text)?.[0];
    if (first === "{" || first === "[") {
      try {
        const id = positions.fileId(file);
        const value = parseJsonWithLines(text, (o, line) => positions.setLine(o, id, line), MAX_DEPTH);
        collect(value, file, positions, objects, issues, `${file}:1`);
        return { objects, issues };
      } catch (err) {
        if (!(err instanceof JsonPosError)) throw err;
        if (/^nesting deeper/.test(err.message)) {
          issues.push({
            subject: `${file}:${err.line}`,
            code: "TOO_LARGE",
            detail: `JSON ${err.message}; skipped`,
          });
          return { objects, issues };
        }
        // Not strict JSON (YAML flow style, comments, several documents): the YAML path below decides.
      }
    }
    if (text.length > MAX_YAML_BYTES) {
      issues.push({
        subject: file,
        code: "TOO_LARGE",
        detail: `YAML manifest is ${text.length} bytes, above the ${MAX_YAML_BYTES}-byte limit for YAML; skipped (use kubectl get -o json, or split it)`,
      });
      return { objects, issues };
    }
    if (opts.yamlFastPath === false) loadWithLibrary(text, file, positions, objects, issues, 0);
    else loadYaml(text, file, positions, objects, issues);
  } catch (err) {
    issues.push({
      subject: file,
      code: "PARSE",
      detail: `could not parse: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
    });
  }
  return { objects, issues };
}

/** Loads objects from an already parsed JSON value (API responses); no line positions. */
export function loadParsed(value: unknown, source: string): LoadResult {
  const objects: K8sObject[] = [];
  const issues: CollectionIssue[] = [];
  collect(value as Json, source, new Positions(), objects, issues, source);
  return { objects, issues };
}
