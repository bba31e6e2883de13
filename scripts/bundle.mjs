// Bundles the CLI into dist/bundle/ (one entry file plus chunks for the commands loaded on demand):
// module resolution of ~300 ESM files was a third of `explain`'s start-up. The library (dist/index.js)
// stays unbundled for tree-shaking consumers. Run by `npm run build`, after tsc.

import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
// Chunk names carry a content hash: without a clean directory every build would leave the last one's
// chunks behind (and `npm pack` would ship them).
rmSync("dist/bundle", { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/run.ts" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Packages that find their own files (WASM, workers) next to themselves, and the large Kubernetes
  // client that only `k8s --live` and in-pod runs load, stay in node_modules.
  external: [
    "web-tree-sitter",
    "tree-sitter-bash",
    "@kubernetes/client-node",
    "@viz-js/viz",
    "playwright-core",
  ],
  // CommonJS dependencies call require(): give the ESM bundle one.
  banner: {
    js: 'import { createRequire as __envtraceRequire } from "node:module"; const require = __envtraceRequire(import.meta.url);',
  },
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  define: { "process.env.ENVTRACE_BUNDLED": '"1"' },
  metafile: false,
});
process.stderr.write(`bundled envtrace ${pkg.version} CLI into dist/bundle/\n`);
