/**
 * `envtrace shell`: what a shell's startup files would export, with file:line and the assignments each one
 * shadows, without a live process (static analysis only; nothing is executed). Values are masked unless
 * `--reveal`.
 */
import { statSync } from "node:fs";
import { Option } from "commander";
import { createResolverContext } from "../../attribution/engine.js";
import { analyzeStartup } from "../../attribution/shell/analyze.js";
import { modeLabel } from "../../attribution/shell/startup.js";
import type { ShellAnalysis, ShellAssignment, ShellId, ShellMode } from "../../attribution/shell/types.js";
import { detectSecret } from "../../detect/index.js";
import { maskFor, scrub } from "../../detect/mask.js";
import type { CollectionIssue, PathSegment } from "../../model/index.js";
import { table, truncate } from "../../report/text.js";
import { createHostFs } from "../../snapshot/host-fs.js";
import { EnvtraceError } from "../errors.js";
import { type CliIo, useColor } from "../io.js";
import { formatOption } from "../options.js";
import type { CliCommand } from "./command.js";

const SHELLS = ["bash", "zsh", "sh", "dash", "ash", "fish"] as const;

/** Keys of the caller's environment that a freshly started shell would also have. */
const SEED_KEYS = [
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "PATH",
  "LANG",
  "ZDOTDIR",
  "ENV",
  "BASH_ENV",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_DATA_DIRS",
];

/** The default shell: the basename of $SHELL when it is one we know, else bash. */
export function defaultShell(env: NodeJS.ProcessEnv): ShellId {
  const name = (env.SHELL ?? "").split("/").pop() ?? "";
  return (SHELLS as readonly string[]).includes(name) ? (name as ShellId) : "bash";
}

export interface ShellReportVariable {
  key: string;
  value: string;
  masked: boolean;
  computed: boolean;
  file: string;
  line?: number;
  via: string;
  conditional: boolean;
  segments?: PathSegment[];
  shadowed: Array<{
    value: string;
    masked: boolean;
    computed: boolean;
    file: string;
    line?: number;
    via: string;
  }>;
}

export interface ShellReport {
  schemaVersion: 1;
  shell: ShellId;
  mode: ShellMode;
  home: string;
  files: string[];
  variables: ShellReportVariable[];
  issues: CollectionIssue[];
  revealed?: true;
}

/** Builds the (masked unless `reveal`) report of an analysis. */
export function shellReport(analysis: ShellAnalysis, home: string, reveal: boolean): ShellReport {
  const secrets = new Map<string, string>();
  const show = (key: string, value: string | null): { value: string; masked: boolean; computed: boolean } => {
    if (value === null) return { value: "(computed)", masked: false, computed: true };
    const hit = detectSecret(key, value);
    if (!hit) return { value, masked: false, computed: false };
    const mask = maskFor(value, hit);
    secrets.set(value, mask);
    return reveal
      ? { value, masked: false, computed: false }
      : { value: mask, masked: true, computed: false };
  };
  const variables: ShellReportVariable[] = [];
  const keys = [...analysis.final.keys()].sort();
  for (const key of keys) {
    const winner = analysis.final.get(key)!;
    const all = analysis.assignments.filter((a) => a.key === key && !a.unset);
    const idx = all.indexOf(winner);
    const earlier: ShellAssignment[] = idx > 0 ? all.slice(0, idx) : [];
    const v: ShellReportVariable = {
      key,
      ...show(key, winner.value),
      file: winner.location.file,
      ...(winner.location.line !== undefined ? { line: winner.location.line } : {}),
      via: winner.via,
      conditional: winner.conditional,
      shadowed: earlier.map((a) => ({
        ...show(key, a.value),
        file: a.location.file,
        ...(a.location.line !== undefined ? { line: a.location.line } : {}),
        via: a.via,
      })),
    };
    // Segments of a masked value are pieces of the secret: shown only with --reveal.
    if (winner.segments && winner.segments.length > 0 && !v.masked) v.segments = winner.segments;
    variables.push(v);
  }
  const ordered = new Map([...secrets].sort((a, b) => b[0].length - a[0].length));
  const clean = (s: string) => (reveal ? s : scrub(s, ordered));
  const out: ShellReport = {
    schemaVersion: 1,
    shell: analysis.shell,
    mode: analysis.mode,
    home,
    files: analysis.files,
    variables: variables.map((v) => ({
      ...v,
      ...(v.segments ? { segments: v.segments.map((s) => ({ ...s, segment: clean(s.segment) })) } : {}),
    })),
    issues: analysis.issues.map((i) => ({ ...i, detail: clean(i.detail) })),
  };
  if (reveal) out.revealed = true;
  return out;
}

const ANSI = { dim: "\x1b[2m", bold: "\x1b[1m", yellow: "\x1b[33m", red: "\x1b[31m", reset: "\x1b[0m" };

