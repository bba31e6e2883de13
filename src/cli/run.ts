/**
 * CLI entry: parses argv, runs one command, returns the exit code (0 clean, 1 findings at or above
 * `--fail-on`, 2 usage or fatal error). Nothing below `bin/` calls `process.exit`; errors become one
 * line on stderr, never a stack trace.
 */
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { loadCommands } from "./commands/index.js";
import { EXIT, errorText } from "./errors.js";
import { type CliIo, cliOutput, defaultIo } from "./io.js";
import { type CommandContext, checkOutputPath } from "./output.js";

export { VERSION };

export async function run(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = new Command("envtrace")
    .description("Who set each environment variable of a process, container or pod — when, and how.")
    .version(VERSION)
    .exitOverride()
    .configureOutput(cliOutput(io));
  const ctx: CommandContext = {
    io,
    argv,
    startedAt: new Date(),
    version: VERSION,
    setExit: (code) => {
      exitCode = code;
    },
  };
  // An --output that cannot be written is refused before any work is done.
  program.hook("preAction", async (_top, action) => {
    const out = action.opts().output;
    if (typeof out === "string") await checkOutputPath(out);
  });
  try {
    for (const c of await loadCommands(argv)) {
      const cmd = c.register(program, ctx);
      cmd.exitOverride();
    }
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
    }
    io.stderr.write(await errorText(err, !!io.env.ENVTRACE_DEBUG));
    return EXIT.ERROR;
  }
}
