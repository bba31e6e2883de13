/**
 * CI files as plain trees that remember where every value was written. The `yaml` package parses with a
 * LineCounter; aliases (`*x`) and merge keys (`<<: *x`, `<<: [*a, *b]`) are resolved here, keeping the
 * position of the anchored node (the line a reader would look at). Explicit merge precedence (YAML merge
 * key spec): the mapping's own keys win, then the merged mappings in the order listed.
 *
 * Tags such as GitLab's `!reference [.job, variables]` are kept (`tag`) for the caller to resolve.
 *
 * `yaml` is imported when the first CI file is parsed: most runs are not in a CI job, and the parser is a
 * quarter of the code `explain` would otherwise load at start-up.
 */
import type { Node } from "yaml";

export interface PosBase {
  file: string;
  line: number;
  /** Last line of the value (block scalars span several). */
  endLine?: number;
  tag?: string;
}
export interface PosScalar extends PosBase {
  kind: "scalar";
  /** The scalar as text (numbers and booleans as YAML wrote them, `null` for an empty value). */
  value: string | null;
}
export interface PosSeq extends PosBase {
  kind: "seq";
  items: PosValue[];
}
export interface PosMap extends PosBase {
  kind: "map";
  entries: Map<string, PosValue>;
  /** Line of each key (the `KEY:` line), which is what file:line should point at. */
  keyLines: Map<string, number>;
}
export type PosValue = PosScalar | PosSeq | PosMap;

export interface ParsedYaml {
  file: string;
  root: PosValue | null;
  /** Errors the parser reported (a malformed file); warnings such as unknown tags are ignored. */
  errors: string[];
}

const MAX_DEPTH = 64;

export async function parseYamlWithPositions(text: string, file: string): Promise<ParsedYaml> {
  const { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = await import("yaml");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: false, uniqueKeys: false, prettyErrors: false });
  const errors = doc.errors.map((e) => {
    const at = e.linePos?.[0];
    return at ? `line ${at.line}: ${e.code}` : e.code;
  });
  const lineOf = (n: { range?: unknown } | null | undefined): number => {
    const r = (n as { range?: [number, number, number] } | null | undefined)?.range;
    return r ? lineCounter.linePos(r[0]).line : 0;
  };
  const convert = (n: unknown, depth: number): PosValue | null => {
    if (n === null || n === undefined || depth > MAX_DEPTH) return null;
    if (isAlias(n)) return convert(n.resolve(doc), depth + 1);
    const node = n as Node;
    const base: PosBase = { file, line: lineOf(node) };
    const r = (node as { range?: [number, number, number] }).range;
    if (r) base.endLine = lineCounter.linePos(Math.max(r[0], r[1] - 1)).line;
    if (node.tag && !node.tag.startsWith("tag:yaml.org")) base.tag = node.tag;
    if (isScalar(node)) {
      const v = node.value;
      const s = v === null || v === undefined ? null : typeof v === "string" ? v : (node.source ?? String(v));
      return { ...base, kind: "scalar", value: s };
    }
    if (isSeq(node)) {
      const items: PosValue[] = [];
      for (const it of node.items) {
        const c = convert(it, depth + 1);
        if (c) items.push(c);
      }
      return { ...base, kind: "seq", items };
    }
    if (isMap(node)) {
      const entries = new Map<string, PosValue>();
      const keyLines = new Map<string, number>();
      const merged: PosMap[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        const key = isScalar(k)
          ? String(k.value)
          : isAlias(k)
            ? String((k.resolve(doc) as { value?: unknown })?.value)
            : "";
        if (key === "<<" && !(isScalar(k) && k.type !== "PLAIN")) {
          const src = convert(pair.value, depth + 1);
          if (src?.kind === "map") merged.push(src);
          else if (src?.kind === "seq") for (const m of src.items) if (m.kind === "map") merged.push(m);
          continue;
        }
        const v = convert(pair.value, depth + 1) ?? {
          file,
          line: lineOf(k as Node),
          kind: "scalar",
          value: null,
        };
        // Duplicate keys: the last one wins (as GitLab's and GitHub's parsers do with uniqueKeys off).
        entries.set(key, v);
        keyLines.set(key, lineOf(k as Node));
      }
      for (const m of merged) {
        for (const [k, v] of m.entries) {
          if (entries.has(k)) continue;
          entries.set(k, v);
          keyLines.set(k, m.keyLines.get(k) ?? v.line);
        }
      }
      return { ...base, kind: "map", entries, keyLines };
    }
    return null;
  };
  let root: PosValue | null = null;
  try {
    root = convert(doc.contents, 0);
  } catch (err) {
    errors.push(err instanceof Error ? err.message.split("\n")[0]! : String(err));
  }
  return { file, root, errors };
}

export function get(v: PosValue | null | undefined, key: string): PosValue | undefined {
  return v?.kind === "map" ? v.entries.get(key) : undefined;
}

export function scalar(v: PosValue | null | undefined): string | null | undefined {
  return v?.kind === "scalar" ? v.value : undefined;
}

/** A scalar or a list of scalars as strings (`needs: [a, {job: b}]` keeps the `job:` names too). */
export function stringList(v: PosValue | undefined, objectKey?: string): string[] {
  if (!v) return [];
  if (v.kind === "scalar") return v.value === null ? [] : [v.value];
  if (v.kind === "seq") {
    const out: string[] = [];
    for (const it of v.items) {
      if (it.kind === "scalar" && it.value !== null) out.push(it.value);
      else if (it.kind === "map" && objectKey) {
        const s = scalar(it.entries.get(objectKey));
        if (s) out.push(s);
      }
    }
    return out;
  }
  return [];
}

/** GitLab's deep merge (include and extends): hashes merge key by key, anything else is replaced. */
export function deepMerge(base: PosMap, over: PosMap): PosMap {
  const entries = new Map(base.entries);
  const keyLines = new Map(base.keyLines);
  for (const [k, v] of over.entries) {
    const b = entries.get(k);
    entries.set(k, b?.kind === "map" && v.kind === "map" && !v.tag ? deepMerge(b, v) : v);
    keyLines.set(k, over.keyLines.get(k) ?? v.line);
  }
  return { ...over, entries, keyLines };
}
