/**
 * Exec chains: when a shell or entrypoint script sets variables and then `exec`s the program, no live
 * actor remains (the parent envtrace sees never had the values). This fallback searches the sources every
 * other resolver can enumerate statically (`Resolver.candidates`: startup files, /etc/environment, unit
 * files, …) for an assignment that yields the observed value, and answers `likely` with the candidates.
 */
import { isShellProgram } from "./programs.js";
import {
  defineResolver,
  programName,
  type ResolveRequest,
  type Resolver,
  type ResolverAnswer,
  type ResolverContext,
  type StaticCandidate,
} from "./resolver.js";

function describeCandidate(c: StaticCandidate): string {
  const loc = "file" in c.location && !("resource" in c.location) ? c.location : undefined;
  const where = loc
    ? `${loc.file}${loc.line !== undefined ? `:${loc.line}` : ""}`
    : JSON.stringify(c.location);
  return `${c.kind}${c.mechanism ? `:${c.mechanism}` : ""} at ${where}`;
}

async function gather(sources: readonly Resolver[], req: ResolveRequest, ctx: ResolverContext) {
  const env = req.subject.env;
  const memoKey = [
    "exec-chain",
    env?.get("HOME")?.value,
    env?.get("SHELL")?.value,
    env?.get("USER")?.value,
  ].join("\0");
  // Grouped by key, in the sources' order: a scan asks for every key of hundreds of processes.
  return ctx.memo(memoKey, async () => {
    const byKey = new Map<string, StaticCandidate[]>();
    for (const r of sources) {
      if (!r.candidates) continue;
      try {
        for (const c of await r.candidates(req, ctx)) {
          const list = byKey.get(c.key);
          if (list) list.push(c);
          else byKey.set(c.key, [c]);
        }
      } catch (err) {
        const detail = err instanceof Error ? err.message.split("\n")[0] : String(err);
        ctx.report({
          subject: `resolver ${r.meta.id}`,
          code: "EIO",
          detail: `static search failed: ${detail}`,
        });
      }
    }
    return byKey;
  });
}

/** Builds the fallback over the given resolvers (the registry passes its own list, avoiding an import cycle). */
export function createExecChainResolver(sources: () => readonly Resolver[]): Resolver {
  return defineResolver({
    meta: {
      id: "exec-chain",
      kind: "unknown",
      description:
        "Static search of every enumerable source when no live actor explains a value (exec chains, entrypoint scripts, unreadable ancestors); answers with the kind of the source found.",
    },
    fallback: true,
    matches(req: ResolveRequest) {
      // A live shell actor is explained by its own resolver; searching again would only guess.
      return !req.actor?.env || !isShellProgram(programName(req.actor));
    },
    async resolve(req, ctx) {
      const out = new Map<string, ResolverAnswer>();
      const candidates = await gather(sources(), req, ctx);
      for (const [key, entry] of req.keys) {
        const mine = candidates.get(key) ?? [];
        const exact = mine.filter((c) => c.value === entry.value);
        const computed = mine.filter((c) => c.value === null);
        const best = exact[exact.length - 1] ?? computed[computed.length - 1];
        if (!best) continue;
        const listed = exact.length > 0 ? exact : computed;
        const attribution: ResolverAnswer["attribution"] = {
          kind: best.kind,
          location: best.location,
          confidence: exact.length > 0 ? "likely" : "possible",
          evidence: [
            exact.length > 0
              ? `no live actor set this value; found statically where it is assigned the same value: ${listed.map(describeCandidate).join("; ")}`
              : `no live actor set this value; it is computed at run time at ${listed.map(describeCandidate).join("; ")}`,
          ],
          candidates: listed.map((c) => c.location),
        };
        if (best.mechanism) attribution.mechanism = best.mechanism;
        out.set(key, { attribution });
      }
      return out;
    },
  });
}
