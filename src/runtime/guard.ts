/**
 * The `process.env` guard. `process.env` is an exotic object (C++ interceptors over the C environment):
 * accessors cannot be defined on it, and a replacement object would cut native code (TZ) and child
 * processes off from the real environment. So the real object stays the one source of truth for writes,
 * and the guard puts a Proxy in front of it, installed with `Object.defineProperty(process, "env", …)`.
 *
 * Reads are served from a *mirror*: the Proxy's target is a plain object holding the environment's
 * strings (same keys, same order, same prototype, same property descriptors as the real object). Every
 * read of the real object is a call into C++ (`getenv` under a mutex, a new string each time, ~110 ns);
 * a read through a Proxy without a `get` trap over a plain object is a property lookup (~20 ns). A Proxy
 * over the real object costs *more* than the real object (V8 takes a runtime call per read, and a `get`
 * trap's invariant check queries the interceptor again), so the mirror is what makes the guard free.
 * - `set`/`deleteProperty`/`defineProperty` traps write the real object first (its interceptors coerce
 *   to string, call setenv/unsetenv, tell V8 that TZ changed, throw what they throw), then copy what the
 *   real object now holds into the mirror, then record key, call site and time;
 * - `ownKeys` (Object.keys, spreading, JSON.stringify, for…in, and child_process, which enumerates
 *   `process.env` when spawning) re-reads the real environment into the mirror first, so enumeration and
 *   children are always exact;
 * - `get`, `in`, `Object.hasOwn`, descriptors and `util.inspect` read the mirror.
 * What the mirror cannot see at once: a write that bypassed the guard — through a reference to the real
 * object taken before the guard was installed, by native code calling setenv, by a `SHARE_ENV` worker.
 * Native code and child processes see such a write immediately (they read the real environment); a
 * property read of `process.env` sees it from the next re-read: any enumeration, any envtrace query
 * (`sourceOf`, `drift`, `envChanges`, `seal`, …), middleware's recheck, or the guard's own recheck timer
 * (every `recheckMs`, default 1 s, unref'd). `ENVTRACE_GUARD=observe` keeps the real object (exact reads,
 * no call sites).
 * `import { env } from "node:process"` bindings are refreshed (`syncBuiltinESMExports`) so they see the Proxy.
 * What a Proxy cannot hide: `structuredClone(process.env)`/`v8.serialize` throw (a Proxy is not
 * cloneable), `util.types.isProxy(process.env)` is true.
 */
import type { CallSite, EnvChange, GuardMode } from "./types.js";

/** node:module on use (not at start-up). */
const syncBuiltinESMExports = () => process.getBuiltinModule("node:module").syncBuiltinESMExports();

type Env = Record<string, string | undefined>;

/** An own data property the way the real object reports it (`__proto__` included, as a plain key). */
function define(o: Env, key: string, value: string): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

export class EnvGuard {
  /** Bumped on every write the guard sees (middleware compares it: one property read per request). */
  version = 0;
  private proxy: Env | undefined;
  /** The Proxy's target: the environment's strings, kept in step with the real object (see above). */
  private mirror: Env | undefined;
  private loadEnvFile: ((path?: string) => void) | undefined;

  constructor(
    readonly real: Env,
    private readonly record: (c: EnvChange) => void,
  ) {}

  /**
   * Installs the Proxy (mode `proxy`). `live`: the real object's entries in its key order, when the
   * caller has just read them (saves reading the environment twice at start-up).
   */
  install(mode: GuardMode, live?: ReadonlyMap<string, string>): void {
    if (mode !== "proxy" || this.proxy) return;
    const real = this.real;
    const mirror = Object.create(Object.getPrototypeOf(real)) as Env;
    this.mirror = mirror;
    if (live)
      for (const [k, v] of live) {
        if (k === "__proto__") define(mirror, k, v);
        else mirror[k] = v;
      }
    else this.sync();
    // The traps are methods of one handler object: no closure per call, no allocation on reads.
    const guard = this;
    this.proxy = new Proxy(mirror, {
      set(_m, key, value) {
        // The real object throws for symbols (it cannot hold them); so does this, the same way.
        if (typeof key === "symbol") return Reflect.set(real, key, value);
        real[key] = value;
        guard.copy(key);
        guard.note(key, "set");
        return true;
      },
      deleteProperty(m, key) {
        if (typeof key === "symbol") return Reflect.deleteProperty(real, key);
        const had = Object.hasOwn(real, key);
        const ok = delete real[key];
        delete m[key];
        if (had) guard.note(key, "delete");
        return ok;
      },
      defineProperty(_m, key, desc) {
        // The real object accepts only writable, enumerable, configurable data descriptors (and throws
        // ERR_INVALID_OBJECT_DEFINE_PROPERTY otherwise): so the mirror's copy is always such a property.
        const ok = Reflect.defineProperty(real, key, desc);
        if (ok && typeof key === "string") {
          guard.copy(key);
          guard.note(key, "set");
        }
        return ok;
      },
      ownKeys(m) {
        guard.sync();
        return Reflect.ownKeys(m);
      },
      // The real object refuses (Object.preventExtensions/seal/freeze throw on it): refuse the same way.
      preventExtensions() {
        return false;
      },
    });
    Object.defineProperty(process, "env", {
      value: this.proxy,
      writable: true,
      configurable: true,
      enumerable: true,
    });
    // process.loadEnvFile (Node ≥ 20.12) sets variables from C++, past any Proxy: wrap it to see them.
    const p = process as unknown as { loadEnvFile?: (path?: string) => void };
    if (typeof p.loadEnvFile === "function") {
      const orig = p.loadEnvFile;
      this.loadEnvFile = orig;
      const before = () => new Map(Object.entries(real));
      p.loadEnvFile = function loadEnvFile(path?: string) {
        const was = before();
        try {
          orig.call(process, path);
        } finally {
          guard.sync();
        }
        const at = new Date().toISOString();
        const file = path === undefined ? ".env" : String(path);
        for (const [k, v] of Object.entries(real)) {
          if (was.get(k) !== v) {
            guard.version++;
            guard.record({ key: k, op: "set", at, via: "loadEnvFile", file });
          }
        }
      };
    }
    // `import { env, loadEnvFile } from "node:process"` are bindings of the builtin's exports: refresh them.
    syncBuiltinESMExports();
  }

