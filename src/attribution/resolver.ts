/**
 * The narrow interface between the attribution engine and its resolvers (one mechanism each).
 *
 * A resolver sees one *actor*: the program that put a set of keys into its child's environment before
 * `execve` (see DESIGN.md, "How attribution works"). It answers, per key, where the value came from.
 * Resolvers talk to the host only through {@link ResolverContext}; they never import engine internals and
 * never execute user files unless `ctx.trace` is set.
 */
import type {
  Attribution,
  CollectionIssue,
  EnvEntry,
  Location,
  PathSegment,
  ProcessSnapshot,
  SourceKind,
} from "../model/index.js";
import type { HostFs } from "../snapshot/host-fs.js";

export interface ResolverMeta {
  /** Unique id, also the name of `docs/resolvers/<id>.md`. */
  id: string;
  kind: SourceKind;
  description: string;
}

export interface ResolveRequest {
  /** The process whose exec-time environment is explained (last in `chain`). */
  subject: ProcessSnapshot;
  /** Ancestry, outermost first, ending with `subject`. */
  chain: readonly ProcessSnapshot[];
  /** The first process (A(k)) whose exec-time environment holds these values. */
  receiver: ProcessSnapshot;
  /** The receiver's parent (A(k-1)): the program that set the keys before forking; null when unknown. */
  actor: ProcessSnapshot | null;
  /** The keys this actor introduced, with the values the receiver got. */
  keys: ReadonlyMap<string, EnvEntry>;
}

/** One resolver's answer for one key. */
export interface ResolverAnswer {
  attribution: Attribution;
  /** Earlier assignments this one overrode (e.g. `/etc/profile` before `~/.profile`), oldest first. */
  shadowed?: Array<{ value: string; attribution: Attribution }>;
  segments?: PathSegment[];
  notes?: string[];
}

/** A place that would assign `key` the value `value`, found without a live actor. */
export interface StaticCandidate {
  key: string;
  /** null when the value is computed at run time (`$(cmd)`), so it cannot be compared. */
  value: string | null;
  location: Location;
  kind: SourceKind;
  mechanism?: string;
}

/** One run of a user's shell under `--trace`: it executed their startup files. */
export interface TracedRun {
  shell: string;
  argv: string[];
  home: string;
}

export interface ResolverContext {
  readonly fs: HostFs;
  /** Opt-in: resolvers may run the user's shell to trace startup files (`--trace`). */
  readonly trace: boolean;
  /** Every shell `--trace` really ran (program, arguments, HOME), so that the output can say so. */
  readonly traced: TracedRun[];
  /** Memoises work shared across subjects in one run (e.g. startup-file analysis per shell, mode, HOME). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  report(issue: CollectionIssue): void;
}

export interface Resolver {
  readonly meta: ResolverMeta;
  /** Resolvers marked `fallback` run only for keys that no other resolver attributed. */
  readonly fallback?: boolean;
  /** Cheap test: does this resolver speak for this actor? Must not do I/O. */
  matches(req: ResolveRequest): boolean;
  resolve(req: ResolveRequest, ctx: ResolverContext): Promise<Map<string, ResolverAnswer>>;
  /**
   * Optional: every assignment this mechanism would make for the subject, for static search when no live
   * actor remains (exec chains, entrypoint scripts, unreadable ancestors).
   */
  candidates?(req: ResolveRequest, ctx: ResolverContext): Promise<StaticCandidate[]>;
}

/** Identity helper so resolver files get type checking with inference: `export default defineResolver({...})`. */
export function defineResolver<R extends Resolver>(r: R): R {
  return r;
}

/** Helpers resolvers share when reading an actor. */
export function argv0Base(p: ProcessSnapshot | null): string {
  if (!p) return "";
  const a0 = p.info.cmdline[0] ?? p.info.comm;
  return a0.replace(/^-/, "").split("/").pop() ?? "";
}

/** The program name of a process: basename of exe, else argv[0], else comm. */
export function programName(p: ProcessSnapshot | null): string {
  if (!p) return "";
  const exe = p.info.exe?.split("/").pop();
  return exe ?? argv0Base(p) ?? p.info.comm;
}
