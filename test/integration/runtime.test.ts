/**
 * The in-process runtime against real Node processes: each case runs a script in a fresh `node` (with
 * tsx, so the source is what runs) in a directory holding real dotenv files, loaded by the real dotenv,
 * dotenvx and dotenv-flow packages. Semantics of `process.env` under the guard are checked against the
 * real thing: child processes, worker threads, TZ in native code.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const RUNTIME = join(ROOT, "src/runtime/index.ts");
const REGISTER = join(ROOT, "src/runtime/register.ts");
const SECRET = `ghp_${"Q7w8E9r0T1".repeat(3)}Yy22uU`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "envtrace-rt-"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(
    join(dir, ".env"),
    `# app settings\nAPI_URL=https://api.example.test\n\nexport GITHUB_TOKEN="${SECRET}"\nSHARED=from-env\n`,
  );
  writeFileSync(join(dir, ".env.local"), "LOCAL_ONLY=yes\nSHARED=from-local\n");
  writeFileSync(join(dir, ".env.production"), "PROD_ONLY=1\nSHARED=from-production\n");
  writeFileSync(join(dir, ".env.production.local"), "\n\nSHARED=from-production-local\n");
  writeFileSync(join(dir, "child.cjs"), "process.send(process.env.AFTER_INIT ?? 'missing');\n");
  writeFileSync(join(dir, "late.env"), "LATE_A=alpha\n# x\nLATE_B='beta'\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Base environment of the scripts: nothing that a test asserts on comes from the test runner. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

async function script(
  name: string,
  body: string,
  opts: { env?: Record<string, string>; args?: string[]; cwd?: string } = {},
  // biome-ignore lint/suspicious/noExplicitAny: the JSON a child script printed, asserted field by field
): Promise<Record<string, any>> {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, `const rt = await import(${JSON.stringify(RUNTIME)});\n${body}\n`);
  const { stdout, stderr } = await exec("node", [...(opts.args ?? []), "--import", "tsx", file], {
    cwd: opts.cwd ?? dir,
    env: baseEnv(opts.env),
    timeout: 60_000,
  });
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`no JSON from ${name}: ${stdout}\n${stderr}`);
  }
}

/** Line (1-based) of the first line of a script body holding `marker` (line 1 is the runtime import). */
function lineOf(body: string, marker: string): number {
  return body.split("\n").findIndex((l) => l.includes(marker)) + 2;
}

