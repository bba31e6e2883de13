/**
 * Env-diff attribution over a recorded exec tree, joined with the static engine.
 *
 * Ground truth: for every image, the keys whose value differs from its caller's exec-time environment were
 * set (or unset) by the caller's code in-process before it exec'd. Walking the callers back gives, for every
 * variable of every exec, the image where its value first appeared (the *origin*) and the program that passed
 * it on (the origin's caller). No guessing is involved; only the file:line inside that program is not in
 * the trace, so the static resolvers are asked for it with the true actor (the image chain, not procfs).
 *
 * The static view: what `envtrace explain` would have answered from procfs for each process (its parent
 * *process*, not the images in between). When the two disagree, the subject gets ENVT-RECORD-001.
 */
import { attributeChain, createResolverContext } from "../attribution/engine.js";
import { resolvers as defaultResolvers } from "../attribution/index.js";
import { isShellProgram } from "../attribution/programs.js";
import type { Resolver, ResolverContext } from "../attribution/resolver.js";
import { fingerprint } from "../model/fingerprint.js";
import type {
  Attribution,
  CollectionIssue,
  EnvEntry,
  EnvMap,
  Finding,
  Lineage,
  Location,
  ProcessSnapshot,
} from "../model/index.js";
import { sameValue } from "../snapshot/environ.js";
import { createHostFs, type HostFs } from "../snapshot/host-fs.js";
import type { ExecTree, Image, Proc } from "./tree.js";

/** The finding of a disagreement between the static engine and the recorded trace. */
export const RECORD_STATIC_MISMATCH = "ENVT-RECORD-001";

/** Keys every shell rewrites for every command (`_` is the last argument): noise unless asked for. */
export const NOISY_KEYS: ReadonlySet<string> = new Set(["_"]);

/** Variables resolvers read from the subject to find startup files (kept when narrowing a chain). */
const CONTEXT_KEYS = ["HOME", "SHELL", "USER", "LOGNAME", "ZDOTDIR", "ENV", "BASH_ENV", "XDG_CONFIG_HOME"];

const base = (p: string) => p.split("/").pop() ?? p;

/** What the trace knows of one image, for people: `bash -l -c … (pid 42)`. */
export function describeImage(img: Image, argv: readonly string[] = img.argv): string {
  const prog = img.exec ? base(img.path) : "the recording's environment";
  const args = argv.length > 1 ? ` ${argv.slice(1).join(" ")}` : "";
  const cut = args.length > 60 ? `${args.slice(0, 57)}…` : args;
  return img.exec ? `${prog}${cut} (pid ${img.pid})` : prog;
}

/** Origins: for each image and key, the image where the key's current value first appeared. */
export class Origins {
  private readonly memo = new Map<Image, Map<string, Image>>();

  of(img: Image, key: string): Image {
    let m = this.memo.get(img);
    if (!m) {
      m = new Map();
      this.memo.set(img, m);
    }
    const hit = m.get(key);
    if (hit) return hit;
    // Iterative walk (deep exec chains must not blow the stack).
    const path: Image[] = [];
    let cur: Image = img;
    let found: Image | undefined;
    for (;;) {
      const cached = this.memo.get(cur)?.get(key);
      if (cached) {
        found = cached;
        break;
      }
      path.push(cur);
      const c = cur.caller;
      if (!c || !sameValue(c.env.get(key), cur.env.get(key))) {
        found = cur;
        break;
      }
      cur = c;
    }
    for (const p of path) {
      let pm = this.memo.get(p);
      if (!pm) {
        pm = new Map();
        this.memo.set(p, pm);
      }
      pm.set(key, found);
    }
    return found;
  }
}

export interface Change {
  key: string;
  /** The entry the process ended with. */
  entry: EnvEntry;
  /** Where the final value first appeared (an image of this process). */
  origin: Image;
  /** Values this one replaced: the one the process received, and any set by its own earlier images. */
  previous: Array<{ entry: EnvEntry; origin: Image }>;
}

