/**
 * The `process.env` guard. `process.env` is an exotic object (C++ interceptors over the C environment):
 * accessors cannot be defined on it, and a replacement object would cut native code (TZ) and child
 * processes off from the real environment. So the real object stays the one source of truth and the guard
 * puts a forwarding Proxy in front of it, installed with `Object.defineProperty(process, "env", …)`:
 * - `set`/`deleteProperty`/`defineProperty` traps forward to the real object (its interceptors coerce to
 *   string, call setenv/unsetenv, tell V8 that TZ changed) and then record key, call site and time;
 * - there is no `get`/`has`/`ownKeys` trap: reads, `in`, `Object.keys`, `JSON.stringify`, spreading and
 *   child processes (which copy `process.env` when spawned) go to the real object unchanged.
 * `import { env } from "node:process"` bindings are refreshed (`syncBuiltinESMExports`) so they see the Proxy.
 * What a Proxy cannot hide: `structuredClone(process.env)`/`v8.serialize` throw (a Proxy is not
 * cloneable), `util.types.isProxy(process.env)` is true, and a reference to the real object taken before
 * the guard was installed writes past it (observations diff the environment to catch those).
 */
import { callerInfo } from "./callsite.js";
import type { EnvChange, GuardMode } from "./types.js";

/** node:module on use (not at start-up). */
const syncBuiltinESMExports = () => process.getBuiltinModule("node:module").syncBuiltinESMExports();

type Env = Record<string, string | undefined>;

export class EnvGuard {
  /** Bumped on every write the guard sees (middleware compares it: one property read per request). */
  version = 0;
  private proxy: Env | undefined;
  private loadEnvFile: ((path?: string) => void) | undefined;

  constructor(
    readonly real: Env,
    private readonly record: (c: EnvChange) => void,
  ) {}

  install(mode: GuardMode): void {
    if (mode !== "proxy" || this.proxy) return;
    const real = this.real;
    const note = (key: string, op: "set" | "delete") => {
      const info = callerInfo();
      const c: EnvChange = { key, op, at: new Date().toISOString(), via: "guard" };
      if (info.site) c.site = info.site;
      if (info.loader) c.loader = info.loader;
      this.version++;
      this.record(c);
    };
    this.proxy = new Proxy(real, {
      set(target, key, value) {
        if (typeof key === "symbol") return Reflect.set(target, key, value);
        target[key] = value;
        note(key, "set");
        return true;
      },
      deleteProperty(target, key) {
        if (typeof key === "symbol") return Reflect.deleteProperty(target, key);
        const had = Object.hasOwn(target, key);
        const ok = delete target[key];
        if (had) note(key, "delete");
        return ok;
      },
      defineProperty(target, key, desc) {
        const ok = Reflect.defineProperty(target, key, desc);
        if (ok && typeof key === "string") note(key, "set");
        return ok;
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
      const self = this;
      p.loadEnvFile = function loadEnvFile(path?: string) {
        const was = before();
        orig.call(process, path);
        const at = new Date().toISOString();
        const file = path === undefined ? ".env" : String(path);
        for (const [k, v] of Object.entries(real)) {
          if (was.get(k) !== v) {
            self.version++;
            self.record({ key: k, op: "set", at, via: "loadEnvFile", file });
          }
        }
      };
    }
    // `import { env, loadEnvFile } from "node:process"` are bindings of the builtin's exports: refresh them.
    syncBuiltinESMExports();
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
    if (this.loadEnvFile) (process as unknown as { loadEnvFile: unknown }).loadEnvFile = this.loadEnvFile;
    this.loadEnvFile = undefined;
    syncBuiltinESMExports();
  }

  get installed(): boolean {
    return this.proxy !== undefined && process.env === this.proxy;
  }
}
