/**
 * What the four POSIX-family shell resolvers (bash, zsh, dash/sh, ash) share: turning a startup analysis
 * into per-key answers for one actor, optional `--trace` confirmation, and the static candidates for exec
 * chains. Evidence strings name files, lines and mechanisms, never values.
 */
import { posix } from "node:path";
import type { Attribution, FileLocation, TimeInfo } from "../../model/index.js";
import type { ResolveRequest, ResolverAnswer, ResolverContext, StaticCandidate } from "../resolver.js";
import { analyzeStartup, commandLabel, isPathLike } from "./analyze.js";
import { detectShellMode, modeLabel, shellOf } from "./startup.js";
import { type TraceResult, traceStartup } from "./trace.js";
import type { ShellAnalysis, ShellAssignment, ShellId, ShellMode } from "./types.js";

/**
 * The actor's exec-time environment as plain strings; when it is unreadable, the receiver's (its child's)
 * as the nearest approximation of HOME and friends.
 */
export function envOf(req: ResolveRequest): Map<string, string> {
  const out = new Map<string, string>();
  const env = req.actor?.env ?? req.receiver.env;
  if (env) for (const [k, e] of env) out.set(k, e.value);
  return out;
}

function at(l: FileLocation): string {
  return l.line !== undefined ? `${l.file}:${l.line}` : l.file;
}

function locationOf(a: ShellAssignment): FileLocation {
  const l: FileLocation = { file: a.location.file };
  if (a.location.line !== undefined) l.line = a.location.line;
  if (a.location.column !== undefined) l.column = a.location.column;
  return l;
}

/** Variables the shell itself puts into its children's environment (not a startup file). */
const SELF_SET: Record<string, string> = {
  SHLVL: "the shell increments SHLVL at start-up",
  PWD: "the shell exports its working directory as PWD",
  OLDPWD: "the shell exports the previous working directory as OLDPWD",
  _: "the shell sets `_` to the path of the command it runs",
};

const SELF_SET_BY: Record<ShellId, readonly string[]> = {
  bash: ["SHLVL", "PWD", "OLDPWD", "_"],
  zsh: ["SHLVL", "PWD", "OLDPWD", "_"],
  dash: ["PWD", "OLDPWD"],
  sh: ["PWD", "OLDPWD"],
  ash: ["SHLVL", "PWD", "OLDPWD"],
  fish: ["SHLVL", "PWD"],
};

/** The shell and mode of the request's actor, or null when the actor is not `shell`. */
export function actorShell(
  req: ResolveRequest,
  ids: readonly ShellId[],
): { shell: ShellId; mode: ShellMode } | null {
  const shell = shellOf(req.actor);
  if (!shell || !ids.includes(shell) || !req.actor) return null;
  return { shell, mode: detectShellMode(req.actor, shell) };
}

/**
 * Resolves the request's keys for an actor that is a POSIX-family shell: the last exported assignment
 * whose evaluated value equals the observed one wins (`certain`, `likely` when conditional); a computed
 * value gives `likely`; a different static value `possible`; earlier assignments are shadowed.
 */
export async function resolveShellKeys(
  shell: ShellId,
  mechanism: string,
  mode: ShellMode,
  req: ResolveRequest,
  ctx: ResolverContext,
): Promise<Map<string, ResolverAnswer>> {
  const env = envOf(req);
  const uid = req.actor?.info.uid;
  if (mode.script !== undefined && !mode.script.startsWith("/")) mode = await absoluteScript(mode, req, ctx);
  const analysis = await analyzeStartup({ shell, mode, env, ...(uid !== undefined ? { uid } : {}) }, ctx);
  for (const issue of analysis.issues) reportOnce(ctx, issue);
  const trace = ctx.trace ? await traceStartup(shell, mode, env, ctx) : null;
  for (const issue of trace?.issues ?? []) reportOnce(ctx, issue);
  const out = new Map<string, ResolverAnswer>();
  const label = `${mechanism} ${modeLabel(mode)}`;
  for (const [key, entry] of req.keys) {
    const ans = answerFor(key, entry.value, analysis, mechanism, label);
    // The trace runs the startup files only: it says nothing about what the -c string or script set.
    const fromRun =
      ans?.attribution.location &&
      "file" in ans.attribution.location &&
      (ans.attribution.location.file === mode.script ||
        ans.attribution.location.file === commandLabel(shell));
    const refined = trace && !fromRun ? refineWithTrace(key, entry.value, ans, trace, mechanism) : ans;
    if (refined) {
      await addTimes(refined, req, ctx);
      out.set(key, refined);
    } else if (SELF_SET_BY[shell].includes(key) && SELF_SET[key]) {
      out.set(key, {
        attribution: {
          kind: "shell",
          mechanism,
          confidence: key === "_" || key === "SHLVL" ? "certain" : "likely",
          evidence: [`${SELF_SET[key]} (${label})`],
        },
      });
    }
  }
  return out;
}