export function renderShellText(r: ShellReport, opts: { color: boolean; width?: number }): string {
  const paint = (s: string, style: keyof typeof ANSI) =>
    opts.color && s ? `${ANSI[style]}${s}${ANSI.reset}` : s;
  const maxValue = opts.width ? Math.max(16, Math.floor(opts.width / 3)) : 60;
  const at = (file: string, line?: number) => (line !== undefined ? `${file}:${line}` : file);
  const lines: string[] = [];
  lines.push(
    paint(`${r.shell} (${modeLabel(r.mode)}), HOME=${r.home}: what the startup files export`, "bold"),
  );
  if (r.revealed) lines.push(paint("values revealed (--reveal): this output contains secrets", "red"));
  lines.push(paint(`files read: ${r.files.length > 0 ? r.files.join(", ") : "none"}`, "dim"));
  const rows: string[][] = [["KEY", "VALUE", "WHERE", "VIA", "CONFIDENCE"].map((h) => paint(h, "dim"))];
  for (const v of r.variables) {
    const value = truncate(v.value, maxValue);
    rows.push([
      paint(v.key, "bold"),
      v.masked ? paint(value, "yellow") : value,
      at(v.file, v.line),
      v.via,
      v.computed ? "computed" : v.conditional ? "conditional" : "certain",
    ]);
    for (const s of v.shadowed) {
      rows.push([
        paint("  shadowed", "dim"),
        paint(truncate(s.value, maxValue), "dim"),
        paint(at(s.file, s.line), "dim"),
        paint(s.via, "dim"),
        "",
      ]);
    }
    if (v.segments && v.segments.length > 1) {
      for (const seg of v.segments) {
        rows.push([
          paint("  segment", "dim"),
          truncate(seg.segment, maxValue),
          paint(seg.location ? at(seg.location.file, seg.location.line) : "(inherited)", "dim"),
          "",
          "",
        ]);
      }
    }
  }
  lines.push(...table(rows));
  const masked = r.variables.filter((v) => v.masked).length;
  const foot = [`${r.variables.length} variable(s)`];
  if (masked > 0) foot.push(`${masked} secret(s) masked (--reveal to show)`);
  if (r.issues.length > 0) foot.push(`${r.issues.length} issue(s)`);
  lines.push(paint(foot.join(", "), "dim"));
  for (const i of r.issues) lines.push(paint(`  ! ${i.subject}: ${i.code}: ${i.detail}`, "yellow"));
  return `${lines.join("\n")}\n`;
}

export const shellCommand: CliCommand = {
  name: "shell",
  register(program, io: CliIo) {
    return program
      .command("shell")
      .description(
        "what a shell's startup files would export, with file:line and shadowed assignments (static: nothing is executed)",
      )
      .addOption(
        new Option("-s, --shell <shell>", "the shell (default: from $SHELL, else bash)").choices([...SHELLS]),
      )
      .option("--login", "a login shell (with neither --login nor --interactive: login and interactive)")
      .option("--interactive", "an interactive shell")
      .option("--home <dir>", "the HOME whose startup files to read (default: $HOME)")
      .addOption(formatOption())
      .option("--reveal", "show secret values in clear (the output says so)")
      .addOption(new Option("--root <dir>", "read files under DIR instead of / (default /)").hideHelp())
      .action(async (o) => {
        const shell: ShellId = o.shell ?? defaultShell(io.env);
        const neither = !o.login && !o.interactive;
        const mode: ShellMode = { login: neither || !!o.login, interactive: neither || !!o.interactive };
        const env = new Map<string, string>();
        for (const k of SEED_KEYS) {
          const v = io.env[k];
          if (v !== undefined) env.set(k, v);
        }
        if (o.home !== undefined) env.set("HOME", o.home);
        const home = env.get("HOME");
        if (!home) {
          throw new EnvtraceError("USAGE", { detail: "HOME is not set: pass --home DIR" });
        }
        const fs = createHostFs(o.root ?? "/");
        if (o.home !== undefined) {
          let isDir = false;
          try {
            isDir = statSync(fs.resolve(home)).isDirectory();
          } catch {
            isDir = false;
          }
          if (!isDir)
            throw new EnvtraceError("BAD_INPUT", { input: home, why: "not a directory: check --home" });
        }
        const issues: CollectionIssue[] = [];
        const ctx = createResolverContext({ fs, issues });
        const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
        const analysis = await analyzeStartup(
          { shell, mode, env, ...(uid !== undefined ? { uid } : {}) },
          ctx,
        );
        const report = shellReport(analysis, home, !!o.reveal);
        report.issues.push(...issues);
        if (o.format === "json") io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else io.stdout.write(renderShellText(report, { color: useColor(io), width: io.stdout.columns }));
      });
  },
};