describe("process.env under the guard keeps its semantics", () => {
  it("coercion, delete, in, keys, JSON, spread, descriptors, inspect, node:process env binding", async () => {
    const r = await script(
      "sem",
      `import { env as boundEnv } from "node:process";
import { inspect } from "node:util";
process.env.BEFORE = "b";
const inspectBefore = inspect(process.env).includes("BEFORE: 'b'");
rt.init({ guard: "proxy" });
process.env.NUM = 42;
process.env.UNDEF = undefined;
process.env.BOOL = true;
Object.assign(process.env, { ASSIGNED: 7 });
Object.defineProperty(process.env, "DEFINED", { value: 9, writable: true, enumerable: true, configurable: true });
delete process.env.BEFORE;
boundEnv.BOUND = "x";
const d = Object.getOwnPropertyDescriptor(process.env, "NUM");
let accessorError = "";
try { Object.defineProperty(process.env, "ACC", { get() { return "1"; } }); } catch (e) { accessorError = e.code ?? e.name; }
console.log(JSON.stringify({
  installed: rt.runtime().guardInstalled,
  num: process.env.NUM, numType: typeof process.env.NUM, undef: process.env.UNDEF, bool: process.env.BOOL,
  assigned: process.env.ASSIGNED, defined: process.env.DEFINED,
  beforeGone: process.env.BEFORE === undefined, inBefore: "BEFORE" in process.env, inNum: "NUM" in process.env,
  keys: Object.keys(process.env).filter((k) => ["NUM", "BEFORE", "ASSIGNED"].includes(k)).sort(),
  json: JSON.parse(JSON.stringify(process.env)).NUM, spread: { ...process.env }.NUM,
  own: Object.prototype.hasOwnProperty.call(process.env, "NUM"), hasOwn: Object.hasOwn(process.env, "BEFORE"),
  desc: d, accessorError, bound: process.env.BOUND,
  inspectSame: inspectBefore && inspect(process.env).includes("NUM: '42'"),
  changes: rt.envChanges().map((c) => [c.op, c.key]),
}));`,
    );
    expect(r.installed).toBe(true);
    expect(r).toMatchObject({
      num: "42",
      numType: "string",
      undef: "undefined",
      bool: "true",
      assigned: "7",
      defined: "9",
    });
    expect(r).toMatchObject({
      beforeGone: true,
      inBefore: false,
      inNum: true,
      json: "42",
      spread: "42",
      own: true,
      hasOwn: false,
    });
    expect(r.keys).toEqual(["ASSIGNED", "NUM"]);
    expect(r.desc).toEqual({ value: "42", writable: true, enumerable: true, configurable: true });
    expect(r.accessorError).toBe("ERR_INVALID_OBJECT_DEFINE_PROPERTY");
    expect(r.bound).toBe("x");
    expect(r.inspectSame).toBe(true);
    expect(r.changes).toEqual([
      ["set", "NUM"],
      ["set", "UNDEF"],
      ["set", "BOOL"],
      ["set", "ASSIGNED"],
      ["set", "DEFINED"],
      ["delete", "BEFORE"],
      ["set", "BOUND"],
    ]);
  });

  it("children (spawn, exec, fork) and worker threads inherit changes made after init; deletes too", async () => {
    const r = await script(
      "children",
      `import { execFileSync, fork } from "node:child_process";
import { Worker } from "node:worker_threads";
process.env.GONE = "here";
rt.init();
process.env.AFTER_INIT = "inherited";
delete process.env.GONE;
const sh = execFileSync("sh", ["-c", 'echo "$AFTER_INIT/\${GONE-unset}"'], { encoding: "utf8" }).trim();
const forked = await new Promise((res) => {
  const c = fork(${JSON.stringify(join(dir, "child.cjs"))});
  c.on("message", (m) => { res(m); c.kill(); });
});
const worker = await new Promise((res, rej) => {
  const w = new Worker("require('node:worker_threads').parentPort.postMessage(process.env.AFTER_INIT ?? 'missing')", { eval: true });
  w.on("message", res); w.on("error", rej);
});
console.log(JSON.stringify({ sh, forked, worker }));`,
    );
    expect(r).toEqual({ sh: "inherited/unset", forked: "inherited", worker: "inherited" });
  });

  it("process.env.TZ set after init changes what native code computes", async () => {
    const r = await script(
      "tz",
      `rt.init();
const d = new Date(Date.UTC(2024, 0, 15, 12));
process.env.TZ = "UTC";
const utc = d.getTimezoneOffset();
process.env.TZ = "Asia/Tokyo";
const tokyo = d.getTimezoneOffset();
const hour = d.getHours();
process.env.TZ = "America/New_York";
const ny = d.getTimezoneOffset();
console.log(JSON.stringify({ utc, tokyo, hour, ny, guarded: rt.runtime().guardInstalled }));`,
    );
    expect(r).toEqual({ utc: 0, tokyo: -540, hour: 21, ny: 300, guarded: true });
  });

  it("reads through the guard's mirror agree with the real object: key order, descriptors, inspect, odd keys, symbols, freeze", async () => {
    const r = await script(
      "mirror",
      `import { inspect } from "node:util";
const real = process.env;
real["7"] = "seven"; real.__proto__ = "dunder";
rt.init();
process.env.ZZ_NEW = "z"; process.env["3"] = "three"; delete process.env.HOME; process.env.HOME = "/again";
process.env.PATH = process.env.PATH + ":/extra";
const sym = Symbol("s");
const err = (f) => { try { f(); return "ok"; } catch (e) { return e.constructor.name + ":" + e.message; } };
const both = (f) => [f(process.env), f(real)];
console.log(JSON.stringify({
  installed: rt.runtime().guardInstalled,
  keys: both((e) => Object.keys(e)),
  json: both((e) => JSON.stringify(e)),
  forIn: both((e) => { const ks = []; for (const k in e) ks.push(k); return ks; }),
  desc: both((e) => Object.getOwnPropertyDescriptor(e, "ZZ_NEW")),
  missingDesc: both((e) => Object.getOwnPropertyDescriptor(e, "NOPE") === undefined),
  inspect: both((e) => inspect(e)),
  proto: Object.getPrototypeOf(process.env) === Object.getPrototypeOf(real),
  dunder: both((e) => e.__proto__), seven: both((e) => e[7]),
  inherited: both((e) => [typeof e.hasOwnProperty, "toString" in e, e.toString === Object.prototype.toString]),
  symSet: both((e) => err(() => { e[sym] = 1; })), symGet: both((e) => e[sym] === undefined),
  symDef: both((e) => err(() => Object.defineProperty(e, sym, { value: "1", writable: true, enumerable: true, configurable: true }))),
  symDel: both((e) => delete e[sym]),
  freeze: both((e) => err(() => Object.freeze(e))), seal: both((e) => err(() => Object.seal(e))),
  extensible: both((e) => Object.isExtensible(e)),
}));`,
    );
    expect(r.installed).toBe(true);
    for (const k of [
      "keys",
      "json",
      "forIn",
      "desc",
      "missingDesc",
      "inspect",
      "dunder",
      "seven",
      "inherited",
      "symSet",
      "symGet",
      "symDef",
      "symDel",
      "extensible",
    ])
      expect([k, r[k][0]]).toEqual([k, r[k][1]]);
    // freeze/seal throw the same TypeError; its message is V8's Proxy wording ("trap returned falsish").
    expect(r.keys[0].slice(0, 2)).toEqual(["3", "7"]);
    expect(r.keys[0].slice(-2)).toEqual(["ZZ_NEW", "HOME"]);
    expect(r.dunder[0]).toBe("dunder");
    expect(r.symSet[0]).toMatch(/^TypeError/);
    for (const k of ["freeze", "seal"]) {
      expect(r[k][0]).toMatch(/^TypeError:/);
      expect(r[k][1]).toMatch(/^TypeError:/);
    }
    expect(r.proto).toBe(true);
  });

  it("a write past the guard: native code and children see it at once, enumeration at once, a property read from the next re-read", async () => {
    const r = await script(
      "bypass",
      `import { execFileSync } from "node:child_process";
const early = process.env;
rt.init({ recheckMs: 100 });
const d = new Date(Date.UTC(2024, 0, 15, 12));
early.TZ = "Asia/Tokyo";
const tz = d.getTimezoneOffset();
early.PAST = "p";
const stale = process.env.PAST;
const child = execFileSync("sh", ["-c", 'echo "$PAST"'], { encoding: "utf8" }).trim();
const afterSpawn = process.env.PAST;
early.PAST_KEYS = "k";
const keys = Object.keys(process.env).includes("PAST_KEYS");
const afterKeys = process.env.PAST_KEYS;
early.PAST_QUERY = "q";
const staleQuery = process.env.PAST_QUERY;
const src = await rt.sourceOf("PAST_QUERY");
const afterQuery = process.env.PAST_QUERY;
delete early.PAST;
const staleIn = "PAST" in process.env;
const childGone = execFileSync("sh", ["-c", 'echo "\${PAST-unset}"'], { encoding: "utf8" }).trim();
const goneIn = "PAST" in process.env;
early.PAST_TIMER = "t";
const staleTimer = process.env.PAST_TIMER;
await new Promise((res) => setTimeout(res, 400));
process.loadEnvFile("late.env");
console.log(JSON.stringify({
  tz, stale, child, afterSpawn, keys, afterKeys, staleQuery, src, afterQuery, staleIn, childGone, goneIn,
  staleTimer, afterTimer: process.env.PAST_TIMER, loaded: process.env.LATE_A,
  vias: ["PAST", "PAST_QUERY", "PAST_TIMER"].map((k) => rt.envChanges(k).map((c) => c.op + ":" + c.via)),
}));`,
    );
    // Native code (getenv) and child processes read the real environment: exact at once.
    expect(r.tz).toBe(-540);
    expect(r.child).toBe("p");
    expect(r.childGone).toBe("unset");
    // Enumeration (spawn enumerates process.env too) re-reads the real environment into the mirror.
    expect([r.afterSpawn, r.keys, r.afterKeys, r.goneIn]).toEqual(["p", true, "k", false]);
    // The documented cost of the mirror: a property read before any re-read still shows the old value …
    expect([r.stale, r.staleQuery, r.staleIn, r.staleTimer]).toEqual([undefined, undefined, true, undefined]);
    // … and an envtrace query, or the recheck timer, brings it in step (and records the write as observed).
    expect(r.src).toMatchObject({ kind: "runtime", confidence: "possible" });
    expect([r.afterQuery, r.afterTimer]).toEqual(["q", "t"]);
    // PAST was set and deleted past the guard between two observations: nothing to record, as before.
    expect(r.vias).toEqual([[], ["set:observed"], ["set:observed"]]);
    // process.loadEnvFile writes from C++: the guard's wrapper re-reads right after it.
    expect(r.loaded).toBe("alpha");
  });

  it("what a Proxy cannot hide: structuredClone throws under the guard, works with guard: observe", async () => {
    const body = (mode: string) => `rt.init({ guard: "${mode}" });
let clone = "ok"; try { structuredClone(process.env); } catch (e) { clone = e.name; }
process.env.OBS = "1";
console.log(JSON.stringify({ clone, changes: rt.envChanges("OBS").map((c) => c.via) }));`;
    expect(await script("clone-proxy", body("proxy"))).toEqual({
      clone: "DataCloneError",
      changes: ["guard"],
    });
    // Without the Proxy the same write is found by diffing at the observation, without a call site.
    expect(await script("clone-observe", body("observe"))).toEqual({ clone: "ok", changes: ["observed"] });
  });
});