/**
 * "When": the shell's start (when it ran the file) and the file's modification time (when the line was
 * last written), each labelled. The shell's start is the primary time.
 */
async function addTimes(ans: ResolverAnswer, req: ResolveRequest, ctx: ResolverContext): Promise<void> {
  const times: TimeInfo[] = [];
  const started = req.actor?.info.startTime;
  if (started) times.push({ at: started, what: "process-start" });
  const loc = ans.attribution.location;
  if (loc && "file" in loc && !("resource" in loc) && loc.file.startsWith("/")) {
    const file = loc.file;
    const mtime = await ctx.memo(`mtime\0${file}`, async () => {
      try {
        return (await ctx.fs.stat(file)).mtime.toISOString();
      } catch {
        return undefined;
      }
    });
    if (mtime) times.push({ at: mtime, what: "file-mtime" });
  }
  if (times.length === 0) return;
  ans.attribution.time ??= times[0]!;
  ans.attribution.times = times;
}

/** A relative script name is resolved against the actor's working directory (`/proc/PID/cwd`). */
async function absoluteScript(
  mode: ShellMode,
  req: ResolveRequest,
  ctx: ResolverContext,
): Promise<ShellMode> {
  const out = { ...mode };
  delete out.script;
  if (!req.actor || mode.script === undefined) return out;
  try {
    const cwd = await ctx.fs.readlink(`/proc/${req.actor.info.pid}/cwd`);
    if (cwd.startsWith("/")) out.script = posix.resolve(cwd, mode.script);
  } catch {
    // cwd unreadable: the script is not analysed (its keys fall back to the engine's default).
  }
  return out;
}

const reported = new WeakMap<ResolverContext, Set<string>>();
/** The same analysis is shared by many actors (memo): report each of its issues once per run. */
function reportOnce(ctx: ResolverContext, issue: { subject: string; code: string; detail: string }): void {
  let seen = reported.get(ctx);
  if (!seen) {
    seen = new Set();
    reported.set(ctx, seen);
  }
  const id = `${issue.subject}\u0000${issue.code}\u0000${issue.detail}`;
  if (seen.has(id)) return;
  seen.add(id);
  ctx.report(issue as Parameters<ResolverContext["report"]>[0]);
}

function findLast<T>(xs: readonly T[], f: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i]!)) return i;
  return -1;
}

export function answerFor(
  key: string,
  observed: string,
  analysis: ShellAnalysis,
  mechanism: string,
  label: string,
): ResolverAnswer | null {
  const all = analysis.assignments.filter((a) => a.key === key && !a.unset);
  const files = `startup files read: ${analysis.files.length > 0 ? analysis.files.join(", ") : "none"}`;
  const exact = findLast(all, (a) => a.exported && a.value === observed);
  const computed = findLast(all, (a) => a.exported && a.value === null);
  const other = findLast(all, (a) => a.exported || a.value === observed);
  let confidence: Attribution["confidence"];
  const evidence: string[] = [];
  const notes: string[] = [];
  let i: number;
  if (exact >= 0) {
    i = exact;
    const a = all[i]!;
    confidence = a.conditional ? "likely" : "certain";
    evidence.push(`${a.via} at ${at(a.location)} assigns this value (${label})`);
    if (a.conditional) notes.push("assigned inside a condition, loop or function call: it may not have run");
  } else if (computed >= 0) {
    i = computed;
    const a = all[i]!;
    confidence = "likely";
    evidence.push(`computed at ${at(a.location)} (${a.via}; the value depends on run time) (${label})`);
  } else if (other >= 0) {
    i = other;
    const a = all[i]!;
    confidence = "possible";
    evidence.push(`${a.via} at ${at(a.location)} assigns this variable (${label})`);
    notes.push(
      a.exported
        ? "the value assigned there differs from the observed one: it was changed later (interactively, by eval or by a file the analysis could not follow)"
        : "assigned there without export: it was exported by a mechanism the analysis did not see",
    );
  } else {
    const opaque = analysis.opaque ?? [];
    if (opaque.length === 0) return null;
    const attribution: Attribution = {
      kind: "shell",
      mechanism,
      confidence: "possible",
      evidence: [
        `no startup file assigns it; it may come from ${opaque.map((o) => `${o.what} at ${at(o.location)}`).join(", ")}, or was set interactively (${label})`,
      ],
      candidates: opaque.map((o) => ({ ...o.location })),
    };
    return { attribution };
  }
  const winner = all[i]!;
  evidence.push(files);
  const attribution: Attribution = {
    kind: "shell",
    mechanism,
    location: locationOf(winner),
    confidence,
    evidence,
  };
  const shadowed = all.slice(0, i).map((a) => ({
    value: a.value ?? "(computed)",
    attribution: {
      kind: "shell",
      mechanism,
      location: locationOf(a),
      confidence: (a.conditional ? "likely" : "certain") as Attribution["confidence"],
      evidence: [
        `${a.via} at ${at(a.location)}${a.value === null ? " (computed)" : ""}, overridden by ${at(winner.location)}`,
      ],
    } satisfies Attribution,
  }));
  const ans: ResolverAnswer = { attribution };
  if (shadowed.length > 0) ans.shadowed = shadowed;
  if (notes.length > 0) ans.notes = notes;
  if (isPathLike(key) && winner.segments) ans.segments = winner.segments;
  return ans;
}

