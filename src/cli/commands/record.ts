import { Option } from "commander";
import { EnvtraceError } from "../errors.js";
import type { CliIo } from "../io.js";
import { parsePid } from "../options.js";
import { addOutputOptions, type CommandContext, report } from "../output.js";
import type { CliCommand } from "./command.js";

function parseTimeout(v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0))
    throw new EnvtraceError("USAGE", {
      detail: `--timeout expects seconds (a positive number), got '${v.slice(0, 40)}'`,
    });
  return n;
}

/** The report goes to stderr (or --output): the command's stdout is its own. */
function toStderr(ctx: CommandContext): CommandContext {
  const err = ctx.io.stderr as CliIo["stderr"] & { columns?: number };
  const io: CliIo = {
    ...ctx.io,
    stdout: {
      write: (s: string) => err.write(s),
      ...(err.isTTY ? { isTTY: true } : {}),
      ...(err.columns ? { columns: err.columns } : {}),
    },
  };
  return { ...ctx, io };
}

export const recordCommand: CliCommand = {
  name: "record",
  register(program, ctx) {
    const cmd = program
      .command("record")
      .description(
        "run CMD under strace and attribute every variable of every exec to the process that passed it on (report on stderr)",
      )
      .usage("[options] -- CMD [ARGS...]")
      .argument("[cmd...]", "the command to run (after --)")
      .option("--attach <pid>", "follow the future execs of a running process instead", parsePid)
      .option("--keys <keys...>", "only these variables")
      .option("--no-values", "keep keys only: values are compared by a keyed digest and never kept")
      .option(
        "--timeout <seconds>",
        "stop following after SECONDS (the processes go on, untraced)",
        parseTimeout,
      )
      .option("--reveal", "show secret values in clear (the output says so)")
      .addOption(new Option("--no-static", "do not compare with the static engine").hideHelp());
    return addOutputOptions(cmd).action(async (argv: string[], o) => {
      const { io } = ctx;
      if (o.attach !== undefined && argv.length > 0)
        throw new EnvtraceError("USAGE", { detail: "give either --attach PID or -- CMD, not both" });
      if (o.attach === undefined && argv.length === 0)
        throw new EnvtraceError("USAGE", {
          detail: "nothing to record: envtrace record [options] -- CMD [ARGS...]",
        });
      const { record, RecordError } = await import("../../record/runner.js");
      const { attributeTree } = await import("../../record/attribute.js");
      const { keysOnlyArgv, maskArgv, recordSubjects } = await import("../../record/report.js");
      let run: Awaited<ReturnType<typeof record>>;
      try {
        run = await record({
          ...(o.attach !== undefined ? { attach: o.attach } : { argv }),
          env: io.env,
          noValues: o.values === false,
          ...(o.timeout !== undefined ? { timeoutSec: o.timeout } : {}),
          stdinIsTTY: !!(io.stdin as { isTTY?: boolean }).isTTY,
        });
      } catch (err) {
        if (err instanceof RecordError && (err.exitCode === 127 || err.exitCode === 126)) {
          // Like a shell: `envtrace: CMD: command not found`, exit 127 (126: not executable).
          io.stderr.write(`envtrace: ${err.message}\n`);
          ctx.setExit(err.exitCode);
          return;
        }
        if (err instanceof RecordError) throw new EnvtraceError("USAGE", { detail: err.message });
        throw err;
      }
      const procs = await attributeTree(run.tree, {
        ...(o.keys ? { keys: o.keys } : {}),
        maskArgv: o.values === false ? keysOnlyArgv : maskArgv,
        noStatic: o.static === false,
      });
      const subjects = recordSubjects(procs, {
        reveal: !!o.reveal,
        noValues: o.values === false,
        ...(o.keys ? { keys: o.keys } : {}),
      });
      const issues = [];
      if (run.timedOut)
        issues.push({
          subject: `pid ${run.tree.root?.pid ?? "?"}`,
          code: "TIMEOUT" as const,
          detail: `--timeout ${o.timeout}: stopped following; the processes go on untraced`,
        });
      if (run.tree.root === undefined && o.attach !== undefined)
        issues.push({
          subject: `pid ${o.attach}`,
          code: "UNAVAILABLE" as const,
          detail: "no exec was seen while attached",
        });
      let reportExit = 0;
      const out = toStderr({ ...ctx, setExit: (c) => (reportExit = c) });
      await report(
        o.output ? { ...ctx, setExit: (c) => (reportExit = c) } : out,
        "record",
        o,
        subjects,
        issues,
      );
      // The command's status passes through; --fail-on (1) and --strict (2) only when it succeeded.
      ctx.setExit(run.exitCode !== 0 ? run.exitCode : reportExit);
    });
  },
};