describe("call sites and attribution", () => {
  it("a set after init names file:line of the write; a reference kept from before init is seen by diffing", async () => {
    const body = `const early = process.env;
rt.init();
function configure() {
  process.env.FEATURE_X = "on"; // SET-HERE
}
configure();
early.SNEAKY = "past-the-guard";
const x = await rt.sourceOf("FEATURE_X");
const s = await rt.sourceOf("SNEAKY");
console.log(JSON.stringify({ x, s, missing: await rt.sourceOf("NOT_SET_ANYWHERE") }));`;
    const r = await script("site", body);
    expect(r.x).toMatchObject({
      kind: "runtime",
      mechanism: "process.env",
      file: join(dir, "site.mjs"),
      line: lineOf(body, "SET-HERE"),
      confidence: "certain",
      time: { what: "observed" },
    });
    expect(r.x.evidence[0]).toContain("(configure)");
    expect(r.s).toMatchObject({ kind: "runtime", confidence: "possible" });
    expect(r.s.file).toBeUndefined();
    expect(r.missing).toBeNull();
  });

  it("dotenv loaded before init: file:line of the assignment (likely); after init: certain, with the program's call", async () => {
    const body = `import dotenv from "dotenv";
dotenv.config({ quiet: true });
rt.init();
dotenv.config({ path: "late.env", quiet: true }); // LOAD-HERE
console.log(JSON.stringify({
  api: await rt.sourceOf("API_URL"), tok: await rt.sourceOf("GITHUB_TOKEN"), late: await rt.sourceOf("LATE_B"),
}));`;
    const r = await script("dotenv", body);
    expect(r.api).toMatchObject({
      kind: "dotenv",
      mechanism: "dotenv",
      file: join(dir, ".env"),
      line: 2,
      confidence: "likely",
    });
    expect(r.tok).toMatchObject({ kind: "dotenv", file: join(dir, ".env"), line: 4 });
    expect(r.late).toMatchObject({
      kind: "dotenv",
      mechanism: "dotenv",
      file: join(dir, "late.env"),
      line: 3,
      confidence: "certain",
    });
    expect(r.late.evidence.join(" ")).toContain(`${join(dir, "dotenv.mjs")}:${lineOf(body, "LOAD-HERE")}`);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it("dotenv-flow with NODE_ENV=production: the file that won (.env.production.local over .env.production, .env.local, .env)", async () => {
    const r = await script(
      "flow",
      `import flow from "dotenv-flow";
flow.config({ silent: true });
rt.init();
console.log(JSON.stringify({ shared: await rt.sourceOf("SHARED"), prod: await rt.sourceOf("PROD_ONLY"), local: await rt.sourceOf("LOCAL_ONLY") }));`,
      { env: { NODE_ENV: "production" } },
    );
    expect(r.shared).toMatchObject({ kind: "dotenv", file: join(dir, ".env.production.local"), line: 3 });
    expect(r.prod).toMatchObject({ kind: "dotenv", file: join(dir, ".env.production"), line: 1 });
    expect(r.local).toMatchObject({ kind: "dotenv", file: join(dir, ".env.local"), line: 1 });
    expect(r.shared.evidence.join(" ")).toContain("dotenv-flow");
  });

  it("dotenvx (before and after init)", async () => {
    const body = `import dotenvx from "@dotenvx/dotenvx";
dotenvx.config({ quiet: true });
rt.init();
dotenvx.config({ path: "late.env", quiet: true }); // DX-HERE
console.log(JSON.stringify({ api: await rt.sourceOf("API_URL"), late: await rt.sourceOf("LATE_A") }));`;
    const r = await script("dotenvx", body);
    expect(r.api).toMatchObject({ kind: "dotenv", file: join(dir, ".env"), line: 2 });
    expect(r.late).toMatchObject({
      kind: "dotenv",
      mechanism: "dotenvx",
      file: join(dir, "late.env"),
      line: 1,
      confidence: "certain",
    });
  });

  it("node --env-file and process.loadEnvFile", async () => {
    const r = await script(
      "nodeenv",
      `rt.init();
process.loadEnvFile("late.env");
console.log(JSON.stringify({ api: await rt.sourceOf("API_URL"), late: await rt.sourceOf("LATE_A") }));`,
      { args: ["--env-file=.env"] },
    );
    expect(r.api).toMatchObject({
      kind: "dotenv",
      mechanism: "node --env-file",
      file: join(dir, ".env"),
      line: 2,
    });
    expect(r.late).toMatchObject({
      kind: "dotenv",
      mechanism: "process.loadEnvFile",
      file: join(dir, "late.env"),
      line: 1,
    });
  });

  it("set in-process before init with no file: runtime, site unknown; exec-time variables lazily from the host engine", async () => {
    const home = mkdtempSync(join(tmpdir(), "envtrace-rt-home-"));
    writeFileSync(join(home, ".bash_profile"), "# profile\nexport FROM_PROFILE=shell-value\n");
    const file = join(dir, "host.mjs");
    writeFileSync(
      file,
      `const rt = await import(${JSON.stringify(RUNTIME)});
process.env.EARLY = "x";
const t0 = performance.now();
rt.init();
const initMs = performance.now() - t0;
const early = await rt.sourceOf("EARLY");
const prof = await rt.sourceOf("FROM_PROFILE");
console.log(JSON.stringify({ early, prof, initMs }));`,
    );
    // bash -l reads ~/.bash_profile, then runs node as a child (`; true` keeps bash from exec'ing it).
    const { stdout } = await exec("bash", ["-lc", `node --import tsx ${file}; true`], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: home },
      timeout: 60_000,
    });
    const r = JSON.parse(stdout.trim().split("\n").pop() ?? "");
    rmSync(home, { recursive: true, force: true });
    expect(r.early).toMatchObject({ kind: "runtime", mechanism: "process.env", confidence: "likely" });
    expect(r.early.file).toBeUndefined();
    expect(r.prof).toMatchObject({
      kind: "shell",
      mechanism: "bash",
      file: join(home, ".bash_profile"),
      line: 2,
    });
  });

  it("exec-time attributions from a report (ENVTRACE_REPORT), v1 and v2 shapes", async () => {
    const v2 = join(dir, "report-v2.json");
    const v1 = join(dir, "report-v1.json");
    const src = {
      kind: "systemd",
      mechanism: "Environment",
      file: "/etc/systemd/system/app.service",
      line: 7,
      confidence: "certain",
      evidence: ["e"],
    };
    writeFileSync(
      v2,
      JSON.stringify({
        schemaVersion: 2,
        subjects: [{ details: { pid: 1 }, variables: [{ key: "FROM_UNIT", source: src }] }],
      }),
    );
    writeFileSync(v1, JSON.stringify({ variables: [{ key: "FROM_UNIT", source: { ...src, line: 8 } }] }));
    const body = `rt.init(); console.log(JSON.stringify(await rt.sourceOf("FROM_UNIT")));`;
    expect(await script("rep2", body, { env: { FROM_UNIT: "1", ENVTRACE_REPORT: v2 } })).toMatchObject({
      kind: "systemd",
      line: 7,
    });
    expect(await script("rep1", body, { env: { FROM_UNIT: "1", ENVTRACE_REPORT: v1 } })).toMatchObject({
      kind: "systemd",
      line: 8,
    });
  });
});

