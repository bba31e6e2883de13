/**
 * Where a value set in-process came from when a dotenv loader set it: the files dotenv, dotenvx,
 * dotenv-flow and Node's own `--env-file` / `process.loadEnvFile` read, parsed with dotenv's grammar and
 * line numbers. Files are read, never executed (dotenvx's `$(cmd)` is reported as computed, not run).
 */
/** Builtins through process.getBuiltinModule: an ESM `import` of node:fs/node:path costs start-up (~2 ms). */
const fs = () => process.getBuiltinModule("node:fs");
const path = () => process.getBuiltinModule("node:path");
const resolve = (...p: string[]) => path().resolve(...p);
const isAbsolute = (p: string) => path().isAbsolute(p);

import type { Source } from "./types.js";

/** dotenv's line grammar (dotenv ≥ 16, `lib/main.js` LINE): the same regex, so keys and values match. */
const LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;

export interface DotenvAssignment {
  key: string;
  /** The value as dotenv's parser yields it (quotes removed, `\n` expanded in double quotes). */
  value: string;
  line: number;
}

/** Every assignment of a dotenv file, in order (a later one for the same key wins in dotenv's parse). */
export function parseDotenv(text: string): DotenvAssignment[] {
  const src = text.replace(/\r\n?/g, "\n");
  const out: DotenvAssignment[] = [];
  LINE.lastIndex = 0;
  for (let m = LINE.exec(src); m !== null; m = LINE.exec(src)) {
    if (m[0].length === 0) {
      LINE.lastIndex++;
      continue;
    }
    const key = m[1] ?? "";
    let value = (m[2] ?? "").trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, "$2");
    if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    const keyAt = m.index + m[0].indexOf(key, Math.max(0, m[0].search(/\S/)));
    let line = 1;
    for (let i = src.indexOf("\n"); i >= 0 && i < keyAt; i = src.indexOf("\n", i + 1)) line++;
    out.push({ key, value, line });
  }
  return out;
}

export interface DotenvCandidate {
  file: string;
  /** Who reads it: `dotenv` (default `.env`, DOTENV_CONFIG_PATH), `dotenv-flow`, `node --env-file`, `option`. */
  reader: string;
}

/**
 * The files a loader would read for this process, highest precedence first: dotenv-flow's
 * `.env.<NODE_ENV>.local` > `.env.<NODE_ENV>` > `.env.local` > `.env` > `.env.defaults`, dotenv's
 * `DOTENV_CONFIG_PATH`/`DOTENV_PATH`, Node's `--env-file`/`--env-file-if-exists`, and the caller's files.
 */
export function dotenvCandidates(
  env: Record<string, string | undefined>,
  cwd: string,
  extra: readonly string[] = [],
  execArgv: readonly string[] = process.execArgv,
): DotenvCandidate[] {
  const out: DotenvCandidate[] = [];
  const add = (file: string, reader: string) => {
    const abs = isAbsolute(file) ? file : resolve(cwd, file);
    if (!out.some((c) => c.file === abs)) out.push({ file: abs, reader });
  };
  for (const f of extra) add(f, "option");
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i] ?? "";
    const m = /^--env-file(?:-if-exists)?(?:=(.*))?$/.exec(a);
    if (m) add(m[1] ?? execArgv[++i] ?? "", "node --env-file");
  }
  for (const k of ["DOTENV_CONFIG_PATH", "DOTENV_PATH"]) {
    const p = env[k];
    if (p) for (const f of p.split(",")) if (f.trim()) add(f.trim(), "dotenv");
  }
  const flowDir = env.DOTENV_FLOW_PATH ?? cwd;
  const nodeEnv = env.NODE_ENV;
  const flow = (f: string) => add(resolve(flowDir, f), "dotenv-flow");
  if (nodeEnv) flow(`.env.${nodeEnv}.local`);
  if (nodeEnv) flow(`.env.${nodeEnv}`);
  if (nodeEnv !== "test") flow(".env.local");
  add(".env", "dotenv");
  flow(".env.defaults");
  return out;
}

/**
 * Files in `dirs` named like dotenv files (`.env*`, `*.env`): where a loader called with a custom `path`
 * read from, when a write came from a loader's frames and no conventional file assigns the value.
 */
