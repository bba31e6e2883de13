import { createReadStream } from "node:fs";
import { Option } from "commander";
import { SecretEngine } from "../../detect/engine.js";
import { loadFingerprintKey } from "../../detect/fingerprint-key.js";
import { MASK_STYLES, type MaskStyle } from "../../detect/mask.js";
import { Redactor, redactStream } from "../../detect/redact.js";
import { builtinRules } from "../../detect/rules/index.js";
import { loadUserRules, RuleFileError } from "../../detect/user-rules.js";
import { EnvtraceError } from "../errors.js";
import type { CliIo } from "../io.js";
import type { CliCommand } from "./command.js";

type Sink = { write(b: Buffer): unknown; once?(ev: "drain", cb: () => void): unknown };

/** Writes to stdout, waiting for `drain` when the stream asks (constant memory on huge input). */
function writer(io: CliIo): (b: Buffer) => Promise<void> | void {
  const out = io.stdout as unknown as Sink;
  return (b) => {
    if (out.write(b) === false && typeof out.once === "function") {
      return new Promise<void>((resolve) => out.once!("drain", resolve));
    }
  };
}

export const redactCommand: CliCommand = {
  name: "redact",
  register(program, { io }) {
    return program
      .command("redact")
      .description(
        "copy stdin or FILEs to stdout with every detected secret masked (env, .env, shell rc, go env, YAML, JSON, logs)",
      )
      .argument("[files...]", "files to read ('-' or none: stdin)")
      .addOption(new Option("--style <style>", "mask style").choices([...MASK_STYLES]).default("partial"))
      .option("--rules <file>", "extra secret rules (YAML or JSON), validated at load")
      .action(async (files: string[], o: { style: MaskStyle; rules?: string }) => {
        let engine: SecretEngine | undefined;
        if (o.rules) {
          try {
            engine = new SecretEngine([...loadUserRules(o.rules), ...builtinRules]);
          } catch (err) {
            if (err instanceof RuleFileError)
              throw new EnvtraceError("BAD_INPUT", {
                input: o.rules,
                why: err.message.slice(o.rules.length + 2),
              });
            const e = err as NodeJS.ErrnoException;
            throw new EnvtraceError("UNREADABLE", { what: o.rules, why: e.code ?? e.message });
          }
        }
        let key: Buffer | undefined;
        if (o.style === "fingerprint") {
          try {
            key = loadFingerprintKey(io.env);
          } catch (err) {
            const e = err as NodeJS.ErrnoException;
            throw new EnvtraceError("UNREADABLE", {
              what: "the fingerprint key",
              why: `${e.code ?? e.message}; set ENVTRACE_FINGERPRINT_KEY or ENVTRACE_FINGERPRINT_KEY_FILE`,
            });
          }
        }
        const write = writer(io);
        const inputs = files.length === 0 ? ["-"] : files;
        for (const f of inputs) {
          const redactor = new Redactor({
            style: o.style,
            ...(key ? { key } : {}),
            ...(engine ? { engine } : {}),
          });
          const input: AsyncIterable<Uint8Array | string> =
            f === "-" ? io.stdin : createReadStream(f, { highWaterMark: 1 << 20 });
          try {
            await redactStream(input, write, redactor);
          } catch (err) {
            const e = err as NodeJS.ErrnoException;
            if (e.code === "ENOENT" || e.code === "EACCES" || e.code === "EISDIR")
              throw new EnvtraceError("UNREADABLE", {
                what: f,
                why: `${e.code}: check the path and its permissions`,
              });
            throw err;
          }
        }
      });
  },
};