export interface ProcChanges {
  proc: Proc;
  /** The image the process's changes are measured against (parent's image at fork, or the baseline). */
  entry: Image;
  final: Image;
  changes: Change[];
  removed: string[];
}

/** The variables a process introduced or changed: its final image against what it received. */
export function procChanges(tree: ExecTree, proc: Proc, origins: Origins): ProcChanges | null {
  const final = proc.images.at(-1);
  if (!final) return null;
  const entry = proc.images[0]?.caller ?? proc.parentImage ?? tree.baseline;
  const changes: Change[] = [];
  for (const [key, e] of final.env) {
    const before = entry.env.get(key);
    if (sameValue(before, e)) continue;
    const origin = origins.of(final, key);
    const previous: Change["previous"] = [];
    if (before) previous.push({ entry: before, origin: origins.of(entry, key) });
    // Values set by this process's own earlier images and replaced later (an exec chain).
    for (const img of proc.images.slice(0, -1)) {
      const v = img.env.get(key);
      if (v && !sameValue(v, e) && !previous.some((p) => sameValue(p.entry, v))) {
        previous.push({ entry: v, origin: origins.of(img, key) });
      }
    }
    changes.push({ key, entry: e, origin, previous });
  }
  const removed = [...entry.env.keys()].filter((k) => !final.env.has(k)).sort();
  changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { proc, entry, final, changes, removed };
}

// ---- static engine ----

function snapshot(img: Image, ppid: number, env: EnvMap = img.env): ProcessSnapshot {
  const comm = (img.path ? base(img.path) : "strace").slice(0, 15);
  const info: ProcessSnapshot["info"] = {
    pid: img.pid,
    ppid,
    comm,
    cmdline: img.argv.length > 0 ? img.argv : [comm],
    ttyNr: 0,
    startTicks: 0,
    cgroup: [],
  };
  if (img.path) info.exe = img.path;
  if (img.time > 0) info.startTime = new Date(img.time * 1000).toISOString();
  return { info, env };
}

/** A subject env narrowed to the keys of interest (plus what resolvers read to find startup files). */
function narrowed(env: EnvMap, keys: Iterable<string>): EnvMap {
  const out: EnvMap = new Map();
  for (const k of [...CONTEXT_KEYS, ...keys]) {
    const e = env.get(k);
    if (e) out.set(k, e);
  }
  return out;
}

function toChain(images: readonly Image[], keys: Iterable<string>): ProcessSnapshot[] {
  return images.map((img, i) => {
    const ppid = i > 0 ? images[i - 1]!.pid : 0;
    return snapshot(img, ppid, i === images.length - 1 ? narrowed(img.env, keys) : img.env);
  });
}

/** The chain procfs would show for a process: its final image, then each ancestor process at its fork. */
export function procChain(tree: ExecTree, proc: Proc): Image[] {
  const out: Image[] = [];
  const final = proc.images.at(-1);
  if (!final) return out;
  out.push(final);
  const seen = new Set<Proc>([proc]);
  let p: Proc | undefined = proc;
  while (p) {
    const at: Image | undefined = p.parentImage;
    if (!at || seen.has(at.proc)) break;
    out.push(at);
    seen.add(at.proc);
    p = at.proc;
  }
  const outer = out.at(-1)!;
  if (outer !== tree.baseline) out.push(tree.baseline);
  return out.reverse();
}

export interface StaticEngine {
  ctx: ResolverContext;
  resolvers: readonly Resolver[];
  issues: CollectionIssue[];
}

export function staticEngine(o: { root?: string; fs?: HostFs; resolvers?: readonly Resolver[] } = {}) {
  const issues: CollectionIssue[] = [];
  const fs = o.fs ?? createHostFs(o.root ?? "/");
  return {
    ctx: createResolverContext({ fs, issues }),
    resolvers: o.resolvers ?? defaultResolvers,
    issues,
  } satisfies StaticEngine;
}

