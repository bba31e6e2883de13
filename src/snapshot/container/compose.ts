/**
 * Compose files, read for one thing: where a service's variables are written. `environment:` (map or list
 * form) and `env_file:` (string, list, or list of `{path, required}`) entries come back with file:line,
 * kept from the YAML source positions (`yaml`'s LineCounter). Never throws; anything malformed is an issue.
 * Compose-level interpolation (`${VAR}` from the shell or `.env`) is recognised, and expanded where the
 * caller gives a lookup.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { CollectionIssue } from "../../model/index.js";

export interface ComposeEnvEntry {
  key: string;
  /** undefined: `KEY` / `KEY:` with no value, taken from the shell that ran compose. */
  value?: string;
  line: number;
  column: number;
  form: "map" | "list";
}

export interface ComposeEnvFileRef {
  path: string;
  required: boolean;
  line: number;
}

export interface ComposeService {
  name: string;
  environment: ComposeEnvEntry[];
  envFiles: ComposeEnvFileRef[];
}

export interface ParsedCompose {
  services: Map<string, ComposeService>;
  issues: CollectionIssue[];
}

const MAX_ALIAS_DEPTH = 16;

function deref(node: unknown, doc: ReturnType<typeof parseDocument>): unknown {
  let n = node;
  for (let i = 0; i < MAX_ALIAS_DEPTH && isAlias(n); i++) n = n.resolve(doc);
  return isAlias(n) ? undefined : n;
}

/** `map[key]`, following `<<` merge keys (an alias to a map, or a list of them) as compose does. */
function getIn(map: unknown, key: string, doc: ReturnType<typeof parseDocument>, depth = 0): unknown {
  if (!isMap(map) || depth > MAX_ALIAS_DEPTH) return undefined;
  const direct = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  if (direct) return deref(direct.value, doc);
  for (const p of map.items) {
    if (!(isScalar(p.key) && p.key.value === "<<")) continue;
    const v = deref(p.value, doc);
    const sources = isSeq(v) ? v.items.map((x) => deref(x, doc)) : [v];
    for (const src of sources) {
      const got = getIn(src, key, doc, depth + 1);
      if (got !== undefined) return got;
    }
  }
  return undefined;
}

function scalarString(node: unknown): string | undefined | null {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") {
    // Compose takes the scalar as written (`1.0` stays `1.0`); the source text is the best guess.
    return typeof node.source === "string" ? node.source : String(v);
  }
  return undefined;
}

/** Parses one compose file. `file` names it in issues and locations. */
export function parseCompose(text: string, file: string): ParsedCompose {
  const issues: CollectionIssue[] = [];
  const services = new Map<string, ComposeService>();
  const lc = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  } catch (err) {
    issues.push({
      subject: file,
      code: "PARSE",
      detail: `not YAML (${err instanceof Error ? err.message.split("\n")[0] : "error"})`,
    });
    return { services, issues };
  }
  for (const e of doc.errors.slice(0, 3)) {
    const pos = e.linePos?.[0];
    issues.push({
      subject: pos ? `${file}:${pos.line}` : file,
      code: "PARSE",
      detail: `YAML error ${e.code}`,
    });
  }
  const pos = (n: unknown): { line: number; column: number } => {
    const r = (n as Node | undefined)?.range;
    if (!r) return { line: 0, column: 0 };
    const p = lc.linePos(r[0]);
    return { line: p.line, column: p.col };
  };
  const root = deref(doc.contents, doc);
  if (!isMap(root)) {
    if (doc.errors.length === 0)
      issues.push({ subject: file, code: "PARSE", detail: "top level is not a mapping" });
    return { services, issues };
  }
  const svcs = getIn(root, "services", doc);
  if (svcs === undefined) return { services, issues };
  if (!isMap(svcs)) {
    issues.push({ subject: `${file}:${pos(svcs).line}`, code: "PARSE", detail: "services is not a mapping" });
    return { services, issues };
  }
  for (const pair of svcs.items) {
    const name = scalarString(pair.key);
    if (typeof name !== "string") continue;
    const body = deref(pair.value, doc);
    const svc: ComposeService = { name, environment: [], envFiles: [] };
    services.set(name, svc);
    if (!isMap(body)) continue;
    const env = getIn(body, "environment", doc);
    if (isMap(env)) {
      for (const p of env.items) {
        const key = scalarString(p.key);
        if (typeof key !== "string" || key === "") continue;
        const v = scalarString(deref(p.value, doc));
        const at = pos(p.key);
        const entry: ComposeEnvEntry = { key, line: at.line, column: at.column, form: "map" };
        if (typeof v === "string") entry.value = v;
        else if (v === undefined && p.value !== null && p.value !== undefined) {
          issues.push({
            subject: `${file}:${at.line}`,
            code: "PARSE",
            detail: `environment entry ${key} is not a scalar`,
          });
          continue;
        }
        svc.environment.push(entry);
      }
    } else if (isSeq(env)) {
      for (const item of env.items) {
        const s = scalarString(deref(item, doc));
        const at = pos(item);
        if (typeof s !== "string" || s === "") {
          issues.push({
            subject: `${file}:${at.line}`,
            code: "PARSE",
            detail: "environment list item is not a string",
          });
          continue;
        }
        const eq = s.indexOf("=");
        const entry: ComposeEnvEntry = {
          key: eq < 0 ? s : s.slice(0, eq),
          line: at.line,
          column: at.column,
          form: "list",
        };
        if (eq >= 0) entry.value = s.slice(eq + 1);
        if (entry.key !== "") svc.environment.push(entry);
      }
    } else if (env !== undefined && env !== null && !(isScalar(env) && env.value === null)) {
      issues.push({
        subject: `${file}:${pos(env).line}`,
        code: "PARSE",
        detail: `environment of ${name} is neither a map nor a list`,
      });
    }
    const ef = getIn(body, "env_file", doc);
    const addRef = (n: unknown) => {
      const node = deref(n, doc);
      const at = pos(node);
      const s = scalarString(node);
      if (typeof s === "string") {
        svc.envFiles.push({ path: s, required: true, line: at.line });
        return;
      }
      if (isMap(node)) {
        const p = scalarString(deref(node.get("path", true), doc));
        const req = deref(node.get("required", true), doc);
        if (typeof p === "string") {
          svc.envFiles.push({ path: p, required: !(isScalar(req) && req.value === false), line: at.line });
          return;
        }
      }
      issues.push({
        subject: `${file}:${at.line}`,
        code: "PARSE",
        detail: "env_file entry is neither a path nor {path: …}",
      });
    };
    if (isSeq(ef)) ef.items.forEach(addRef);
    else if (ef !== undefined && ef !== null) addRef(ef);
  }
  return { services, issues };
}

/**
 * Compose interpolation of `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`; `$$` is a literal `$`.
 * Returns undefined when a variable is unknown to `lookup` and has no default (the value cannot be known).
 */

export { hasInterpolation, interpolate } from "./compose-interpolate.js";
