import cliProgress from "cli-progress";
import { Option } from "commander";
import { ExplainSession } from "../../explain.js";
import type { DisplayValue, ExplainResult } from "../../model/index.js";
import { reporterFor } from "../../report/index.js";
import { EnvtraceError, EXIT } from "../errors.js";
import { useColor } from "../io.js";
import { atOrAbove, collectPids, failOnOption, formatOption } from "../options.js";
import type { CliCommand } from "./command.js";

export const scanCommand: CliCommand = {
  name: "scan",
  register(program, io, setExit) {
    return program
      .command("scan")
      .description("explain every process (--all) or the given ones, with a summary")
      .option("-a, --all", "every process on the host (default when no --pid is given)")
      .option("-p, --pid <pid,...>", "these processes (repeatable)", collectPids)
      .addOption(formatOption())
      .option("--reveal", "show secret values in clear (the output says so)")
      .addOption(failOnOption())
      .addOption(new Option("--root <dir>", "inspect a host filesystem mounted at DIR").hideHelp())
      .action(async (o) => {
        if (o.all && o.pid)
          throw new EnvtraceError("USAGE", { detail: "give either --all or --pid, not both" });
        const session = new ExplainSession({ root: o.root, reveal: !!o.reveal });
        const pids: number[] = o.pid ?? (await session.reader.listPids());
        const showBar = !!io.stderr.isTTY && o.format === "text" && pids.length > 20;
        const bar = showBar
          ? new cliProgress.SingleBar(
              { stream: io.stderr as NodeJS.WritableStream, clearOnComplete: true, hideCursor: true },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        bar?.start(pids.length, 0);
        const results: ExplainResult<DisplayValue>[] = [];
        for (const pid of pids) {
          const r = await session.explain(pid);
          bar?.increment();
          // Kernel threads have no environment; they are counted as issues, not listed as processes.
          if (r.issues.some((i) => i.code === "KTHREAD") && r.variables.length === 0) continue;
          results.push(r);
        }
        bar?.stop();
        io.stdout.write(
          reporterFor(o.format)!.render(results, {
            color: useColor(io),
            reveal: !!o.reveal,
            width: io.stdout.columns,
          }),
        );
        if (results.some((r) => r.findings.some((f) => atOrAbove(f.severity, o.failOn))))
          setExit(EXIT.FINDINGS);
      });
  },
};
