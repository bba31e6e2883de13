/**
 * What the container resolvers share: the `ContainerResolver` shape (a Resolver that can also answer from
 * already-collected {@link ContainerFacts}, which is how `envtrace container` uses them), the matcher for
 * host ancestries (the key entered the process at or above the container boundary), and the run-time
 * setters read from Podman's CreateCommand.
 */
import type { Attribution, ProcessActor } from "../../model/index.js";
import { readRegularText } from "../../snapshot/container/bundle.js";
import { type EnvFlag, parseCreateCommand } from "../../snapshot/container/create-command.js";
import { containerBoundary } from "../../snapshot/container/detect.js";
import { type EnvFileEntry, parseEnvFile } from "../../snapshot/container/env-file.js";
import { type ContainerFacts, factsForRequest } from "../../snapshot/container/facts.js";
import { issueFromError } from "../../snapshot/host-fs.js";
import { processActor } from "../engine.js";
import {
  defineResolver,
  type ResolveRequest,
  type Resolver,
  type ResolverAnswer,
  type ResolverContext,
  type ResolverMeta,
} from "../resolver.js";

/** A container resolver: a Resolver for host ancestries, plus an answer from collected facts. */
export interface ContainerResolver extends Resolver {
  fromFacts(
    facts: ContainerFacts,
    keys: ReadonlyMap<string, string>,
    ctx: ResolverContext,
  ): Promise<Map<string, ResolverAnswer>>;
}

/** True when the keys entered the subject at or above its container's first process. */
export function matchesContainer(req: ResolveRequest): boolean {
  const b = containerBoundary(req.chain);
  if (!b) return false;
  const k = req.chain.indexOf(req.receiver);
  return k >= 0 && k <= b.index;
}

/** Builds a container resolver from its facts-based answer. */
export function defineContainerResolver(r: {
  meta: ResolverMeta;
  fallback?: boolean;
  fromFacts: ContainerResolver["fromFacts"];
}): ContainerResolver {
  return defineResolver({
    meta: r.meta,
    ...(r.fallback ? { fallback: true } : {}),
    fromFacts: r.fromFacts,
    matches: matchesContainer,
    async resolve(req: ResolveRequest, ctx: ResolverContext) {
      const facts = await factsForRequest(req, ctx);
      if (!facts) return new Map();
      const keys = new Map([...req.keys].map(([k, e]) => [k, e.value] as const));
      const answers = await r.fromFacts(facts, keys, ctx);
      if (facts.runtime) {
        const rt = facts.runtime;
        const actor: ProcessActor = processActor(rt);
        for (const [key, a] of answers) {
          a.attribution.actor ??= actor;
          // The runtime's own environment never reaches the container (the spec's env is exec'd as is):
          // a different value it holds is listed as shadowed by the engine, but it was not overridden here.
          const own = rt.env?.get(key);
          if (own && own.value !== req.keys.get(key)?.value) {
            a.notes ??= [];
            a.notes.push(
              `${rt.info.comm}'s own value is not passed into the container; the container's environment comes from its config`,
            );
          }
        }
      }
      return answers;
    },
  });
}

/** Docker's 12-character short form for 64-hex ids; other ids (runc names) as they are. */
export function shortId(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}

/** True when the container was made by Podman (engine answer, storage path or libpod annotation). */
export function isPodman(f: ContainerFacts): boolean {
  return (
    f.engine === "podman" ||
    f.bundle?.via === "podman" ||
    f.annotations["io.container.manager"] === "libpod" ||
    f.bundle?.config.annotations["io.container.manager"] === "libpod"
  );
}

/** `Container/<name or short id>` for locations. */
export function containerResource(f: ContainerFacts): string {
  return `Container/${f.name ?? shortId(f.id)}`;
}

export function containerTime(f: ContainerFacts): Attribution["time"] | undefined {
  const at = f.created ?? f.bundle?.state?.created;
  return at ? { at, what: "container-created" } : undefined;
}

