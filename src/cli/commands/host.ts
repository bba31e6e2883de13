import { Option } from "commander";
import { defaultSubject } from "../../explain.js";
import { parseGoVersion } from "../../host/go-release.js";
import { runHostChecks } from "../../host/index.js";
import { hostSubject } from "../../report/build.js";
import { createHostFs, type HostFs } from "../../snapshot/host-fs.js";
import { ProcReader } from "../../snapshot/procfs.js";
import { EnvtraceError } from "../errors.js";
import { parsePid } from "../options.js";
import { addOutputOptions, report } from "../output.js";
import type { CliCommand } from "./command.js";

/** A file the user named must be a regular file: anything else is a one-line error, not a silent skip. */
async function requireFile(fs: HostFs, file: string, flag: string, what: string): Promise<void> {
  const st = await fs.stat(file).catch((err: NodeJS.ErrnoException) => err.code ?? "error");
  if (typeof st === "string" || !st.isFile()) {
    throw new EnvtraceError("BAD_INPUT", {
      input: `${flag} ${file}`,
      why:
        typeof st === "string" ? `cannot read it (${st}); name ${what}` : `not a regular file; name ${what}`,
    });
  }
}

export const hostCommand: CliCommand = {
  name: "host",
  register(program, ctx) {
    const cmd = program
      .command("host")
      .description(
        "host adaptation report for Go deployments: kernel vs Go minimum, cgroup CPU limit vs GOMAXPROCS, SELinux, login shells, glibc, process hardening (runs no privileged command)",
      )
      .option(
        "-p, --pid <pid>",
        "the process whose cgroup and hardening are checked (default: the invoking shell)",
        parsePid,
      )
      .option(
        "--go-version <version>",
        "the Go release to check against (default: `go version` of the go on PATH, if any)",
      )
      .option(
        "--binary <file>",
        "a (cgo) program to check against this host's glibc (default: the target's executable)",
      )
      .option("--go <path>", "the go binary to ask for its version (only `go version` and `go env` run)")
      .addOption(
        new Option("--root <dir>", "inspect a host filesystem mounted at DIR (default /)").hideHelp(),
      );
    return addOutputOptions(cmd).action(async (o) => {
      let goVersion: ReturnType<typeof parseGoVersion>;
      if (o.goVersion !== undefined) {
        goVersion = parseGoVersion(String(o.goVersion), "flag");
        if (!goVersion) {
          throw new EnvtraceError("USAGE", {
            detail: `--go-version expects a Go release such as 1.22 or go1.22.3, got '${o.goVersion}'`,
          });
        }
      }
      const fs = createHostFs(o.root ?? "/");
      if (o.binary !== undefined)
        await requireFile(fs, String(o.binary), "--binary", "a program (an ELF executable)");
      let pid: number = o.pid;
      if (pid === undefined) {
        pid = (await defaultSubject(new ProcReader(fs), ctx.io.pid)).subjectPid;
      } else if (fs.root === "/") {
        try {
          await fs.stat(`/proc/${pid}`);
        } catch {
          throw new EnvtraceError("NO_SUCH_PROCESS", { pid });
        }
      }
      const result = await runHostChecks({
        root: o.root,
        pid,
        goVersion,
        goBinary: o.go,
        binary: o.binary,
        env: ctx.io.env,
      });
      await report(ctx, "host", o, [hostSubject(result)]);
    });
  },
};
