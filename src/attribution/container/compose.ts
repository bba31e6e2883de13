/**
 * `container-run` via compose: the labels compose puts on a container (`com.docker.compose.project.config_files`,
 * `.working_dir`, `.service`) lead back to the compose files, re-parsed with positions. Per the documented
 * precedence, `environment:` beats `env_file:` beats the image's ENV; within `env_file:`, later files win.
 * Values with `${VAR}` are interpolated from the project's `.env` where possible.
 */
import type { Attribution } from "../../model/index.js";
import { readRegularText } from "../../snapshot/container/bundle.js";
import type { ComposeEnvEntry, ComposeService } from "../../snapshot/container/compose.js";
import { hasInterpolation, interpolate } from "../../snapshot/container/compose-interpolate.js";
import { type EnvFileEntry, entryMatches, parseEnvFile } from "../../snapshot/container/env-file.js";
import type { ContainerFacts } from "../../snapshot/container/facts.js";
import { issueFromError } from "../../snapshot/host-fs.js";
import type { ResolverAnswer, ResolverContext } from "../resolver.js";
import { containerTime, defineContainerResolver } from "./common.js";

export const COMPOSE_LABELS = {
  configFiles: "com.docker.compose.project.config_files",
  workingDir: "com.docker.compose.project.working_dir",
  service: "com.docker.compose.service",
  project: "com.docker.compose.project",
} as const;

interface ComposeEnv {
  environment: Array<ComposeEnvEntry & { file: string }>;
  envFiles: Array<{ entries: EnvFileEntry[]; file: string; declaredAt: string; readable: boolean }>;
  dotenv: Map<string, string>;
  files: string[];
}

function join(dir: string, p: string): string {
  if (p.startsWith("/")) return p;
  const parts = `${dir}/${p}`.split("/");
  const out: string[] = [];
  for (const s of parts) {
    if (s === "" || s === ".") continue;
    if (s === "..") out.pop();
    else out.push(s);
  }
  return `/${out.join("/")}`;
}

async function readText(ctx: ResolverContext, file: string): Promise<string | undefined> {
  try {
    const t = await readRegularText(ctx.fs, file);
    if (t === undefined)
      ctx.report({ subject: file, code: "ENOENT", detail: "named by the compose labels but not found" });
    return t;
  } catch (err) {
    ctx.report(issueFromError(file, err));
    return undefined;
  }
}

/** Loads the service's environment sources from the compose files the labels name (memoised per container). */
export function composeEnv(f: ContainerFacts, ctx: ResolverContext): Promise<ComposeEnv | undefined> {
  const filesLabel = f.labels[COMPOSE_LABELS.configFiles];
  const service = f.labels[COMPOSE_LABELS.service];
  if (!filesLabel || !service) return Promise.resolve(undefined);
  return ctx.memo(`compose-env:${f.id}`, async () => {
    const files = filesLabel
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const workingDir = f.labels[COMPOSE_LABELS.workingDir] ?? files[0]!.replace(/\/[^/]*$/, "") ?? "/";
    const env: ComposeEnv = { environment: [], envFiles: [], dotenv: new Map(), files };
    const dotenvText = await readRegularText(ctx.fs, join(workingDir, ".env")).catch(() => undefined);
    if (dotenvText !== undefined) {
      for (const e of parseEnvFile(dotenvText, join(workingDir, ".env")).entries) {
        if (e.value !== undefined) env.dotenv.set(e.key, e.candidates[e.candidates.length - 1] ?? e.value);
      }
    }
    // Later compose files override earlier ones: environment per key, env_file as a whole list.
    let lastEnvFiles: { svc: ComposeService; file: string } | undefined;
    // The YAML parser is loaded only for containers that compose created.
    const { parseCompose } = await import("../../snapshot/container/compose.js");
    for (const file of files) {
      const text = await readText(ctx, join(workingDir, file));
      if (text === undefined) continue;
      const parsed = parseCompose(text, file);
      parsed.issues.forEach((i) => {
        ctx.report(i);
      });
      const svc = parsed.services.get(service);
      if (!svc) continue;
      for (const e of svc.environment) env.environment.push({ ...e, file: join(workingDir, file) });
      if (svc.envFiles.length > 0) lastEnvFiles = { svc, file };
    }
    if (lastEnvFiles) {
      for (const ref of lastEnvFiles.svc.envFiles) {
        const path = join(workingDir, ref.path);
        const declaredAt = `${lastEnvFiles.file}:${ref.line}`;
        let text: string | undefined;
        try {
          text = await readRegularText(ctx.fs, path);
        } catch (err) {
          ctx.report(issueFromError(path, err));
        }
        if (text === undefined) {
          if (ref.required)
            ctx.report({
              subject: path,
              code: "ENOENT",
              detail: `env_file declared at ${declaredAt} not found`,
            });
          env.envFiles.push({ entries: [], file: path, declaredAt, readable: false });
          continue;
        }
        const r = parseEnvFile(text, path);
        r.issues.forEach((i) => {
          ctx.report(i);
        });
        env.envFiles.push({ entries: r.entries, file: path, declaredAt, readable: true });
      }
    }
    return env;
  });
}