export function dotenvLikeFiles(dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = fs().readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names.sort()) {
      if ((/^\.env(\.|$)/.test(n) || /\.env$/.test(n)) && !/\.(example|sample|template|vault)$/.test(n))
        out.push(resolve(d, n));
    }
  }
  return out;
}

/** The loader packages loaded in this process (CommonJS cache, which also holds CJS modules ESM imported). */
export function loadedLoaders(): string[] {
  let keys: string[];
  try {
    // `Module._cache` is `require.cache` without building a require function (createRequire and the first
    // `import.meta` cost ~0.3 ms at start-up, where init calls this).
    const m = process.getBuiltinModule("node:module") as unknown as { _cache?: object };
    keys = Object.keys(
      m._cache ?? process.getBuiltinModule("node:module").createRequire(import.meta.url).cache,
    );
  } catch {
    return [];
  }
  const found = new Set<string>();
  for (const k of keys) {
    if (/[\\/]node_modules[\\/]@dotenvx[\\/]dotenvx[\\/]/.test(k)) found.add("dotenvx");
    else if (/[\\/]node_modules[\\/]dotenv-flow[\\/]/.test(k)) found.add("dotenv-flow");
    else if (/[\\/]node_modules[\\/]dotenv[\\/]/.test(k)) found.add("dotenv");
  }
  return [...found].sort();
}

/** Reads and parses candidate files once per lookup batch; unreadable files are skipped. */
export class DotenvFiles {
  private readonly parsed = new Map<string, DotenvAssignment[] | null>();
  constructor(readonly candidates: readonly DotenvCandidate[]) {}

  private read(file: string): DotenvAssignment[] | null {
    if (!this.parsed.has(file)) {
      try {
        this.parsed.set(file, parseDotenv(fs().readFileSync(file, "utf8")));
      } catch {
        this.parsed.set(file, null);
      }
    }
    return this.parsed.get(file) ?? null;
  }

  /**
   * The dotenv source of `key=value`: the highest-precedence candidate whose (last) assignment yields the
   * value → `certain` when the guard saw the loader set it, else `likely`; a file that assigns
   * the key a value a loader computes (dotenvx `encrypted:…`, `${VAR}`, `$(cmd)`) → `likely`. Null when no
   * candidate assigns the key. `seen`: the write was caught with the loader's frames on the stack.
   */
  attribute(
    key: string,
    value: string,
    loader: string | undefined,
    at?: string,
    seen = false,
  ): Source | null {
    let computed: { c: DotenvCandidate; a: DotenvAssignment } | undefined;
    const others: Array<{ file: string; line: number }> = [];
    let hit: { c: DotenvCandidate; a: DotenvAssignment } | undefined;
    for (const c of this.candidates) {
      const as = this.read(c.file);
      if (!as) continue;
      let last: DotenvAssignment | undefined;
      for (const a of as) if (a.key === key) last = a;
      if (!last) continue;
      if (last.value === value) {
        if (!hit) hit = { c, a: last };
        else others.push({ file: c.file, line: last.line });
      } else if (!computed && /^encrypted:|\$\{|\$\(|\$[A-Za-z_]/.test(last.value)) {
        computed = { c, a: last };
      }
    }
    const found = hit ?? computed;
    if (!found) return null;
    const mech = loader ?? (found.c.reader === "node --env-file" ? "node --env-file" : found.c.reader);
    const evidence = [
      hit
        ? `${found.c.file}:${found.a.line} assigns ${key} the value it has`
        : `${found.c.file}:${found.a.line} assigns ${key} a value the loader computes (expansion or decryption)`,
    ];
    if (loader && seen) evidence.push(`set by ${loader} (its frames were on the stack)`);
    if (others.length > 0)
      evidence.push(`also assigned the same value in ${others.map((o) => `${o.file}:${o.line}`).join(", ")}`);
    const src: Source = {
      kind: "dotenv",
      mechanism: mech,
      file: found.c.file,
      line: found.a.line,
      confidence: hit && seen ? "certain" : "likely",
      evidence,
    };
    if (at) src.time = { at, what: "observed" };
    if (others.length > 0) src.candidates = others;
    return src;
  }
}
