/**
 * direnv: a shell hook runs `direnv export`, which evaluates the allowed `.envrc` in a bash subshell and
 * prints the difference. direnv leaves its own evidence in the environment: `DIRENV_FILE` (the file it
 * loaded), `DIRENV_DIR` (`-` + its directory), `DIRENV_WATCHES`, and `DIRENV_DIFF` — a gzenv blob of
 * `{"p": previous values, "n": new values}` (direnv `internal/cmd/env_diff.go`). A key whose value equals
 * its `n` entry was set by direnv; its `p` entry is the value it shadowed. The `.envrc` is never executed:
 * the POSIX static analyser (tree-sitter-bash, as for startup files) evaluates its assignments, and a
 * conservative line scan covers what it cannot (direnv stdlib calls such as `PATH_add`).
 */
import type { Attribution } from "../model/index.js";
import { answer, loc } from "./lib/common.js";
import { decodeGzenv } from "./lib/gzenv.js";
import { readText, splitLines } from "./lib/host.js";
import { defineResolver, type ResolverAnswer, type ResolverContext } from "./resolver.js";
import { analyzeStartup } from "./shell/analyze.js";
import type { ShellAssignment } from "./shell/types.js";

const STATE_KEYS = ["DIRENV_DIR", "DIRENV_FILE", "DIRENV_DIFF", "DIRENV_WATCHES"];

/** The value of a shell word when it is static (no expansion); undefined otherwise. */
export function staticShellValue(word: string): string | undefined {
  const w = word.replace(/\s+#.*$/, "").trim();
  if (/^'[^']*'$/.test(w)) return w.slice(1, -1);
  if (/^"[^"$`\\]*"$/.test(w)) return w.slice(1, -1);
  if (/^[^\s'"$`\\;&|<>()]*$/.test(w)) return w;
  return undefined;
}

/** Lines of a .envrc that assign `key` (`export K=…`, `K=…`, `PATH_add` for PATH), without running it. */
export function scanEnvrc(text: string, key: string): Array<{ line: number; value: string | undefined }> {
  const out: Array<{ line: number; value: string | undefined }> = [];
  splitLines(text).forEach((raw, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (m && m[1] === key) out.push({ line: i + 1, value: staticShellValue(m[2]!) });
    else if (key === "PATH" && /^\s*(PATH_add|path_add\s+PATH)\s/.test(raw))
      out.push({ line: i + 1, value: undefined });
  });
  return out;
}

/**
 * Static analysis of the .envrc alone (as the `$ENV` file of an interactive POSIX shell), started from the
 * environment direnv saw before loading it (the receiver's minus DIRENV_DIFF's changes) in its directory.
 */
async function analyzeEnvrc(
  ctx: ResolverContext,
  envrc: string,
  before: Map<string, string>,
): Promise<ShellAssignment[]> {
  const env = new Map(before);
  env.set("ENV", envrc);
  env.set("PWD", envrc.replace(/\/[^/]*$/, "") || "/");
  try {
    const analysis = await analyzeStartup(
      { shell: "dash", mode: { login: false, interactive: true }, env },
      ctx,
    );
    for (const issue of analysis.issues) ctx.report(issue);
    return analysis.assignments.filter((a) => a.location.file === envrc && !a.unset);
  } catch (err) {
    const detail = err instanceof Error ? err.message.split("\n")[0] : String(err);
    ctx.report({ subject: envrc, code: "EIO", detail: `static analysis failed: ${detail}` });
    return [];
  }
}

export default defineResolver({
  meta: {
    id: "direnv",
    kind: "direnv",
    description:
      "direnv: keys added or changed by the loaded .envrc, read from DIRENV_DIFF (gzenv) and DIRENV_FILE, with the .envrc line when it is a static assignment.",
  },
  matches(req) {
    return STATE_KEYS.some((k) => req.keys.has(k));
  },
  async resolve(req, ctx) {
    const out = new Map<string, ResolverAnswer>();
    const env = req.receiver.env;
    const file = env?.get("DIRENV_FILE")?.value;
    const dir = env?.get("DIRENV_DIR")?.value.replace(/^-/, "");
    const envrc = file ?? (dir ? `${dir}/.envrc` : undefined);
    const text = envrc ? await readText(ctx, envrc) : undefined;
    for (const k of STATE_KEYS) {
      if (!req.keys.has(k)) continue;
      out.set(
        k,
        answer(
          "direnv",
          "state",
          "certain",
          [`direnv records its state in ${k} when it loads ${envrc ?? "an .envrc"}`],
          envrc ? loc(envrc) : undefined,
        ),
      );
    }
    const blob = env?.get("DIRENV_DIFF")?.value;
    if (!blob) return out;
    const decoded = decodeGzenv(blob);
    if (!decoded.ok) {
      ctx.report({
        subject: `pid ${req.receiver.info.pid} DIRENV_DIFF`,
        code: "PARSE",
        detail: `cannot decode DIRENV_DIFF: ${decoded.error}`,
      });
      return out;
    }
    const { prev, next } = decoded.diff;
    let analysed: ShellAssignment[] = [];
    if (envrc && text !== undefined) {
      const before = new Map<string, string>();
      for (const [k, e] of env ?? []) if (!next.has(k) && !STATE_KEYS.includes(k)) before.set(k, e.value);
      for (const [k, v] of prev) before.set(k, v);
      analysed = await analyzeEnvrc(ctx, envrc, before);
    }
    for (const [key, got] of req.keys) {
      if (STATE_KEYS.includes(key) || !next.has(key)) continue;
      if (next.get(key) !== got.value) continue;
      const mine = analysed.filter((a) => a.key === key);
      const lines = text !== undefined ? scanEnvrc(text, key) : [];
      const exactLine =
        [...mine].reverse().find((a) => a.value === got.value)?.location.line ??
        [...lines].reverse().find((l) => l.value === got.value)?.line;
      const computed = [...mine].reverse().find((a) => a.value === null)?.location.line;
      const anyLine = computed ?? mine[mine.length - 1]?.location.line ?? lines[lines.length - 1]?.line;
      const evidence = [
        `DIRENV_DIFF lists ${key} as ${prev.has(key) ? "changed" : "added"} by direnv loading ${envrc ?? "an .envrc"}`,
      ];
      if (exactLine === undefined && anyLine !== undefined)
        evidence.push(`assigned at line ${anyLine} with a value computed when the file runs`);
      if (anyLine === undefined && text !== undefined)
        evidence.push("no direct assignment in the file: set by a direnv stdlib call or a sourced file");
      const a = answer(
        "direnv",
        "envrc",
        "certain",
        evidence,
        envrc ? loc(envrc, exactLine ?? anyLine) : undefined,
      );
      const before = prev.get(key);
      if (before !== undefined && before !== req.actor?.env?.get(key)?.value) {
        const shadow: Attribution = {
          kind: "inherited",
          confidence: "certain",
          evidence: ["the value before direnv loaded the .envrc (from DIRENV_DIFF)"],
        };
        a.shadowed = [{ value: before, attribution: shadow }];
      }
      out.set(key, a);
    }
    return out;
  },
});
