import { loadAuditKey } from "../../audit/key.js";
import type { AuditKey } from "../../audit/record.js";
import { readRecords, recordedRuns, verifySubject } from "../../audit/report.js";
import { AuditVerifyError, verifyAuditFiles, type WitnessEntry } from "../../audit/verify.js";
import { readWitness } from "../../audit/witness.js";
import { buildReport } from "../../report/build.js";
import { EnvtraceError, EXIT } from "../errors.js";
import { addOutputOptions, type CommandContext, emitReport, makeReport, type OutputOpts } from "../output.js";
import type { CliCommand } from "./command.js";

function key(ctx: CommandContext, file: string | undefined): AuditKey | undefined {
  try {
    return loadAuditKey(file, ctx.io.env);
  } catch (err) {
    throw new EnvtraceError("BAD_INPUT", { input: "--key-file", why: (err as Error).message });
  }
}

function fatal(err: unknown): never {
  if (err instanceof AuditVerifyError) throw new EnvtraceError("USAGE", { detail: err.message });
  throw err;
}

const HEAD = /^(?:sha256:)?([0-9a-f]{64})$/;

export const auditCommand: CliCommand = {
  name: "audit",
  register(program, ctx) {
    const audit = program
      .command("audit")
      .description("check and read hash-chained audit logs written with --audit-log");

    const verify = audit
      .command("verify")
      .description(
        "check audit log files (in order: FILE.1 FILE.2 … FILE) as one hash chain; exit 1 naming the first edited, deleted, inserted, reordered or truncated record",
      )
      .argument("<files...>", "the log, after its rotated parts in order")
      .option("--key-file <file>", "check the records' MACs with this key (default: $ENVTRACE_AUDIT_KEY)")
      .option("--no-mac", "check the hash chain only, even when the records carry MACs")
      .option(
        "--expect-head <hash>",
        "a head hash recorded elsewhere (printed at each run's end): it must be in the log (repeatable)",
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option(
        "--witness <file>",
        "a syslog capture of the run-end events: every head it saw must be in the log",
      );
    addOutputOptions(verify).action(async (files: string[], o: OutputOpts & Record<string, unknown>) => {
      const heads: string[] = [];
      for (const h of (o.expectHead as string[] | undefined) ?? []) {
        const m = HEAD.exec(h.trim().toLowerCase());
        if (!m)
          throw new EnvtraceError("USAGE", {
            detail: `--expect-head ${h.slice(0, 80)}: not a SHA-256 hash (64 hex digits)`,
          });
        heads.push(m[1]!);
      }
      const noMac = o.mac === false;
      const k = noMac ? undefined : key(ctx, o.keyFile as string | undefined);
      let witness: WitnessEntry[] | undefined;
      let result: ReturnType<typeof verifyAuditFiles>;
      try {
        if (o.witness) witness = readWitness(String(o.witness));
        result = verifyAuditFiles(files, {
          ...(k ? { key: k } : {}),
          noMac,
          expectHeads: heads,
          ...(witness ? { witness } : {}),
        });
      } catch (err) {
        fatal(err);
      }
      const subject = verifySubject(files, result);
      const report = await makeReport(ctx, "audit verify", o, [subject]);
      const d = result.damages;
      if (d.length > 0) {
        const f = d[0]!;
        ctx.io.stderr.write(
          `envtrace: audit verify: ${f.file} line ${f.line}${f.seq !== undefined ? ` (seq ${f.seq})` : ""}: ${f.kind}: ${f.detail}${d.length > 1 ? ` (${d.length - 1} more problem${d.length > 2 ? "s" : ""})` : ""}\n`,
        );
      } else {
        ctx.io.stderr.write(
          `envtrace: audit verify: intact: ${result.records} records, ${result.runs} runs${result.macChecked ? ", MACs checked" : result.macs !== "none" ? ", MACs NOT checked" : ""}${result.head ? `, head seq=${result.head.seq} hash=${result.head.hash}` : ""}\n`,
        );
      }
      await emitReport(ctx, report, o);
      if (d.length > 0) ctx.setExit(EXIT.FINDINGS);
    });

    const show = audit
      .command("show")
      .description("print the runs recorded in audit log files with any reporter (values stay masked)")
      .argument("<files...>", "the log, after its rotated parts in order")
      .option("--run <id>", "only this run (its id, or a prefix of it)")
      .option(
        "--key-file <file>",
        "check the MACs with this key while reading (default: $ENVTRACE_AUDIT_KEY)",
      )
      .option("--key <file>", "same as --key-file");
    addOutputOptions(show).action(async (files: string[], o: OutputOpts & Record<string, unknown>) => {
      const keyFile = (o.keyFile ?? o.key) as string | undefined;
      const k = key(ctx, keyFile);
      let result: ReturnType<typeof verifyAuditFiles>;
      let records: ReturnType<typeof readRecords>;
      try {
        result = verifyAuditFiles(files, k ? { key: k } : { noMac: true });
        records = readRecords(files);
      } catch (err) {
        fatal(err);
      }
      const runs = recordedRuns(records, o.run as string | undefined);
      if (o.run && runs.length === 0)
        throw new EnvtraceError("BAD_INPUT", {
          input: `--run ${String(o.run).slice(0, 40)}`,
          why: `no such run in ${files.join(", ")}`,
        });
      const damage = result.damages[0];
      const issues = damage
        ? [
            {
              subject: `${damage.file} line ${damage.line}`,
              code: "PARSE" as const,
              detail: `the audit log is damaged (${damage.kind}${result.damages.length > 1 ? ` and ${result.damages.length - 1} more` : ""}): run \`envtrace audit verify\``,
            },
          ]
        : [];
      let report: Awaited<ReturnType<typeof makeReport>>;
      if (runs.length === 1) {
        // One run: its own run info, so `-o jsonl` prints what the run printed.
        const r = runs[0]!;
        report = buildReport(r.run, r.subjects, [...r.issues, ...issues]);
      } else {
        const subjects = runs.flatMap((r) =>
          r.subjects.map((s) => ({
            ...s,
            id: `${r.run.id}/${s.id}`,
            name: `${s.name} — run ${r.run.id.slice(0, 8)} (${r.run.command}, ${r.run.startedAt})`,
          })),
        );
        report = await makeReport(ctx, "audit show", o, subjects, [
          ...runs.flatMap((r) => r.issues),
          ...issues,
        ]);
      }
      await emitReport(ctx, report, o);
      if (damage) {
        ctx.io.stderr.write(
          `envtrace: audit show: ${damage.file} line ${damage.line}: ${damage.kind}: ${damage.detail}\n`,
        );
        ctx.setExit(EXIT.FINDINGS);
      }
    });
    return audit;
  },
};
