/**
 * The fish resolver: when the actor is fish, finds the startup file (conf.d snippet, config.fish,
 * fish_variables) and line that gave each key its value. Static analysis by default; `--trace` runs fish
 * for real to confirm. Evidence names files, lines and mechanisms, never values.
 */
import { createHash } from "node:crypto";
import type { Attribution, FileLocation, ProcessSnapshot } from "../../model/index.js";
import {
  defineResolver,
  type ResolveRequest,
  type ResolverAnswer,
  type ResolverContext,
  type StaticCandidate,
} from "../resolver.js";
import { analyzeFish, FISH_DATA_DIR, type FishAnalysis, type FishAssignment } from "./fish/analyze.js";
import { type FishTraceResult, traceFishStartup } from "./fish/trace.js";
import type { ShellMode } from "./types.js";

const MECHANISM = "fish";

/** Is this process fish? (exe basename, else argv[0] without a login dash, else comm). */
export function isFish(p: ProcessSnapshot | null): boolean {
  if (!p) return false;
  const exe = p.info.exe?.split("/").pop();
  if (exe) return exe === "fish";
  const a0 = (p.info.cmdline[0] ?? "").replace(/^-/, "").split("/").pop();
  return a0 === "fish" || p.info.comm === "fish";
}

const OPTS_WITH_ARG = new Set(["c", "C", "d", "o", "p", "f"]);
const LONG_WITH_ARG = new Set([
  "--command",
  "--init-command",
  "--debug",
  "--debug-output",
  "--profile",
  "--profile-startup",
  "--features",
]);

/**
 * fish's mode from its argv and terminal: login with `-l`/`--login` or argv[0] starting with `-`;
 * interactive with `-i`/`--interactive`, or without `-c` and script when it has a controlling terminal.
 */
export function fishMode(p: ProcessSnapshot): ShellMode {
  const argv = p.info.cmdline;
  let login = (argv[0] ?? "").startsWith("-");
  let interactive = false;
  let command = false;
  let noRc = false;
  let script = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      script = i + 1 < argv.length;
      break;
    }
    if (a.startsWith("--")) {
      const name = a.split("=")[0]!;
      if (name === "--login") login = true;
      else if (name === "--interactive") interactive = true;
      else if (name === "--no-config") noRc = true;
      else if (name === "--command") command = true;
      if (LONG_WITH_ARG.has(name) && !a.includes("=")) i++;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (c === "l") login = true;
        else if (c === "i") interactive = true;
        else if (c === "N") noRc = true;
        else if (c === "c") command = true;
        if (OPTS_WITH_ARG.has(c)) {
          if (j === a.length - 1) i++;
          break;
        }
      }
      continue;
    }
    script = true;
    break;
  }
  if (!interactive && !command && !script && p.info.ttyNr !== 0) interactive = true;
  const mode: ShellMode = { login, interactive };
  if (noRc) mode.noRc = true;
  if (command) mode.command = true;
  return mode;
}

function envOf(p: ProcessSnapshot | null): Map<string, string> {
  const out = new Map<string, string>();
  if (p?.env) for (const [k, e] of p.env) out.set(k, e.value);
  return out;
}

function memoKey(kind: string, mode: ShellMode, env: ReadonlyMap<string, string>, uid?: number): string {
  const h = createHash("sha256");
  for (const k of [...env.keys()].sort()) h.update(`${k}\u0000${env.get(k)}\u0000`);
  const m = `${mode.login ? "l" : ""}${mode.interactive ? "i" : ""}${mode.noRc ? "N" : ""}`;
  return `fish:${kind}:${m}:${uid ?? ""}:${h.digest("hex")}`;
}

function analyze(
  mode: ShellMode,
  env: Map<string, string>,
  ctx: ResolverContext,
  uid?: number,
): Promise<FishAnalysis> {
  return ctx.memo(memoKey("static", mode, env, uid), async () => {
    const a = await analyzeFish({ shell: "fish", mode, env }, ctx, uid === undefined ? {} : { uid });
    // Reported once per analysis (the memo shares it between actors).
    for (const issue of a.issues) ctx.report(issue);
    return a;
  });
}

function at(l: FileLocation): string {
  return l.line !== undefined ? `${l.file}:${l.line}` : l.file;
}

function loc(a: FishAssignment): FileLocation {
  const l: FileLocation = { file: a.location.file };
  if (a.location.line !== undefined) l.line = a.location.line;
  return l;
}

function modeLabel(mode: ShellMode): string {
  const parts = [mode.login ? "login" : "non-login", mode.interactive ? "interactive" : "non-interactive"];
  if (mode.noRc) parts.push("--no-config");
  return `fish ${parts.join(" ")}`;
}

