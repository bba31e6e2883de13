// `envtrace` from the sources (the CI templates' commands run against the code under test, not a build).
import { run } from "../../src/cli/run.js";

process.exitCode = await run(process.argv.slice(2));