/** The default PATH Docker, Podman and containerd give a container whose image sets none. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** One run-time assignment of a key, in the order the engine applied them (later overrides earlier). */
export interface RunSetter {
  key: string;
  /** undefined: taken from the client's environment (`-e KEY`, a bare `KEY` line, `KEY*`). */
  value?: string;
  candidates: string[];
  mechanism: "env" | "env-file" | "env-host";
  /** `-e` position in CreateCommand, or the env file and line. */
  argIndex?: number;
  file?: string;
  line?: number;
  prefix?: boolean;
  /** The env file path was relative: podman does not record its working directory. */
  relative?: boolean;
}

export interface RunSetters {
  setters: RunSetter[];
  envHost: boolean;
}

/** The run-time setters from Podman's CreateCommand, env files read with line numbers (memoised). */
export function runSetters(f: ContainerFacts, ctx: ResolverContext): Promise<RunSetters | undefined> {
  const cc = f.createCommand;
  if (!cc) return Promise.resolve(undefined);
  return ctx.memo(`container-run-setters:${f.id}`, async () => {
    const parsed = parseCreateCommand(cc);
    const fileSetters: RunSetter[] = [];
    const cliSetters: RunSetter[] = [];
    let envHost = false;
    for (const flag of parsed.flags) await addFlag(flag);
    // Both docker and podman apply env files first, then `-e` ("to allow override").
    return { setters: [...fileSetters, ...cliSetters], envHost };

    async function addFlag(flag: EnvFlag) {
      if (flag.kind === "env-host") {
        envHost = true;
      } else if (flag.kind === "env") {
        const s: RunSetter = { key: flag.key, candidates: [], mechanism: "env", argIndex: flag.argIndex };
        if (flag.value !== undefined) {
          s.value = flag.value;
          s.candidates = [flag.value];
        }
        if (flag.prefix) s.prefix = true;
        cliSetters.push(s);
      } else {
        const relative = !flag.path.startsWith("/");
        let entries: EnvFileEntry[] = [];
        try {
          const text = await readRegularText(ctx.fs, flag.path);
          if (text === undefined) {
            ctx.report({
              subject: flag.path,
              code: "ENOENT",
              detail: relative
                ? "env file named by CreateCommand is a relative path and podman does not record its working directory"
                : "env file named by CreateCommand no longer exists",
            });
          } else {
            const r = parseEnvFile(text, flag.path);
            r.issues.forEach((i) => {
              ctx.report(i);
            });
            entries = r.entries;
          }
        } catch (err) {
          ctx.report(issueFromError(flag.path, err));
        }
        if (entries.length === 0) {
          // Unreadable: still say the file was used, without a line.
          fileSetters.push({
            key: "",
            candidates: [],
            mechanism: "env-file",
            file: flag.path,
            prefix: true,
            relative,
          });
        }
        for (const e of entries) {
          const s: RunSetter = {
            key: e.key,
            candidates: e.candidates,
            mechanism: "env-file",
            file: flag.path,
            line: e.line,
          };
          if (e.value !== undefined) s.value = e.value;
          if (e.prefix) s.prefix = true;
          if (relative) s.relative = true;
          fileSetters.push(s);
        }
      }
    }
  });
}

/** Does this setter assign `key`, and does its value give `value`? */
export function setterMatch(s: RunSetter, key: string, value: string): "value" | "passthrough" | false {
  if (s.prefix) return s.key === "" || key.startsWith(s.key) ? "passthrough" : false;
  if (s.key !== key) return false;
  if (s.value === undefined) return "passthrough";
  return s.candidates.includes(value) ? "value" : false;
}

/** Keys the run-time setters name at all (any value). */
export function setterKeys(rs: RunSetters | undefined): Set<string> {
  return new Set((rs?.setters ?? []).filter((s) => !s.prefix).map((s) => s.key));
}