  private note(key: string, op: "set" | "delete"): void {
    const info = callerInfo();
    const c: EnvChange = { key, op, at: new Date().toISOString(), via: "guard" };
    if (info.site) c.site = info.site;
    if (info.loader) c.loader = info.loader;
    this.version++;
    this.record(c);
  }

  /** Copies one key's real value (or its absence) into the mirror. */
  private copy(key: string): void {
    const m = this.mirror;
    if (!m) return;
    const v = this.real[key];
    if (v === undefined) delete m[key];
    else define(m, key, v);
  }

  /**
   * Re-reads the real environment into the mirror (keys, values and order): after this, reads through the
   * guard agree with the real object again. `keys` only those keys; `live` the real entries when the
   * caller has just read all of them. No-op when the guard is not installed.
   */
  sync(keys?: readonly string[], live?: ReadonlyMap<string, string>): void {
    const m = this.mirror;
    if (!m) return;
    if (keys) {
      for (const k of keys) this.copy(k);
      return;
    }
    let entries = live;
    if (!entries) {
      const real = this.real;
      const e = new Map<string, string>();
      for (const k of Object.keys(real)) {
        const v = real[k];
        if (v !== undefined) e.set(k, v);
      }
      entries = e;
    }
    const cur = Object.keys(m);
    let same = cur.length === entries.size;
    if (same) {
      let i = 0;
      for (const [k, v] of entries) {
        if (cur[i++] !== k || m[k] !== v) {
          same = false;
          break;
        }
      }
    }
    if (same) return;
    // Something changed past the guard: rebuild, so the key order is the real object's as well.
    for (const k of cur) delete m[k];
    for (const [k, v] of entries) define(m, k, v);
  }

  /** Puts the real object back (tests, `shutdown()`), unless someone replaced `process.env` meanwhile. */
  uninstall(): void {
    if (this.proxy && process.env === this.proxy)
      Object.defineProperty(process, "env", {
        value: this.real,
        writable: true,
        configurable: true,
        enumerable: true,
      });
    this.proxy = undefined;
    this.mirror = undefined;
    if (this.loadEnvFile) (process as unknown as { loadEnvFile: unknown }).loadEnvFile = this.loadEnvFile;
    this.loadEnvFile = undefined;
    syncBuiltinESMExports();
  }

  get installed(): boolean {
    return this.proxy !== undefined && process.env === this.proxy;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Call sites. The call site of a `process.env` write is the first stack frame that is neither envtrace's
// runtime nor Node's internals, read from `Error().stack` (so `--enable-source-maps` maps it back to the
// source). Kept in this file: one module fewer to load at start-up (each costs ~0.4 ms under --import).

const fileURLToPath = (u: string | URL) => process.getBuiltinModule("node:url").fileURLToPath(u);

/** This directory (dist/runtime or src/runtime): frames in it are envtrace's own. */
let ownDir: string | undefined;
const OWN_DIR = () => {
  ownDir ??= fileURLToPath(new URL(".", import.meta.url));
  return ownDir;
};

/** `    at fn (file:line:col)` or `    at file:line:col`. */
const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

/** Loader packages whose frames mark a write as a dotenv load. */
const LOADERS: ReadonlyArray<[RegExp, string]> = [
  [/[\\/]node_modules[\\/]@dotenvx[\\/]dotenvx[\\/]/, "dotenvx"],
  [/[\\/]node_modules[\\/]dotenv-flow[\\/]/, "dotenv-flow"],
  [/[\\/]node_modules[\\/]dotenv[\\/]/, "dotenv"],
];

export interface StackInfo {
  site?: CallSite;
  loader?: string;
}

/** Parses a V8 stack string. `ownDir` frames (envtrace's runtime) are skipped. */
export function parseStack(stack: string, ownDir = OWN_DIR()): StackInfo {
  const out: StackInfo = {};
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[2] ?? "";
    if (file.startsWith("async ")) file = file.slice(6);
    if (file.startsWith("file://")) {
      try {
        file = fileURLToPath(file);
      } catch {}
    }
    if (
      file.startsWith(ownDir) ||
      file.startsWith("node:") ||
      file === "native" ||
      file.startsWith("internal/")
    )
      continue;
    let loader: string | undefined;
    for (const [re, name] of LOADERS) {
      if (re.test(file)) {
        loader = name;
        break;
      }
    }
    // A loader's own frames are not the call site: the program's call into the loader is.
    if (loader) {
      out.loader ??= loader;
      continue;
    }
    out.site = { file, line: Number(m[3]), column: Number(m[4]) };
    if (m[1] && m[1] !== "<anonymous>") out.site.fn = m[1];
    break;
  }
  return out;
}

/** The caller of a `process.env` write, skipping envtrace's own frames. */
export function callerInfo(): StackInfo {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, callerInfo);
  Error.stackTraceLimit = limit;
  return parseStack(holder.stack ?? "");
}
