import type { Command } from "commander";
import type { CommandContext } from "../output.js";

/** One CLI command = one file exporting one of these; `commands/index.ts` lists them all. */
export interface CliCommand {
  name: string;
  register(program: Command, ctx: CommandContext): Command;
}
