/**
 * The ancestry algorithm (DESIGN.md, "How attribution works"): for each key of the subject's exec-time
 * environment, find the outermost ancestor from which the value is unchanged down to the subject; its
 * parent is the actor that set it. Actors are handed to the resolvers that speak for them; keys no
 * resolver explains get an honest default (`runtime` by the actor, `inherited`, `kernel`).
 */
import {
  type Attribution,
  CONFIDENCE_RANK,
  type CollectionIssue,
  type EnvEntry,
  type Lineage,
  type ProcessActor,
  type ProcessSnapshot,
} from "../model/index.js";
import { sameValue } from "../snapshot/environ.js";
import type { ResolveRequest, Resolver, ResolverAnswer, ResolverContext } from "./resolver.js";

export function processActor(p: ProcessSnapshot): ProcessActor {
  const a: ProcessActor = { pid: p.info.pid, comm: p.info.comm };
  if (p.info.exe) a.exe = p.info.exe;
  if (p.info.startTime) a.startTime = p.info.startTime;
  return a;
}

function describe(p: ProcessSnapshot): string {
  return `${p.info.comm} (pid ${p.info.pid})`;
}

/** Index in `chain` of the outermost process from which `key` holds the subject's value unbroken. */
export function entryIndex(chain: readonly ProcessSnapshot[], key: string, entry: EnvEntry): number {
  let k = chain.length - 1;
  for (let j = chain.length - 2; j >= 0; j--) {
    const env = chain[j]!.env;
    if (!env || !sameValue(env.get(key), entry)) break;
    k = j;
  }
  return k;
}

/** Groups the subject's keys by the ancestor that first received their current value. */
export function groupByReceiver(chain: readonly ProcessSnapshot[]): Map<number, Map<string, EnvEntry>> {
  const subject = chain[chain.length - 1];
  const groups = new Map<number, Map<string, EnvEntry>>();
  if (!subject?.env) return groups;
  for (const [key, entry] of subject.env) {
    const k = entryIndex(chain, key, entry);
    const g = groups.get(k) ?? new Map<string, EnvEntry>();
    groups.set(k, g);
    g.set(key, entry);
  }
  return groups;
}

function better(a: ResolverAnswer | undefined, b: ResolverAnswer): boolean {
  return !a || CONFIDENCE_RANK[b.attribution.confidence] > CONFIDENCE_RANK[a.attribution.confidence];
}

async function runResolvers(
  resolvers: readonly Resolver[],
  req: ResolveRequest,
  ctx: ResolverContext,
  answers: Map<string, ResolverAnswer>,
): Promise<void> {
  for (const r of resolvers) {
    if (!r.matches(req)) continue;
    let result: Map<string, ResolverAnswer>;
    try {
      result = await r.resolve(req, ctx);
    } catch (err) {
      // A resolver bug must not abort the scan: report it and go on with the others.
      const detail = err instanceof Error ? err.message.split("\n")[0] : String(err);
      ctx.report({ subject: `resolver ${r.meta.id}`, code: "EIO", detail: `resolver failed: ${detail}` });
      continue;
    }
    for (const [key, ans] of result) {
      if (req.keys.has(key) && better(answers.get(key), ans)) answers.set(key, ans);
    }
  }
}

function defaultAttribution(req: ResolveRequest): Attribution {
  const { actor, receiver } = req;
  if (!actor) {
    if (receiver.info.pid === 1) {
      return {
        kind: "kernel",
        confidence: "likely",
        evidence: [
          "present in init's exec-time environment (set by the kernel, initramfs or container runtime)",
        ],
      };
    }
    return {
      kind: "inherited",
      confidence: "possible",
      evidence: [`already present when ${describe(receiver)} started; its parent could not be read`],
    };
  }
  if (!actor.env) {
    return {
      kind: "inherited",
      confidence: "possible",
      actor: processActor(actor),
      evidence: [
        `present when ${describe(receiver)} started; ${describe(actor)} could not be read, so the setter is unknown`,
      ],
    };
  }
  return {
    kind: "runtime",
    confidence: "likely",
    actor: processActor(actor),
    evidence: [
      `absent (or different) in ${describe(actor)}'s exec-time environment and present in its child ${describe(receiver)}: set in-process by ${actor.info.comm} or by a program it exec'd`,
    ],
  };
}

export interface AttributeOptions {
  resolvers: readonly Resolver[];
  ctx: ResolverContext;
}

/** Attributes every variable of the last process in `chain` (outermost first). */
export async function attributeChain(
  chain: readonly ProcessSnapshot[],
  { resolvers, ctx }: AttributeOptions,
): Promise<Lineage[]> {
  const subject = chain[chain.length - 1];
  if (!subject?.env) return [];
  const primary = resolvers.filter((r) => !r.fallback);
  const fallbacks = resolvers.filter((r) => r.fallback);
  const lineages: Lineage[] = [];
  for (const [k, keys] of groupByReceiver(chain)) {
    const receiver = chain[k]!;
    const actor = k > 0 ? chain[k - 1]! : null;
    const req: ResolveRequest = { subject, chain, receiver, actor, keys };
    const answers = new Map<string, ResolverAnswer>();
    await runResolvers(primary, req, ctx, answers);
    const missing = new Map([...keys].filter(([key]) => !answers.has(key)));
    if (missing.size > 0 && fallbacks.length > 0) {
      await runResolvers(fallbacks, { ...req, keys: missing }, ctx, answers);
    }
    for (const [key, entry] of keys) {
      const ans = answers.get(key);
      const attribution: Attribution = ans ? { ...ans.attribution } : defaultAttribution(req);
      if (!attribution.actor && actor) attribution.actor = processActor(actor);
      if (!attribution.time && receiver.info.startTime) {
        attribution.time = { at: receiver.info.startTime, what: "process-start" };
      }
      const shadowed: Lineage["shadowed"] = [];
      const previous = actor?.env?.get(key);
      if (previous && !sameValue(previous, entry)) {
        shadowed.push({
          value: previous.value,
          attribution: {
            kind: "inherited",
            confidence: "certain",
            actor: processActor(actor!),
            evidence: [
              `the value ${describe(actor!)} received at exec, overridden before it started its child`,
            ],
          },
        });
      }
      if (ans?.shadowed) shadowed.push(...ans.shadowed);
      const lineage: Lineage = {
        key,
        value: entry.value,
        winner: attribution,
        shadowed,
        notes: ans?.notes ?? [],
      };
      if (entry.escaped) lineage.escaped = true;
      if (ans?.segments) lineage.segments = ans.segments;
      lineages.push(lineage);
    }
  }
  return lineages.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A ResolverContext with a per-run memo table and an issue sink. */
export function createResolverContext(opts: {
  fs: ResolverContext["fs"];
  trace?: boolean;
  issues: CollectionIssue[];
}): ResolverContext {
  const memo = new Map<string, Promise<unknown>>();
  const reported = new Set<string>();
  return {
    fs: opts.fs,
    trace: opts.trace ?? false,
    traced: [],
    memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
      let p = memo.get(key) as Promise<T> | undefined;
      if (!p) {
        p = compute();
        memo.set(key, p);
      }
      return p;
    },
    report(issue) {
      // The same problem (a broken file, a failing resolver) is reported once per run, not once per actor.
      const id = `${issue.subject}\0${issue.code}\0${issue.detail}`;
      if (reported.has(id)) return;
      reported.add(id);
      opts.issues.push(issue);
    },
  };
}
