import { Option } from "commander";
import type { TracedRun } from "../../attribution/resolver.js";
import { defaultSubject, ExplainSession } from "../../explain.js";
import type { DisplayValue, ExplainResult } from "../../model/index.js";
import { explainSubject } from "../../report/build.js";
import { EnvtraceError } from "../errors.js";
import { addCiOptions, ciOptions, parsePid } from "../options.js";
import { addOutputOptions, report } from "../output.js";
import type { CliCommand } from "./command.js";

export const explainCommand: CliCommand = {
  name: "explain",
  register(program, ctx) {
    const { io } = ctx;
    const cmd = program
      .command("explain")
      .description(
        "explain where each environment variable of a process came from (default: the shell that ran envtrace)",
      )
      .argument("[keys...]", "only these variables")
      .option("-p, --pid <pid>", "the process to explain", parsePid)
      .option(
        "--trace",
        "also RUN the user's shell startup files (env -i, xtrace) to confirm static answers; this executes them",
      )
      .option("--reveal", "show secret values in clear (the output says so)")
      .addOption(
        new Option("--root <dir>", "inspect a host filesystem mounted at DIR (default /)").hideHelp(),
      );
    return addOutputOptions(addCiOptions(cmd)).action(async (keys: string[], o) => {
      const emit = async (result: ExplainResult<DisplayValue>, traced: TracedRun[] = []) => {
        const have = new Set(result.variables.map((v) => v.key));
        const subject = explainSubject(
          result,
          keys.filter((k) => !have.has(k)),
        );
        if (o.trace) {
          subject.details.traced = true;
          subject.details.traceRuns = traced;
        }
        await report(ctx, "explain", o, [subject]);
      };
      // Inside a Kubernetes pod, explaining ourselves joins our Pod's spec with our real environment.
      // The Kubernetes client is loaded only there.
      if (o.pid === undefined && !o.root && io.env.KUBERNETES_SERVICE_HOST) {
        const { explainInPod } = await import("../../k8s/in-pod.js");
        const inPod = await explainInPod({ env: io.env, selfPid: io.pid, reveal: !!o.reveal });
        if (inPod) {
          await emit(inPod);
          return;
        }
      }
      const session = new ExplainSession({
        root: o.root,
        trace: !!o.trace,
        reveal: !!o.reveal,
        keys,
        ...(ciOptions(o) ? { ci: ciOptions(o)! } : {}),
      });
      let envPid: number;
      let subjectPid: number;
      if (o.pid !== undefined) {
        envPid = subjectPid = o.pid;
      } else {
        ({ envPid, subjectPid } = await defaultSubject(session.reader, io.pid));
      }
      const result = await session.explain(envPid, subjectPid);
      if (result.variables.length === 0 && !result.subject.comm) {
        throw new EnvtraceError("NO_SUCH_PROCESS", { pid: envPid });
      }
      // --trace executed the user's files: say so on stderr and in the report, whatever the format.
      const traced = session.traced();
      for (const t of traced) {
        io.stderr.write(
          `envtrace: --trace ran \`${t.argv.join(" ")}\` with HOME=${t.home}: it executed your startup files\n`,
        );
      }
      await emit(result, traced);
    });
  },
};
