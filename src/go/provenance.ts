/**
 * Provenance of each Go setting, following the go command's own resolution (facts/go-env.md §1.1, §1.2,
 * §7): the process environment when non-empty › the GOENV file (last duplicate wins; skipped with
 * GOENV=off) › `$GOROOT/go.env` on Go ≥ 1.21 (first occurrence wins; never overrides the GOENV file; its
 * GOROOT line is ignored) › the built-in default, with derived defaults (GONOPROXY/GONOSUMDB from GOPRIVATE,
 * GOMODCACHE from GOPATH, GOROOT from the go binary). Pure: the caller reads files and runs `go`.
 */
import { type EffectiveEntry, type EnvFileEntry, effectiveEntries } from "./envfile.js";
import { COMPUTED, COSTLY, ENV_ONLY } from "./known.js";
import type { GoSetting, GoSettingSource } from "./types.js";
import { features, type GoVersion } from "./version.js";

/** The note on costly settings whose default was not asked from `go env` (the text report groups them). */
export const NOT_ASKED_NOTE = "default value not asked from `go env` (that would run $CC; use --full)";

export interface EnvFileRead {
  path: string;
  entries: EnvFileEntry[];
}

export interface ResolveInput {
  version: GoVersion;
  /** The audited process environment (what `go` ran with). */
  env: Readonly<Record<string, string | undefined>>;
  /** `go env -json` output. */
  probed: Readonly<Record<string, string>>;
  /** The GOENV file, when there is one and it was read; undefined when absent, off or unreadable. */
  userFile?: EnvFileRead;
  /** `$GOROOT/go.env` when it exists (read even on Go < 1.21, where it is then reported as ignored). */
  gorootFile?: EnvFileRead;
  /** Keys to resolve beyond the probed ones (costly names resolved without running `go`). */
  extraKeys?: readonly string[];
}

