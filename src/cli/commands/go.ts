import * as os from "node:os";
import type { Command } from "commander";
import { auditGo } from "../../go/audit.js";
import { GO_PROFILES, type GoProfile } from "../../go/checks/types.js";
import { collectRaw } from "../../go/collect.js";
import { verifyModcache } from "../../go/modcache/verify.js";
import { probeGo } from "../../go/probe.js";
import { redactGoEnv } from "../../go/redact.js";
import { goSubject, modcacheSubject } from "../../report/build.js";
import { EnvtraceError } from "../errors.js";
import { parsePid } from "../options.js";
import { addOutputOptions, report } from "../output.js";
import type { CliCommand } from "./command.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

function parseProfile(v: string, prev: GoProfile[] = []): GoProfile[] {
  if (!GO_PROFILES.includes(v as GoProfile) || v === "default") {
    throw new EnvtraceError("USAGE", { detail: `--profile expects strict or cn-mirror, got '${v}'` });
  }
  return [...prev, v as GoProfile];
}

export const goCommand: CliCommand = {
  name: "go",
  register(program, ctx) {
    const { io } = ctx;
    const go = program
      .command("go")
      .description(
        "audit the Go toolchain environment: where each `go env` setting comes from, and supply-chain checks",
      )
      .option(
        "--redact",
        "print `go env -json`-shaped output with home/user paths replaced and secrets masked",
      )
      .option("--go <path>", "the go binary (default: go in PATH)")
      .option("--full", "ask `go env` for every setting; this RUNS $CC to probe C compiler flags")
      .option("-p, --pid <pid>", "audit the Go settings this process would see (its environment)", parsePid)
      .option(
        "--profile <name>",
        "also apply an organisation policy profile: strict, cn-mirror (repeatable)",
        parseProfile,
      )
      .option("--no-origins", "do not attribute settings that come from the process environment")
      .option("--reveal", "show secret values in clear (the output says so)");
    addOutputOptions(go).action(async (o) => {
      const raw = await collectRaw({
        goPath: o.go,
        env: io.env,
        ...(o.pid !== undefined ? { pid: o.pid } : {}),
        full: !!o.full,
        origins: o.origins !== false,
        selfPid: io.pid,
      });
      // --redact output is meant for pasting into tickets: it never reveals, whatever else was asked.
      const audit = await auditGo(raw, { profiles: o.profile ?? [], reveal: !!o.reveal && !o.redact });
      if (o.redact) {
        // Defaults envtrace did not ask for (costly names without --full) have no value to show.
        const shown = audit.settings.filter((s) => s.probed || s.source.kind !== "default");
        const values = new Map(shown.map((s) => [s.key, s.value]));
        const env = raw.env;
        const user = env.USER || env.LOGNAME || safeUser();
        const gopath = (values.get("GOPATH")?.toString() ?? "").split(":")[0];
        io.stdout.write(
          `${JSON.stringify(redactGoEnv(values, { home: env.HOME, user, gopath }), null, "\t")}\n`,
        );
        return;
      }
      await report(ctx, "go", o, [goSubject(audit, o.pid)]);
    });

    const verify = go
      .command("verify-modcache")
      .description(
        "recompute h1: hashes of every cached module zip and .mod; compare with .ziphash, the extracted trees and go.sum files",
      )
      .option("--gosum <file>", "a go.sum (or go.work.sum) to compare with (repeatable)", collect)
      .option("--gomodcache <dir>", "the module cache (default: `go env GOMODCACHE`)")
      .option("--go <path>", "the go binary used to find GOMODCACHE (default: go in PATH)")
      .option("--no-dirs", "do not hash the extracted module trees");
    addOutputOptions(verify).action(async (own, cmd: Command) => {
      // `envtrace go -o json verify-modcache`: an output option given to the parent counts too.
      const o = { ...own };
      const parent = cmd.parent;
      for (const k of ["format", "output", "failOn", "wide"] as const) {
        if (parent && cmd.getOptionValueSource(k) === "default" && parent.getOptionValueSource(k) === "cli")
          o[k] = parent.opts()[k];
      }
      let dir: string | undefined = o.gomodcache;
      if (!dir) {
        const p = await probeGo({ goPath: o.go, env: io.env });
        dir = p.values.GOMODCACHE;
        if (!dir) {
          throw new EnvtraceError("BAD_INPUT", {
            input: "GOMODCACHE",
            why: "go reports none; pass --gomodcache DIR",
          });
        }
      }
      const st = await import("node:fs/promises").then((f) => f.stat(dir).catch(() => undefined));
      if (!st?.isDirectory()) {
        throw new EnvtraceError("BAD_INPUT", {
          input: dir,
          why: "not a module cache directory; pass --gomodcache DIR (see `go env GOMODCACHE`)",
        });
      }
      for (const f of (o.gosum ?? []) as string[]) {
        const gs = await import("node:fs/promises").then((x) =>
          x.stat(f).catch((e: NodeJS.ErrnoException) => e.code ?? "error"),
        );
        if (typeof gs === "string" || !gs.isFile()) {
          throw new EnvtraceError("BAD_INPUT", {
            input: `--gosum ${f}`,
            why:
              typeof gs === "string"
                ? `cannot read it (${gs}); name a go.sum file`
                : "not a regular file; name a go.sum (or go.work.sum) file",
          });
        }
      }
      const verified = await verifyModcache({
        gomodcache: dir,
        gosumFiles: o.gosum ?? [],
        dirs: o.dirs !== false,
      });
      // A mismatch fails the run whatever --fail-on says: the cache is not what go.sum vouches for.
      await report(ctx, "go verify-modcache", { ...o, failOn: o.failOn ?? "medium" }, [
        modcacheSubject(verified),
      ]);
    });
    return go;
  },
};

function safeUser(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}
