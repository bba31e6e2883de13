/**
 * Where every report goes: built once from a command's subjects, rendered by the reporter of `--format`,
 * written to stdout or atomically to `--output FILE`, and turned into the exit code (`--fail-on`).
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { access, constants } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type Command, Option } from "commander";
import type { CollectionIssue, Report, Severity, Subject } from "../model/index.js";
import { reportIssues, SEVERITY_RANK } from "../model/index.js";
import { buildReport, runInfo } from "../report/build.js";
import { reporterFor } from "../report/index.js";
import { FORMATS, type Format } from "../report/reporter.js";
import { EnvtraceError, EXIT } from "./errors.js";
import { type CliIo, useColor } from "./io.js";
import { atOrAbove } from "./options.js";

/** What a command gets: the outside world, the run's start, and the exit code it may raise. */
export interface CommandContext {
  io: CliIo;
  /** The command line as given (masked before it goes into any report). */
  argv: readonly string[];
  startedAt: Date;
  version: string;
  setExit(code: number): void;
}

/** `-o, --format` with every format (or a command's own list), `--output FILE`, `--fail-on`, `--wide`. */
export function addOutputOptions(cmd: Command, formats: readonly Format[] = FORMATS): Command {
  return addAuditOptions(cmd)
    .addOption(
      new Option("-o, --format <format>", "output format")
        .choices([...formats])
        // After choices(): one `envtrace:` line naming the formats instead of commander's two-line error.
        .argParser((v: string) => parseFormat(v, formats))
        .default("text"),
    )
    .option("--output <file>", "write the report to FILE (atomically) instead of stdout")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding is at or above this severity")
        .choices(Object.keys(SEVERITY_RANK))
        .default(undefined),
    )
    .option("--wide", "text: never cut a column to fit the terminal")
    .option("--strict", "exit 2 when anything could not be read (any collection issue)")
    .option(
      "--include-source",
      "json, jsonl, k8s: add each source's line of text (masked) as `snippet` beside its file:line",
    )
    .option(
      "--exclude-env <regex>",
      "leave out variables whose name matches (e.g. 'CI_.*|GITLAB.*'; anchored; repeatable)",
      collectExclude,
    );
}

/** `--exclude-env`: each pattern anchored to the whole name; a bad pattern is a usage error. */
function collectExclude(v: string, prev: RegExp[] = []): RegExp[] {
  try {
    return [...prev, new RegExp(`^(?:${v})$`)];
  } catch (err) {
    throw new EnvtraceError("USAGE", {
      detail: `--exclude-env '${v.slice(0, 60)}' is not a regular expression: ${(err as Error).message.split(": ").pop()}`,
    });
  }
}

function parseFormat(v: string, formats: readonly Format[]): Format {
  if (!(formats as readonly string[]).includes(v)) {
    throw new EnvtraceError("USAGE", {
      detail: `unknown format '${v.slice(0, 40)}': this command writes ${formats.join(", ")}`,
    });
  }
  return v as Format;
}

export interface OutputOpts extends AuditOpts {
  format?: Format;
  output?: string;
  failOn?: Severity;
  wide?: boolean;
  reveal?: boolean;
  strict?: boolean;
  /** Unreadable subjects are expected (the agent's scans): no exit 2 for them. */
  partialOk?: boolean;
  /** `--exclude-env`: names of variables left out of the report (and of its findings). */
  excludeEnv?: RegExp[];
  /** `--include-source`: the masked line of text at each source's file:line, read under `root`. */
  includeSource?: boolean;
  /** The host root the command read (`--root`), for `--include-source`. */
  root?: string;
}

/** The command line with every secret masked (a `--password=…` in argv must not reach a report). */
export async function maskedArgv(argv: readonly string[]): Promise<string[]> {
  const { redactText } = await import("../detect/redact.js");
  return argv.map(redactText);
}

/** Refuses an `--output` that cannot be written before any work is done: exit 2, one line. */
export async function checkOutputPath(file: string): Promise<void> {
  const dir = dirname(file);
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: "ENOTDIR" });
    await access(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new EnvtraceError("BAD_INPUT", {
      input: `--output ${file}`,
      why:
        code === "ENOENT" || code === "ENOTDIR"
          ? `the directory ${dir} does not exist: create it first`
          : `cannot write in ${dir} (${code}): choose a writable place`,
    });
  }
  try {
    if (statSync(file).isDirectory())
      throw new EnvtraceError("BAD_INPUT", { input: `--output ${file}`, why: "is a directory: name a file" });
  } catch (err) {
    if (err instanceof EnvtraceError) throw err;
  }
}