describe("snapshot, seal, drift, audit events", () => {
  it("what init captured is what the first look attributes and seals, however the environment changed in between", async () => {
    const r = await script(
      "firstlook",
      `process.env.EARLY = "before-init";
delete process.env.HOME;
rt.init();
process.env.EARLY = "after-init";
process.env.HOME = "/back";
const snap = rt.snapshot();
const v = (k) => snap.variables.find((x) => x.key === k);
const noProc = await (async () => {
  rt.shutdown();
  rt.init({ procRoot: "/nonexistent-proc" });
  const out = { notes: rt.runtime().notes.slice(), execEnv: rt.runtime().execEnv, early: rt.snapshot().variables.find((x) => x.key === "EARLY")?.origin };
  rt.shutdown();
  return out;
})();
console.log(JSON.stringify({ early: v("EARLY"), home: v("HOME") ?? null, path: v("PATH")?.origin, takenAt: snap.takenAt, noProc }));`,
    );
    // EARLY: the pre-init source (set in-process before init, no file), although it changed since.
    expect(r.early).toMatchObject({ origin: "pre-init", source: { kind: "runtime", confidence: "likely" } });
    expect(r.early.source.evidence[0]).toContain("before envtrace.init()");
    // HOME was not set at init: it is not in the init snapshot, though it is set again now.
    expect(r.home).toBeNull();
    expect(r.path).toBe("exec");
    expect(Number.isNaN(Date.parse(r.takenAt))).toBe(false);
    // Without procfs every variable is exec-time, and the runtime says why in its notes.
    expect(r.noProc.notes[0]).toContain("/proc/self/environ could not be read");
    expect(r.noProc.execEnv).toBeNull();
    expect(r.noProc.early).toBe("exec");
  });

  it("the init snapshot is frozen and sealed; changes show as drift; seal() chains; events carry no values", async () => {
    const events = join(dir, "events.jsonl");
    const r = await script(
      "seal",
      `import { readFileSync } from "node:fs";
const sink = rt.jsonlFileSink(${JSON.stringify(events)});
rt.init({ sink });
const s0 = rt.snapshot();
let frozen = Object.isFrozen(s0) && Object.isFrozen(s0.variables) && Object.isFrozen(s0.variables[0]);
let threw = false; try { "use strict"; s0.variables[0].digest = "x"; } catch { threw = true; }
process.env.GITHUB_TOKEN = ${JSON.stringify(SECRET)};
delete process.env.HOME;
const drift = rt.drift().map((d) => [d.key, d.change, d.last?.via]);
const same = rt.snapshot().id === s0.id;
const edited = { ...s0, label: "other" };
const s1 = rt.seal("config-loaded");
const all = await rt.explainAll();
console.log(JSON.stringify({
  frozen, threw, drift, same, ok: rt.verifySnapshot(s0), editedOk: rt.verifySnapshot(edited),
  s1prev: s1.prev === s0.hash, s1ok: rt.verifySnapshot(s1), driftAfterSeal: rt.drift().length,
  history: rt.runtime().snapshots().map((s) => s.label), tok: all.find((v) => v.key === "GITHUB_TOKEN"),
  events: readFileSync(${JSON.stringify(events)}, "utf8"),
  snapshotText: JSON.stringify(rt.snapshot()),
}));`,
    );
    expect(r).toMatchObject({
      frozen: true,
      threw: true,
      same: true,
      ok: true,
      editedOk: false,
      s1prev: true,
      s1ok: true,
      driftAfterSeal: 0,
    });
    expect(r.drift).toEqual([
      ["GITHUB_TOKEN", "added", "guard"],
      ["HOME", "removed", "guard"],
    ]);
    expect(r.history).toEqual(["init", "config-loaded"]);
    expect(r.tok).toMatchObject({
      masked: true,
      value: `ghp_********(${SECRET.length})`,
      source: { kind: "runtime" },
    });
    const ev = (r.events as string)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(ev.map((e) => e.type)).toEqual([
      "runtime-init",
      "runtime-env-set",
      "runtime-env-delete",
      "runtime-seal",
    ]);
    expect(ev[1].payload).toMatchObject({
      key: "GITHUB_TOKEN",
      via: "guard",
      site: { file: join(dir, "seal.mjs") },
    });
    expect(r.events).not.toContain(SECRET);
    expect(r.snapshotText).not.toContain(SECRET);
  });

  it("register hook: --import with ENVTRACE_* options, and NODE_OPTIONS", async () => {
    const events = join(dir, "reg-events.jsonl");
    const app = join(dir, "app.mjs");
    writeFileSync(app, `process.env.APP_SET = "1";\nconsole.log(JSON.stringify({ ok: true }));\n`);
    await exec("node", ["--import", "tsx", "--import", REGISTER, app], {
      cwd: dir,
      env: baseEnv({ ENVTRACE_AUDIT: events, ENVTRACE_GUARD: "proxy" }),
    });
    await exec("node", [app], {
      cwd: dir,
      env: baseEnv({ ENVTRACE_AUDIT: events, NODE_OPTIONS: `--import=tsx --import=${REGISTER}` }),
    });
    const ev = readFileSync(events, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(ev.map((e) => e.type)).toEqual([
      "runtime-init",
      "runtime-env-set",
      "runtime-init",
      "runtime-env-set",
    ]);
    expect(ev[1].payload).toMatchObject({ key: "APP_SET", site: { file: app, line: 1 } });
  });
});

describe("the published subpath envtrace/register (built dist)", () => {
  it("node --import envtrace/register resolves through package.json exports", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.exports["./register"]).toBeDefined();
    const events = join(dir, "dist-events.jsonl");
    const proj = join(dir, "proj");
    mkdirSync(join(proj, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(proj, "node_modules", "envtrace"));
    writeFileSync(join(proj, "app.mjs"), `process.env.X_DIST = "1";\n`);
    await exec("node", ["--import", "envtrace/register", "app.mjs"], {
      cwd: proj,
      env: baseEnv({ ENVTRACE_AUDIT: events }),
    });
    const ev = readFileSync(events, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(ev.map((e) => e.type)).toEqual(["runtime-init", "runtime-env-set"]);
  });
});