export default defineContainerResolver({
  meta: {
    id: "compose",
    kind: "container-run",
    description:
      "Compose services: environment: and env_file: entries (file:line) found through the compose labels on the container, with compose's precedence.",
  },
  async fromFacts(f, keys, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const ce = await composeEnv(f, ctx);
    if (!ce) return out;
    const time = containerTime(f);
    const service = f.labels[COMPOSE_LABELS.service];
    const lookup = (n: string) => ce.dotenv.get(n);
    for (const [key, value] of keys) {
      const candidates: Array<{ a: Attribution; value?: string; matches: boolean }> = [];
      // env_file first (lower precedence), in order; later files override earlier ones.
      for (const ef of ce.envFiles) {
        for (const e of ef.entries) {
          const m = entryMatches(e, key, value);
          if (e.key !== key && !(e.prefix && key.startsWith(e.key))) continue;
          const a: Attribution = {
            kind: "container-run",
            mechanism: "compose-env_file",
            confidence: m === "value" ? "certain" : "likely",
            location: { file: ef.file, line: e.line },
            evidence: [`compose service ${service}: env_file ${ef.file} (declared at ${ef.declaredAt})`],
          };
          const c: { a: Attribution; value?: string; matches: boolean } = { a, matches: m !== false };
          if (e.value !== undefined) c.value = e.value;
          candidates.push(c);
        }
      }
      for (const e of ce.environment) {
        if (e.key !== key) continue;
        let matches: boolean;
        let confidence: Attribution["confidence"] = "certain";
        const evidence = [`compose service ${service}: environment (${e.form} form) in ${e.file}`];
        if (e.value === undefined) {
          matches = true;
          confidence = "likely";
          evidence.push("no value in the file: taken from the shell that ran compose");
        } else if (hasInterpolation(e.value)) {
          const v = interpolate(e.value, lookup);
          matches = v === undefined || v === value;
          if (v === undefined) confidence = "likely";
          evidence.push(
            v === undefined
              ? "value interpolated from the shell that ran compose"
              : "value interpolated from the project's .env",
          );
        } else {
          matches = e.value === value;
        }
        const c: { a: Attribution; value?: string; matches: boolean } = {
          a: {
            kind: "container-run",
            mechanism: "compose-environment",
            confidence,
            location: { file: e.file, line: e.line, column: e.column },
            evidence,
          },
          matches,
        };
        if (e.value !== undefined && !hasInterpolation(e.value)) c.value = e.value;
        candidates.push(c);
      }
      // The highest-precedence candidate (last) that yields the value wins; the rest are shadowed.
      let w = -1;
      for (let i = candidates.length - 1; i >= 0 && w < 0; i--) if (candidates[i]!.matches) w = i;
      const winner = candidates[w];
      if (!winner) continue;
      if (candidates.slice(w + 1).some((c) => !c.matches)) {
        winner.a.confidence = "likely";
        winner.a.evidence.push(
          "a higher-precedence entry gives another value: overridden at run time (compose run -e?)",
        );
      }
      if (time) winner.a.time = time;
      const shadowed = candidates
        .slice(0, w)
        .filter((c) => c.value !== undefined && !c.matches)
        .map((c) => ({ value: c.value!, attribution: c.a }));
      const img = f.image?.env.get(key);
      if (img !== undefined && img !== value) {
        shadowed.push({
          value: img,
          attribution: {
            kind: "container-image",
            mechanism: "ENV",
            confidence: "certain",
            location: { resource: `Image/${f.image!.name ?? f.image!.id.slice(0, 19)}`, key },
            evidence: ["the image's Config.Env, overridden by compose"],
          },
        });
      }
      out.set(key, shadowed.length > 0 ? { attribution: winner.a, shadowed } : { attribution: winner.a });
    }
    return out;
  },
});