async function attributeKeys(
  eng: StaticEngine,
  chain: Image[],
  keys: readonly string[],
): Promise<Map<string, Lineage>> {
  const out = new Map<string, Lineage>();
  if (keys.length === 0 || chain.length === 0) return out;
  const wanted = new Set(keys);
  const lineages = await attributeChain(toChain(chain, keys), { resolvers: eng.resolvers, ctx: eng.ctx });
  for (const l of lineages) if (wanted.has(l.key)) out.set(l.key, l);
  return out;
}

// ---- the joined answer ----

function locationText(l: Location | undefined): string | undefined {
  if (!l) return undefined;
  if ("resource" in l) return `${l.resource}${l.key ? ` key ${l.key}` : ""}`;
  return `${l.file}${l.line !== undefined ? `:${l.line}` : ""}`;
}

function sameLocation(a: Location | undefined, b: Location | undefined): boolean {
  if (!a || !b) return false;
  if ("resource" in a || "resource" in b) return locationText(a) === locationText(b);
  return a.file === b.file && (a.line === undefined || b.line === undefined || a.line === b.line);
}

function describeAttribution(a: Attribution | null | undefined): string {
  if (!a) return "nothing";
  const where = locationText(a.location);
  const who = a.actor && "pid" in a.actor ? ` by ${a.actor.comm} (pid ${a.actor.pid})` : "";
  return `${a.kind}${a.mechanism ? `:${a.mechanism}` : ""}${where ? ` at ${where}` : who} (${a.confidence})`;
}

export interface RecordedVariable {
  lineage: Lineage;
  /** The static (procfs) answer for this process, when it was computed. */
  statically?: Attribution | null;
  agrees?: boolean;
}

export interface AttributedProc {
  changes: ProcChanges;
  variables: Lineage[];
  findings: Finding[];
}

/** What the trace itself says about where a value first appeared. */
function recordedAttribution(origin: Image, key: string, maskArgv: (a: string[]) => string[]): Attribution {
  const actor = origin.caller;
  const at = new Date(origin.time * 1000).toISOString();
  const a: Attribution = {
    kind: "runtime",
    confidence: "certain",
    time: { at, what: "process-start" },
    evidence: [],
  };
  if (!actor) {
    a.kind = "inherited";
    a.evidence.push("present in the environment the recording started with");
    return a;
  }
  const actorComm = (actor.path ? base(actor.path) : "strace").slice(0, 15);
  a.actor = { pid: actor.pid, comm: actorComm, ...(actor.path ? { exe: actor.path } : {}) };
  if (actor.time > 0) a.actor.startTime = new Date(actor.time * 1000).toISOString();
  a.mechanism = base(actor.path) || "strace";
  // `env K=V cmd`, `sudo K=V cmd`: the assignment is an argument of its own (a shell's `-c` string is not).
  const argIndex = isShellProgram(base(actor.path))
    ? -1
    : actor.argv.findIndex((x, i) => i > 0 && x.startsWith(`${key}=`));
  const where = origin.forked
    ? `in its forked child pid ${origin.pid}`
    : origin.pid === actor.pid
      ? `in pid ${origin.pid}`
      : `for pid ${origin.pid}`;
  a.evidence.push(
    `recorded: not in the environment ${describeImage(actor, maskArgv(actor.argv))} received at exec; it passed it ${where} to ${describeImage(origin, maskArgv(origin.argv))} at ${at}`,
  );
  if (argIndex > 0) {
    a.mechanism = `${a.mechanism}:argv`;
    a.evidence.push(`named on ${base(actor.path)}'s command line (argument ${argIndex})`);
  }
  return a;
}

/** A lineage winner from a resolver (file:line or resource), not the engine's own default. */
function resolved(l: Lineage | undefined): Attribution | undefined {
  const w = l?.winner;
  return w?.location ? w : undefined;
}

/**
 * Attributes the changes of every process: the recorded actor, the static resolvers' file:line for that
 * actor when they know it, the static (procfs) view, and a finding where the two disagree.
 */