/** Variables fish puts into its children's environment itself. */
const SELF_SET: Record<string, { why: string; confidence: Attribution["confidence"]; file?: string }> = {
  SHLVL: { why: "fish increments SHLVL at start-up", confidence: "certain" },
  PWD: { why: "fish exports its working directory as PWD", confidence: "certain" },
  USER: { why: "fish sets USER from the password database when it is not set", confidence: "likely" },
  LC_CTYPE: {
    why: "fish's __fish_set_locale sets a UTF-8 LC_CTYPE when no locale variable is set",
    confidence: "likely",
    file: `${FISH_DATA_DIR}/functions/__fish_set_locale.fish`,
  },
};

function findLast<T>(xs: readonly T[], f: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i]!)) return i;
  return -1;
}

/** The static answer for one key (before any trace). Exported for tests and the `shell` command. */
export function answerFromAnalysis(
  key: string,
  observed: string,
  analysis: FishAnalysis,
  label: string,
): ResolverAnswer | null {
  const all = analysis.assignments.filter((a) => a.key === key && !a.unset);
  const notes: string[] = [];
  let confidence: Attribution["confidence"];
  let what: string;
  const exact = findLast(all, (a) => a.exported && a.value === observed);
  const computed = exact >= 0 ? -1 : findLast(all, (a) => a.exported && a.value === null);
  const other = exact >= 0 || computed >= 0 ? -1 : findLast(all, (a) => a.exported);
  const i = exact >= 0 ? exact : computed >= 0 ? computed : other;
  if (exact >= 0) {
    const a = all[i]!;
    confidence = a.conditional ? "likely" : "certain";
    what = `${a.via} at ${at(a.location)} assigns this value`;
    if (a.conditional) notes.push("assigned under a condition, loop or function call: it may not have run");
  } else if (computed >= 0) {
    const a = all[i]!;
    confidence = "likely";
    what = `computed at ${at(a.location)} (${a.via}; the value is only known at run time)`;
  } else if (other >= 0) {
    const a = all[i]!;
    confidence = "possible";
    what = `${a.via} at ${at(a.location)} assigns this variable`;
    notes.push(
      "the value assigned there differs from the observed one: it was changed later (interactively, by a universal variable update from another session, or by code the analysis could not follow)",
    );
  } else {
    const self = SELF_SET[key];
    if (self) {
      const attribution: Attribution = {
        kind: "shell",
        mechanism: MECHANISM,
        confidence: self.confidence,
        evidence: [`${self.why} (${label})`],
      };
      if (self.file) attribution.location = { file: self.file };
      return { attribution };
    }
    const opaque = analysis.opaque ?? [];
    if (opaque.length === 0) return null;
    return {
      attribution: {
        kind: "shell",
        mechanism: MECHANISM,
        confidence: "possible",
        evidence: [
          `no fish startup file assigns it; it may come from ${opaque.map((o) => `${o.what} at ${at(o.location)}`).join(", ")} (${label})`,
        ],
        candidates: opaque.map((o) => ({ ...o.location })),
      },
    };
  }
  const winner = all[i]!;
  const attribution: Attribution = {
    kind: "shell",
    mechanism: MECHANISM,
    location: loc(winner),
    confidence,
    evidence: [`${what} (${label})`, `fish files read: ${analysis.files.join(", ") || "none"}`],
  };
  const shadowed: NonNullable<ResolverAnswer["shadowed"]> = [];
  for (const a of all.slice(0, i)) {
    shadowed.push({
      value: a.value ?? "(computed)",
      attribution: {
        kind: "shell",
        mechanism: MECHANISM,
        location: loc(a),
        confidence: a.conditional ? "likely" : "certain",
        evidence: [
          `${a.via} at ${at(a.location)}${a.value === null ? " (computed)" : ""}, overridden by ${at(winner.location)}`,
        ],
      },
    });
  }
  // Assignments that never ran: conf.d snippets shadowed by a same-named file earlier in the search order.
  for (const a of analysis.skippedAssignments.filter((s) => s.key === key && !s.unset && s.exported)) {
    shadowed.push({
      value: a.value ?? "(computed)",
      attribution: {
        kind: "shell",
        mechanism: MECHANISM,
        location: loc(a),
        confidence: "certain",
        evidence: [`${a.via} at ${at(a.location)} never ran: ${a.skipped ?? "skipped"}`],
      },
    });
  }
  const ans: ResolverAnswer = { attribution };
  if (shadowed.length > 0) ans.shadowed = shadowed;
  if (notes.length > 0) ans.notes = notes;
  if (winner.segments) ans.segments = winner.segments;
  return ans;
}

