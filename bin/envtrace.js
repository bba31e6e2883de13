#!/usr/bin/env -S node --max-semi-space-size=64 --liftoff-only
// (A scan allocates millions of short-lived objects: a larger young generation, which only a start-up flag
// sets, cuts its garbage collection by half. `env -S` splits the line: coreutils ≥ 8.30.)
// Thin entry point: all behaviour lives in src/cli; this file only maps the result to an exit code.
import { existsSync } from "node:fs";
import module from "node:module";
import { setFlagsFromString } from "node:v8";

// The shell parser is WebAssembly (tree-sitter). V8's optimising tier compiles it in the background,
// and exit waits for that work: ~0.7 s of nothing after every run. The baseline compiler is fast enough.
// Node 20 and 22 take the flag at run time; Node 24 reads it only from the command line (set here it is
// silently ignored, and every run waited 0.4-0.9 s at exit), so there `node bin/envtrace.js …` starts
// again with the flags of the shebang line: process.execve replaces this process (same pid, signals and
// exit status; ~30 ms), which the shebang path (`envtrace …`, `npx envtrace …`) never needs.
if (!process.execArgv.includes("--liftoff-only") && Number(process.versions.node.split(".")[0]) >= 24) {
  try {
    process.execve?.(process.execPath, [
      process.execPath,
      "--max-semi-space-size=64",
      "--liftoff-only",
      ...process.execArgv,
      ...process.argv.slice(1),
    ]);
  } catch {
    // No execve (a sandbox without it): run on, slower at exit.
  }
}
setFlagsFromString("--liftoff-only");
// Node ≥ 22.1 keeps compiled code between runs (a third of start-up); older lines simply skip it.
module.enableCompileCache?.();

// `envtrace … | head`: a reader that stops early is not an error (no stack trace for EPIPE).
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// The bundled CLI (one file, commands as chunks) starts faster than ~300 separate modules.
const bundle = new URL("../dist/bundle/cli.js", import.meta.url);
const modules = new URL("../dist/cli/run.js", import.meta.url);
const entry = existsSync(bundle) ? bundle : existsSync(modules) ? modules : undefined;
if (!entry) {
  process.stderr.write("envtrace: not built yet: run `npm run build` in the package directory\n");
  process.exitCode = 2;
} else {
  const { run } = await import(entry.href);
  process.exitCode = await run(process.argv.slice(2));
}
