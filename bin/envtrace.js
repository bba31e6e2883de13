#!/usr/bin/env node
// Thin entry point: all behaviour lives in src/cli; this file only maps the result to an exit code.
import { run } from "../dist/cli/run.js";

process.exitCode = await run(process.argv.slice(2));