/** Confirms or refines a static answer with what the traced shell did. */
function refineWithTrace(
  key: string,
  observed: string,
  ans: ResolverAnswer | null,
  trace: TraceResult,
  mechanism: string,
): ResolverAnswer | null {
  if (!trace.env) return ans;
  const tracedValue = trace.env.get(key);
  if (tracedValue !== observed) {
    if (ans) {
      ans.notes = [
        ...(ans.notes ?? []),
        tracedValue === undefined
          ? "--trace: running the startup files did not set this variable"
          : "--trace: running the startup files gave a different value",
      ];
    }
    return ans;
  }
  const hit = [...trace.assignments].reverse().find((t) => t.key === key);
  const hasFiles = trace.hasLocations;
  if (hit?.file && hit.line !== undefined) {
    const loc: FileLocation = { file: hit.file, line: hit.line };
    const same =
      ans?.attribution.location &&
      "file" in ans.attribution.location &&
      ans.attribution.location.file === hit.file &&
      ans.attribution.location.line === hit.line;
    if (ans && same) {
      ans.attribution = {
        ...ans.attribution,
        confidence: "certain",
        evidence: [
          ...ans.attribution.evidence,
          `confirmed by --trace: xtrace shows the assignment at ${at(loc)}`,
        ],
      };
      ans.notes = (ans.notes ?? []).filter((n) => !n.startsWith("assigned inside a condition"));
      return ans;
    }
    const attribution: Attribution = {
      kind: "shell",
      mechanism,
      location: loc,
      confidence: "certain",
      evidence: [
        `located by --trace: xtrace shows the last assignment at ${at(loc)}${ans?.attribution.location ? " (static analysis pointed elsewhere)" : ""}`,
      ],
    };
    return { ...(ans ?? {}), attribution };
  }
  if (ans && (hit || !hasFiles)) {
    ans.attribution = {
      ...ans.attribution,
      confidence: ans.attribution.confidence === "possible" ? "likely" : "certain",
      evidence: [
        ...ans.attribution.evidence,
        "confirmed by --trace: running the startup files gives this value (this shell's trace has no file:line)",
      ],
    };
  }
  return ans;
}

/**
 * Every exported assignment of the user's login + interactive startup, for static search (exec chains).
 * Only the resolver of the user's login shell answers (`SHELL` in the subject's environment; without
 * `SHELL`, the POSIX `sh` one), so the shared files (/etc/profile, ~/.profile) are not listed four times.
 * The environment is the subject's: for an exec chain the shell that ran is gone.
 */
export async function shellCandidates(
  shell: ShellId,
  mechanism: string,
  req: ResolveRequest,
  ctx: ResolverContext,
): Promise<StaticCandidate[]> {
  const env = new Map<string, string>();
  const source = req.subject.env ?? req.actor?.env;
  if (source) for (const [k, e] of source) env.set(k, e.value);
  const login = (env.get("SHELL") ?? "").split("/").pop() ?? "";
  const speaksFor = login === "" ? shell === "dash" : login === shell || (shell === "dash" && login === "sh");
  if (!speaksFor) return [];
  const uid = req.subject.info.uid ?? req.actor?.info.uid;
  const analysis = await analyzeStartup(
    { shell, mode: { login: true, interactive: true }, env, ...(uid !== undefined ? { uid } : {}) },
    ctx,
  );
  return analysis.assignments
    .filter((a) => a.exported && !a.unset)
    .map((a) => ({ key: a.key, value: a.value, location: locationOf(a), kind: "shell", mechanism }));
}