/** Writes `data` to `file` so that readers see the old file or the whole new one, never a part. */
export function writeAtomic(file: string, data: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", 0o644);
    writeSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {}
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new EnvtraceError("BAD_INPUT", {
      input: `--output ${file}`,
      why: `cannot write the report (${code})${code === "ENOSPC" ? ": the disk is full" : ""}; nothing was written`,
    });
  }
}

/** Builds the report of a run. */
export async function makeReport(
  ctx: CommandContext,
  command: string,
  o: OutputOpts,
  subjects: Subject[],
  issues: CollectionIssue[] = [],
): Promise<Report> {
  const run = runInfo({
    command,
    argv: await maskedArgv(ctx.argv),
    version: ctx.version,
    startedAt: ctx.startedAt,
    revealed: !!o.reveal,
    ...(o.failOn ? { failOn: o.failOn } : {}),
  });
  let kept = o.excludeEnv?.length ? subjects.map((s) => withoutKeys(s, o.excludeEnv!)) : subjects;
  if (o.includeSource) {
    const { withSourceLines } = await import("../attribution/source-lines.js");
    const { createHostFs } = await import("../snapshot/host-fs.js");
    kept = await withSourceLines(kept, createHostFs(o.root ?? "/"));
  }
  return buildReport(run, kept, issues);
}

/** A subject without the variables (and their findings, settings, drift entries) whose name matches. */
function withoutKeys(s: Subject, patterns: readonly RegExp[]): Subject {
  const out = (key: string | undefined) => key !== undefined && patterns.some((p) => p.test(key));
  const r: Subject = { ...s, findings: s.findings.filter((f) => !out(f.key)) };
  if (s.variables) r.variables = s.variables.filter((v) => !out(v.key));
  if (s.settings) r.settings = s.settings.filter((v) => !out(v.key));
  if (s.drift) r.drift = s.drift.filter((v) => !out(v.key));
  if (s.missing) r.missing = s.missing.filter((k) => !out(k));
  return r;
}

/** Renders and writes a report; raises exit 1 when a finding is at or above `--fail-on`. */
export async function emitReport(ctx: CommandContext, report: Report, o: OutputOpts): Promise<void> {
  await recordAudit(ctx, report, o);
  const reporter = await reporterFor(o.format ?? "text");
  const text = await reporter.render(report, {
    ...syslogRenderOptions(o),
    color: !o.output && useColor(ctx.io),
    ...(ctx.io.stdout.columns && !o.output ? { width: ctx.io.stdout.columns } : {}),
    ...(o.wide ? { wide: true } : {}),
    ...(o.failOn ? { failOn: o.failOn } : {}),
  });
  if (o.output) writeAtomic(o.output, text);
  else ctx.io.stdout.write(text);
  if (report.subjects.some((s) => s.findings.some((f) => atOrAbove(f.severity, o.failOn)))) {
    ctx.setExit(EXIT.FINDINGS);
  }
  // Nothing read is no answer: the report is written (it says why), but the run is not a success.
  const unread = report.subjects.filter(isUnread);
  if (!o.partialOk && unread.length > 0 && unread.length === report.subjects.length) {
    const first = unread[0]!.issues.find((i) => DENIED.has(i.code))!;
    ctx.io.stderr.write(`envtrace: nothing of ${unread[0]!.name} could be read: ${first.detail}\n`);
    ctx.setExit(EXIT.ERROR);
  } else if (o.strict) {
    const issues = reportIssues(report);
    if (issues.length > 0) {
      ctx.io.stderr.write(
        `envtrace: --strict: ${issues.length} collection issue(s), first: ${issues[0]!.subject}: ${issues[0]!.code}\n`,
      );
      ctx.setExit(EXIT.ERROR);
    }
  }
}

const DENIED = new Set(["EACCES", "EPERM"]);

/** A subject with nothing in it because reading was refused. */
function isUnread(s: Subject): boolean {
  const empty =
    (s.variables?.length ?? 0) === 0 && !s.settings?.length && !s.checks?.length && !s.drift?.length;
  return empty && s.kind !== "inputs" && s.issues.some((i) => DENIED.has(i.code));
}

/** Both steps, for commands that need nothing in between. */
export async function report(
  ctx: CommandContext,
  command: string,
  o: OutputOpts,
  subjects: Subject[],
  issues: CollectionIssue[] = [],
): Promise<Report> {
  const r = await makeReport(ctx, command, o, subjects, issues);
  await emitReport(ctx, r, o);
  return r;
}