export async function attributeTree(
  tree: ExecTree,
  o: {
    engine?: StaticEngine;
    keys?: readonly string[];
    /** Masks secrets in argv before it goes into evidence (the CLI passes the redactor). */
    maskArgv?: (argv: string[]) => string[];
    /** Skip the static engine (tests, --no-static). */
    noStatic?: boolean;
  } = {},
): Promise<AttributedProc[]> {
  const origins = new Origins();
  const maskArgv = o.maskArgv ?? ((a: string[]) => a);
  const eng = o.noStatic ? undefined : (o.engine ?? staticEngine());
  const wanted = o.keys?.length ? new Set(o.keys) : undefined;
  const keep = (k: string) => (wanted ? wanted.has(k) : !NOISY_KEYS.has(k));
  const out: AttributedProc[] = [];
  for (const proc of tree.processes()) {
    const ch = procChanges(tree, proc, origins);
    if (!ch) continue;
    ch.changes = ch.changes.filter((c) => keep(c.key));
    ch.removed = ch.removed.filter(keep);
    const keys = ch.changes.map((c) => c.key);
    // The resolvers' answer for each origin, asked with the true actor (the image chain).
    const informed = new Map<string, Lineage>();
    const staticView = new Map<string, Lineage>();
    if (eng && keys.length > 0) {
      const byOrigin = new Map<Image, string[]>();
      for (const c of ch.changes) byOrigin.set(c.origin, [...(byOrigin.get(c.origin) ?? []), c.key]);
      for (const [origin, ks] of byOrigin) {
        for (const [k, l] of await attributeKeys(eng, tree.ancestry(origin), ks)) informed.set(k, l);
      }
      for (const [k, l] of await attributeKeys(eng, procChain(tree, proc), keys)) staticView.set(k, l);
    }
    const subject = `pid ${proc.pid}`;
    const variables: Lineage[] = [];
    const findings: Finding[] = [];
    for (const c of ch.changes) {
      const recorded = recordedAttribution(c.origin, c.key, maskArgv);
      const byResolver = resolved(informed.get(c.key));
      let winner: Attribution = recorded;
      if (byResolver) {
        winner = {
          ...byResolver,
          ...(recorded.actor ? { actor: recorded.actor } : {}),
          ...(recorded.time ? { time: recorded.time } : {}),
          evidence: [...recorded.evidence, ...byResolver.evidence],
        };
      }
      const shadowed: Lineage["shadowed"] = c.previous.map((p) => ({
        value: p.entry.value,
        attribution: recordedAttribution(p.origin, c.key, maskArgv),
      }));
      const notes: string[] = [];
      if (c.origin.partial || c.origin.caller?.partial)
        notes.push("strace cut this exec's arguments or environment (-s): the comparison may be inexact");
      const lineage: Lineage = { key: c.key, value: c.entry.value, winner, shadowed, notes };
      if (c.entry.escaped) lineage.escaped = true;
      variables.push(lineage);
      // Static vs trace.
      const s = staticView.get(c.key);
      if (!eng || !s) continue;
      const sw = s.winner;
      const actorPid = c.origin.caller?.pid;
      const agrees = winner.location
        ? sameLocation(sw?.location, winner.location)
        : !sw?.location &&
          sw?.kind === winner.kind &&
          !!sw.actor &&
          "pid" in sw.actor &&
          sw.actor.pid === actorPid;
      if (agrees) continue;
      const messageId = sw?.location ? "record.static-wrong" : "record.static-missed";
      lineage.notes.push(`static analysis (procfs) said ${describeAttribution(sw)}`);
      findings.push({
        id: RECORD_STATIC_MISMATCH,
        severity: "low",
        messageId,
        message: `${c.key}: static analysis said ${describeAttribution(sw)}; the trace shows ${describeAttribution(winner)}`,
        subject,
        key: c.key,
        ...(winner.location ? { location: winner.location } : {}),
        attribution: winner,
        fingerprint: fingerprint(
          RECORD_STATIC_MISMATCH,
          messageId,
          base(proc.images.at(-1)!.path),
          c.key,
          locationText(winner.location) ?? winner.mechanism ?? "",
        ),
        remediation:
          "Trust the recorded answer for this run; if the static answer matters (explain/scan without a recording), report the case so the resolver can learn it.",
      });
    }
    out.push({ changes: ch, variables, findings });
  }
  return out;
}
