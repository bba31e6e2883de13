import cliProgress from "cli-progress";
import { Option } from "commander";
import { ExplainSession } from "../../explain.js";
import type { Subject } from "../../model/index.js";
import { explainSubject } from "../../report/build.js";
import { EnvtraceError } from "../errors.js";
import { addCiOptions, ciOptions, collectPids } from "../options.js";
import { addOutputOptions, report } from "../output.js";
import type { CliCommand } from "./command.js";

export const scanCommand: CliCommand = {
  name: "scan",
  register(program, ctx) {
    const { io } = ctx;
    const cmd = program
      .command("scan")
      .description("explain every process (--all) or the given ones, with a summary")
      .option("-a, --all", "every process on the host (default when no --pid is given)")
      .option("-p, --pid <pid,...>", "these processes (repeatable)", collectPids)
      .option("--reveal", "show secret values in clear (the output says so)")
      .addOption(new Option("--root <dir>", "inspect a host filesystem mounted at DIR").hideHelp());
    return addOutputOptions(addCiOptions(cmd)).action(async (o) => {
      if (o.all && o.pid)
        throw new EnvtraceError("USAGE", { detail: "give either --all or --pid, not both" });
      const session = new ExplainSession({
        root: o.root,
        reveal: !!o.reveal,
        ...(ciOptions(o) ? { ci: ciOptions(o)! } : {}),
      });
      const pids: number[] = o.pid ?? (await session.reader.listPids());
      const showBar = !!io.stderr.isTTY && o.format === "text" && !o.output && pids.length > 20;
      const bar = showBar
        ? new cliProgress.SingleBar(
            { stream: io.stderr as NodeJS.WritableStream, clearOnComplete: true, hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      bar?.start(pids.length, 0);
      const subjects: Subject[] = [];
      for (const pid of pids) {
        const r = await session.explain(pid);
        bar?.increment();
        // Kernel threads have no environment; they are counted as issues, not listed as processes.
        if (r.issues.some((i) => i.code === "KTHREAD") && r.variables.length === 0) continue;
        subjects.push(explainSubject(r));
      }
      bar?.stop();
      await report(ctx, "scan", o, subjects);
    });
  },
};