/** A context for running one command outside `run()` (tests, embedding). */
export function commandContext(
  io: CliIo,
  argv: readonly string[] = [],
  setExit: (code: number) => void = () => {},
): CommandContext {
  return { io, argv, startedAt: new Date(), version: "0.0.0", setExit };
}

// ---- Audit trail and syslog delivery (issue 12; src/audit/). Added to every report command by
// addOutputOptions; emitReport calls recordAudit before rendering so that failures reach the report. ----

/** `--audit-log`, `--audit-key-file`, `--audit-max-bytes`, `--syslog`, `--syslog-pen`, `--syslog-max-line`. */
export interface AuditOpts {
  auditLog?: string;
  auditKeyFile?: string;
  auditMaxBytes?: number;
  syslog?: string[];
  syslogPen?: number;
  syslogMaxLine?: number;
}

/** The audit and syslog options (and their pre-scan check) of every report command. */
export function addAuditOptions(cmd: Command): Command {
  return cmd
    .hook("preAction", auditPreflight)
    .addOption(auditOption("--audit-log <file>", "append this run to a hash-chained audit log (JSON lines)"))
    .addOption(
      auditOption(
        "--audit-key-file <file>",
        "MAC the audit records with this key (default: $ENVTRACE_AUDIT_KEY)",
      ),
    )
    .addOption(
      auditOption(
        "--audit-max-bytes <n>",
        "rotate the audit log to FILE.N before it grows past N bytes",
      ).argParser((v: string) => positiveInt("--audit-max-bytes", v, 1024)),
    )
    .addOption(
      auditOption(
        "--syslog <url>",
        "send the events to a collector: udp://H:P, tcp://H:P, tls://H:P?ca=F (repeatable)",
      ).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
    )
    .addOption(
      auditOption(
        "--syslog-pen <n>",
        "syslog: IANA enterprise number of the envtrace@N SD-ID (default 32473)",
      ).argParser((v: string) => positiveInt("--syslog-pen", v, 1)),
    )
    .addOption(
      auditOption(
        "--syslog-max-line <bytes>",
        "syslog: longest line; longer ones are cut with a marker (default 8192)",
      ).argParser((v: string) => positiveInt("--syslog-max-line", v, 480)),
    );
}

function auditOption(flags: string, description: string): Option {
  return new Option(flags, description).helpGroup("Audit trail and syslog:");
}

function positiveInt(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min)
    throw new EnvtraceError("USAGE", {
      detail: `${flag} ${v.slice(0, 40)}: give an integer of at least ${min}`,
    });
  return n;
}

/** What can be known before the scan (unwritable or full audit log, key, syslog URLs): exit 2, one line. */
async function auditPreflight(_cmd: Command, action: Command): Promise<void> {
  const o = action.opts() as AuditOpts & { reveal?: boolean };
  if (!o.auditLog && !o.syslog?.length) return;
  // Under --reveal values are plain and nothing is scrubbed: the trail and the collectors get masks only.
  if (o.reveal)
    throw new EnvtraceError("USAGE", {
      detail: `--reveal cannot be combined with ${o.auditLog ? "--audit-log" : "--syslog"}: the audit trail and syslog carry masked values only`,
    });
  const { preflight } = await import("../audit/deliver.js");
  try {
    await preflight(o, process.env);
  } catch (err) {
    throw new EnvtraceError("BAD_INPUT", {
      input:
        o.auditLog && !String((err as Error).message).startsWith("--syslog") ? "--audit-log" : "--syslog",
      why: (err as Error).message,
    });
  }
}

/** Appends the run to `--audit-log` and sends it to each `--syslog`; problems become collection issues. */
async function recordAudit(ctx: CommandContext, report: Report, o: AuditOpts): Promise<void> {
  if (!o.auditLog && !o.syslog?.length) return;
  const { recordRun } = await import("../audit/deliver.js");
  const r = await recordRun(report, o, ctx.io);
  report.issues.push(...r.issues);
  if (r.failed) ctx.setExit(EXIT.ERROR);
}

function syslogRenderOptions(o: AuditOpts): { syslog?: { pen?: number; maxLineBytes?: number } } {
  if (!o.syslogPen && !o.syslogMaxLine) return {};
  return {
    syslog: {
      ...(o.syslogPen ? { pen: o.syslogPen } : {}),
      ...(o.syslogMaxLine ? { maxLineBytes: o.syslogMaxLine } : {}),
    },
  };
}
