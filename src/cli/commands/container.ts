import { Option } from "commander";
import { explainContainer } from "../../attribution/container/explain.js";
import { explainSubject } from "../../report/build.js";
import { EnvtraceError } from "../errors.js";
import { addOutputOptions, report } from "../output.js";
import type { CliCommand } from "./command.js";

export const containerCommand: CliCommand = {
  name: "container",
  register(program, ctx) {
    const cmd = program
      .command("container")
      .description(
        "explain where each environment variable of a container came from: image ENV, run --env/--env-file, compose, runtime defaults, OCI config.json (Docker/Podman Engine API via DOCKER_HOST/CONTAINER_HOST or the default sockets; runc/crun/containerd state on disk)",
      )
      .argument("<container>", "container id (full or short) or name")
      .option("--reveal", "show secret values in clear (the output says so)")
      .addOption(
        new Option("--root <dir>", "inspect a host filesystem mounted at DIR (no Engine API)").hideHelp(),
      );
    return addOutputOptions(cmd).action(async (ref: string, o) => {
      if (ref.trim() === "" || /[\0/\s]/.test(ref)) {
        throw new EnvtraceError("USAGE", { detail: `'${ref.slice(0, 80)}' is not a container id or name` });
      }
      const result = await explainContainer(ref, { root: o.root, reveal: !!o.reveal, env: ctx.io.env });
      if (!result) {
        throw new EnvtraceError("BAD_INPUT", {
          input: `container ${ref}`,
          why: "no engine and no runtime state knows it; check `podman ps -a` / `docker ps -a`, or set DOCKER_HOST/CONTAINER_HOST",
        });
      }
      await report(ctx, "container", o, [explainSubject(result)]);
    });
  },
};
