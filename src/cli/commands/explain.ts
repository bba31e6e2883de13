import { Option } from "commander";
import { defaultSubject, ExplainSession } from "../../explain.js";
import type { DisplayValue, ExplainResult } from "../../model/index.js";
import { reporterFor } from "../../report/index.js";
import { EnvtraceError, EXIT } from "../errors.js";
import { useColor } from "../io.js";
import { atOrAbove, failOnOption, formatOption, parsePid } from "../options.js";
import type { CliCommand } from "./command.js";

export const explainCommand: CliCommand = {
  name: "explain",
  register(program, io, setExit) {
    return program
      .command("explain")
      .description(
        "explain where each environment variable of a process came from (default: the shell that ran envtrace)",
      )
      .argument("[keys...]", "only these variables")
      .option("-p, --pid <pid>", "the process to explain", parsePid)
      .addOption(formatOption())
      .option(
        "--trace",
        "also RUN the user's shell startup files (env -i, xtrace) to confirm static answers; this executes them",
      )
      .option("--reveal", "show secret values in clear (the output says so)")
      .addOption(failOnOption())
      .addOption(
        new Option("--root <dir>", "inspect a host filesystem mounted at DIR (default /)").hideHelp(),
      )
      .action(async (keys: string[], o) => {
        const render = (result: ExplainResult<DisplayValue>) => {
          io.stdout.write(
            reporterFor(o.format)!.render([result], {
              color: useColor(io),
              reveal: !!o.reveal,
              width: io.stdout.columns,
            }),
          );
          if (result.findings.some((f) => atOrAbove(f.severity, o.failOn))) setExit(EXIT.FINDINGS);
        };
        // Inside a Kubernetes pod, explaining ourselves joins our Pod's spec with our real environment.
        // The Kubernetes client is loaded only there.
        if (o.pid === undefined && !o.root && io.env.KUBERNETES_SERVICE_HOST) {
          const { explainInPod } = await import("../../k8s/in-pod.js");
          const inPod = await explainInPod({ env: io.env, selfPid: io.pid, reveal: !!o.reveal });
          if (inPod) {
            render(inPod);
            return;
          }
        }
        const session = new ExplainSession({ root: o.root, trace: !!o.trace, reveal: !!o.reveal, keys });
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
        render(result);
      });
  },
};
