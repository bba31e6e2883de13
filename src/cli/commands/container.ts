import { Option } from "commander";
import { explainContainer } from "../../attribution/container/explain.js";
import { reporterFor } from "../../report/index.js";
import { EnvtraceError, EXIT } from "../errors.js";
import { useColor } from "../io.js";
import { atOrAbove, failOnOption, formatOption } from "../options.js";
import type { CliCommand } from "./command.js";

export const containerCommand: CliCommand = {
  name: "container",
  register(program, io, setExit) {
    return program
      .command("container")
      .description(
        "explain where each environment variable of a container came from: image ENV, run --env/--env-file, compose, runtime defaults, OCI config.json (Docker/Podman Engine API via DOCKER_HOST/CONTAINER_HOST or the default sockets; runc/crun/containerd state on disk)",
      )
      .argument("<container>", "container id (full or short) or name")
      .addOption(formatOption())
      .option("--reveal", "show secret values in clear (the output says so)")
      .addOption(failOnOption())
      .addOption(
        new Option("--root <dir>", "inspect a host filesystem mounted at DIR (no Engine API)").hideHelp(),
      )
      .action(async (ref: string, o) => {
        if (ref.trim() === "" || /[\0/\s]/.test(ref)) {
          throw new EnvtraceError("USAGE", { detail: `'${ref.slice(0, 80)}' is not a container id or name` });
        }
        const result = await explainContainer(ref, { root: o.root, reveal: !!o.reveal, env: io.env });
        if (!result) {
          throw new EnvtraceError("BAD_INPUT", {
            input: `container ${ref}`,
            why: "no engine and no runtime state knows it; check `podman ps -a` / `docker ps -a`, or set DOCKER_HOST/CONTAINER_HOST",
          });
        }
        io.stdout.write(
          reporterFor(o.format)!.render([result], {
            color: useColor(io),
            reveal: !!o.reveal,
            width: io.stdout.columns,
          }),
        );
        if (result.findings.some((f) => atOrAbove(f.severity, o.failOn))) setExit(EXIT.FINDINGS);
      });
  },
};