/** Confirms or refines a static answer with what the traced fish did. */
export function refineWithTrace(
  key: string,
  observed: string,
  ans: ResolverAnswer | null,
  trace: FishTraceResult,
  analysis: FishAnalysis,
): ResolverAnswer | null {
  if (!trace.env) return ans;
  const traced = trace.env.get(key);
  if (traced !== observed) {
    if (ans) {
      ans.notes = [
        ...(ans.notes ?? []),
        traced === undefined
          ? "--trace: running fish's startup now does not set this variable"
          : "--trace: running fish's startup now gives a different value",
      ];
    }
    return ans;
  }
  const file = trace.lastSetFile.get(key);
  const current =
    ans?.attribution.location && "file" in ans.attribution.location ? ans.attribution.location : undefined;
  if (ans && (!file || !current || current.file === file || file.startsWith(`${FISH_DATA_DIR}/`))) {
    // Same file (or fish's own files, e.g. PATH rebuilt from universal fish_user_paths): confirmed.
    ans.attribution = {
      ...ans.attribution,
      confidence: "certain",
      evidence: [
        ...ans.attribution.evidence,
        file && current?.file === file
          ? `confirmed by --trace: fish_trace shows the last assignment in ${file}`
          : "confirmed by --trace: running fish's startup gives this value",
      ],
    };
    ans.notes = (ans.notes ?? []).filter((n) => !n.startsWith("assigned under a condition"));
    return ans;
  }
  if (!file) return ans;
  const staticExact =
    ans &&
    current &&
    analysis.assignments.some(
      (a) =>
        a.key === key &&
        a.value === observed &&
        a.location.file === current.file &&
        a.location.line === current.line,
    );
  if (ans && staticExact) {
    // E.g. a function defined in one file and called from another: fish_trace shows the caller's file.
    ans.attribution = {
      ...ans.attribution,
      confidence: "certain",
      evidence: [
        ...ans.attribution.evidence,
        `confirmed by --trace: running fish's startup gives this value (the trace shows the last set while running ${file})`,
      ],
    };
    return ans;
  }
  // The trace points to another file: take the last static assignment to the key in that file for the line.
  const inFile = analysis.assignments.filter((a) => a.key === key && a.location.file === file);
  const location: FileLocation = { file };
  const last = inFile[inFile.length - 1];
  if (last?.location.line !== undefined) location.line = last.location.line;
  return {
    ...(ans ?? {}),
    attribution: {
      kind: "shell",
      mechanism: MECHANISM,
      location,
      confidence: last ? "certain" : "likely",
      evidence: [
        `located by --trace: fish_trace shows the last assignment in ${file}${ans ? " (static analysis pointed elsewhere)" : ""}`,
      ],
    },
  };
}

async function resolveFish(req: ResolveRequest, ctx: ResolverContext): Promise<Map<string, ResolverAnswer>> {
  const out = new Map<string, ResolverAnswer>();
  const actor = req.actor;
  if (!actor) return out;
  const mode = fishMode(actor);
  const env = envOf(actor);
  const analysis = await analyze(mode, env, ctx, actor.info.uid);
  const label = modeLabel(mode);
  let trace: FishTraceResult | null = null;
  if (ctx.trace) {
    trace = await ctx.memo(memoKey("trace", mode, env), async () => {
      const t = await traceFishStartup(mode, env);
      for (const issue of t.issues) ctx.report(issue);
      return t;
    });
  }
  for (const [key, entry] of req.keys) {
    const ans = answerFromAnalysis(key, entry.value, analysis, label);
    const refined = trace ? refineWithTrace(key, entry.value, ans, trace, analysis) : ans;
    if (refined) out.set(key, refined);
  }
  return out;
}

export default defineResolver({
  meta: {
    id: "fish",
    kind: "shell",
    description:
      "fish startup: conf.d snippets (natural name order, same-name shadowing), /etc/fish/config.fish, config.fish and universal variables in fish_variables, with file:line; --trace runs fish with fish_trace to confirm.",
  },
  matches(req) {
    return isFish(req.actor);
  },
  resolve: resolveFish,
  async candidates(req, ctx): Promise<StaticCandidate[]> {
    const env = envOf(req.actor);
    if (env.size === 0 && req.subject.env) for (const [k, e] of req.subject.env) env.set(k, e.value);
    const analysis = await analyze({ login: true, interactive: true }, env, ctx, req.actor?.info.uid);
    return analysis.assignments
      .filter((a) => a.exported && !a.unset)
      .map((a) => ({ key: a.key, value: a.value, location: loc(a), kind: "shell", mechanism: MECHANISM }));
  },
});
