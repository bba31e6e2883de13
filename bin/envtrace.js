#!/usr/bin/env node
// Thin entry point: all behaviour lives in src/cli; this file only maps the result to an exit code.
import { setFlagsFromString } from "node:v8";

// The shell parser is WebAssembly (tree-sitter). V8's optimising tier compiles it in the background,
// and exit waits for that work: ~0.7 s of nothing after every run. The baseline compiler is fast enough.
setFlagsFromString("--liftoff-only");

const { run } = await import("../dist/cli/run.js");
process.exitCode = await run(process.argv.slice(2));
