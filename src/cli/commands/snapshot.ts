import { writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { Option } from "commander";
import { loadFingerprintKey } from "../../detect/fingerprint-key.js";
import { buildSnapshot, type GoSettingsInput, serializeSnapshot } from "../../drift/snapshot.js";
import { defaultSubject, ExplainSession } from "../../explain.js";
import { collectGoSettings } from "../../go/index.js";
import { EnvtraceError } from "../errors.js";
import { parsePid } from "../options.js";
import type { CliCommand } from "./command.js";

export const snapshotCommand: CliCommand = {
  name: "snapshot",
  register(program, { io }) {
    return program
      .command("snapshot")
      .description(
        "save the explained environment of a process (and, with --go, its Go toolchain settings) as a versioned JSON snapshot for `envtrace diff`; secrets are stored only as masks and keyed value fingerprints (share ENVTRACE_FINGERPRINT_KEY between environments to compare secrets)",
      )
      .requiredOption("-o, --out <file>", "where to write the snapshot (`-` for stdout)")
      .option("-p, --pid <pid>", "the process to snapshot (default: the shell that ran envtrace)", parsePid)
      .option(
        "--go",
        "also record the Go toolchain settings and their sources (runs `go version` and `go env`)",
      )
      .option(
        "--label <name>",
        "a name for this environment, e.g. dev, staging, prod (default: the host name)",
      )
      .addOption(
        new Option("--root <dir>", "inspect a host filesystem mounted at DIR (default /)").hideHelp(),
      )
      .action(async (o) => {
        const session = new ExplainSession({ root: o.root });
        let envPid: number;
        let subjectPid: number;
        if (o.pid !== undefined) envPid = subjectPid = o.pid;
        else ({ envPid, subjectPid } = await defaultSubject(session.reader, io.pid));
        const result = await session.explain(envPid, subjectPid);
        if (result.variables.length === 0 && !result.subject.comm) {
          throw new EnvtraceError("NO_SUCH_PROCESS", { pid: envPid });
        }
        let go: GoSettingsInput | undefined;
        if (o.go) go = await collectGoSettings({ pid: envPid, selfPid: io.pid });
        let fingerprintKey: Buffer;
        try {
          fingerprintKey = loadFingerprintKey(io.env);
        } catch (err) {
          throw new EnvtraceError("UNREADABLE", {
            what: "the fingerprint key",
            why: `${(err as NodeJS.ErrnoException).code ?? "error"}; set ENVTRACE_FINGERPRINT_KEY or ENVTRACE_FINGERPRINT_KEY_FILE`,
          });
        }
        const snap = buildSnapshot(result, { label: o.label ?? hostname(), go, fingerprintKey });
        const text = serializeSnapshot(snap);
        if (o.out === "-") {
          io.stdout.write(text);
          return;
        }
        try {
          // 0600: values that are not secrets can still be internal (hosts, paths).
          await writeFile(o.out, text, { mode: 0o600 });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? "error";
          throw new EnvtraceError("BAD_INPUT", {
            input: o.out,
            why: `cannot write the snapshot (${code}); choose a writable path with --out`,
          });
        }
        io.stdout.write(
          `wrote ${o.out}: ${snap.variables.length} variable(s)${snap.go ? `, ${snap.go.settings.length} Go setting(s)` : ""} of pid ${envPid} (label ${snap.label}; secrets stored as masks and fingerprints)\n`,
        );
      });
  },
};