/** Resolves every key; values are raw (the caller masks them). */
export function resolveSettings(input: ResolveInput): GoSetting<string>[] {
  const feat = features(input.version);
  const user = input.userFile
    ? effectiveEntries(input.userFile.entries, "last")
    : new Map<string, EffectiveEntry>();
  const goroot =
    input.gorootFile && feat.gorootGoEnv
      ? effectiveEntries(input.gorootFile.entries, "first")
      : new Map<string, EffectiveEntry>();
  const keys = new Set([...Object.keys(input.probed), ...(input.extraKeys ?? [])]);
  // GOTOOLCHAIN is never asked from `go` (the probe pins it to `local`); resolve it when the release has it.
  if (feat.toolchain) keys.add("GOTOOLCHAIN");
  const out: GoSetting<string>[] = [];
  const resolved = new Map<string, GoSetting<string>>();

  const fileSource = (
    kind: "goenv-file" | "goroot-go.env",
    path: string,
    e: EnvFileEntry,
  ): GoSettingSource => ({
    kind,
    file: path,
    line: e.line,
    confidence: "certain",
  });

  // GOPRIVATE and GOPATH first: others derive from them.
  const order = [...keys].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const key of order) {
    const notes: string[] = [];
    const shadowed: NonNullable<GoSetting<string>["shadowed"]> = [];
    const probedHas = Object.hasOwn(input.probed, key);
    const probed = key !== "GOTOOLCHAIN" && probedHas;
    const envVal = input.env[key];
    let value: string | undefined;
    let source: GoSettingSource | undefined;

    if (COMPUTED.has(key)) {
      source = { kind: "computed", confidence: "certain" };
      value = input.probed[key] ?? "";
      if (key === "GOTELEMETRY") notes.push("set with `go telemetry on|off|local`, not with `go env -w`");
    } else {
      if (envVal !== undefined && envVal !== "") {
        source = { kind: "environment", confidence: "certain" };
        value = envVal;
      } else if (envVal === "") {
        notes.push("set to the empty string in the environment: Go treats that as unset and falls through");
      }
      const u = ENV_ONLY.has(key) ? undefined : user.get(key);
      const g = ENV_ONLY.has(key) || key === "GOROOT" ? undefined : goroot.get(key);
      if (u && input.userFile) {
        const s = fileSource("goenv-file", input.userFile.path, u);
        if (source) {
          shadowed.push({ value: u.value, source: s });
          if (u.value !== value) {
            notes.push(
              `the \`go env -w\` line ${input.userFile.path}:${u.line} does not take effect: the OS environment wins (go env -w only warns)`,
            );
          }
        } else {
          source = s;
          value = u.value;
        }
        if (u.ignored.length > 0) {
          notes.push(
            `${input.userFile.path} sets ${key} more than once; line ${u.line} wins over line(s) ${u.ignored.map((i) => i.line).join(", ")}`,
          );
        }
      }
      if (g && input.gorootFile) {
        const s = fileSource("goroot-go.env", input.gorootFile.path, g);
        if (source) shadowed.push({ value: g.value, source: s });
        else {
          source = s;
          value = g.value;
        }
      }
      if (!source) {
        const d = deriveDefault(key, input, resolved);
        source = d.source;
        value = d.value;
      }
    }
    if (
      key === "GOROOT" &&
      input.gorootFile &&
      goroot.size > 0 &&
      input.gorootFile.entries.some((e) => e.key === "GOROOT")
    ) {
      notes.push(`${input.gorootFile.path} sets GOROOT, which the go command ignores`);
    }
    if (key === "GOTOOLCHAIN" && !probedHas && source.kind === "default") value = "local";
    // The value shown is what `go` printed when it was asked; disagreement with the source lowers confidence.
    if (probed) {
      const printed = input.probed[key] ?? "";
      if (
        value !== undefined &&
        value !== printed &&
        source.kind !== "default" &&
        source.kind !== "derived"
      ) {
        source = { ...source, confidence: "likely" };
        notes.push("`go env` printed a different value than this source holds");
      }
      value = printed;
    } else if (value === undefined) {
      // A default envtrace did not ask for (the order of Go's default CGO flags differs between releases).
      value = "";
    }
    const s: GoSetting<string> = { key, value, source, probed };
    if (shadowed.length > 0) s.shadowed = shadowed;
    if (!probed && COSTLY.has(key) && source.kind === "default") {
      notes.push(NOT_ASKED_NOTE);
    }
    if (key === "GOTOOLCHAIN") notes.push("resolved by envtrace: the probe runs `go` with GOTOOLCHAIN=local");
    if (notes.length > 0) s.notes = notes;
    resolved.set(key, s);
    out.push(s);
  }
  if (input.gorootFile && !feat.gorootGoEnv && input.gorootFile.entries.length > 0) {
    const gorootSetting = out.find((s) => s.key === "GOROOT");
    if (gorootSetting) {
      gorootSetting.notes = [
        ...(gorootSetting.notes ?? []),
        `${input.gorootFile.path} exists but ${input.version.raw} does not read go.env (Go ≥ 1.21 does)`,
      ];
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function rank(key: string): number {
  return key === "GOPRIVATE" || key === "GOPATH" ? 0 : 1;
}

function deriveDefault(
  key: string,
  _input: ResolveInput,
  resolved: ReadonlyMap<string, GoSetting<string>>,
): { source: GoSettingSource; value: string | undefined } {
  const derived = (from: string): GoSettingSource => ({ kind: "derived", from, confidence: "certain" });
  if (key === "GONOPROXY" || key === "GONOSUMDB") {
    const priv = resolved.get("GOPRIVATE");
    if (priv && priv.value !== "") return { source: derived("GOPRIVATE"), value: priv.value };
  }
  if (key === "GOMODCACHE") return { source: derived("GOPATH"), value: undefined };
  if (key === "GOROOT") return { source: derived("go-binary"), value: undefined };
  return { source: { kind: "default", confidence: "certain" }, value: undefined };
}
