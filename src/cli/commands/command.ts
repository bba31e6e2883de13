import type { Command } from "commander";
import type { CliIo } from "../io.js";

/** One CLI command = one file exporting one of these; `commands/index.ts` lists them all. */
export interface CliCommand {
  name: string;
  register(program: Command, io: CliIo, setExit: (code: number) => void): Command;
}
