/**
 * Figure: static fish startup analysis time (conf.d snippets in three directories with same-name shadowing,
 * config.fish with functions/conditions/PATH edits, fish_variables), next to the raw read time of the same
 * files measured in the same run, as a ratio; and next to running the real fish (`fish -c true`, which
 * executes them) when fish is installed. Inputs are generated under a temporary root, uncached analysis.
 * Run: `npx tsx bench/fish-analysis.ts`.
 */
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createResolverContext } from "../src/attribution/engine.js";
import { analyzeFishStartup } from "../src/attribution/shell/fish/analyze.js";
import { createHostFs } from "../src/snapshot/host-fs.js";
import { median, row, tempTree, timeIt } from "./lib.js";

const RUNS = 30;
const tree = tempTree("envtrace-bench-fish-");
const { root, put } = tree;
const block = (prefix: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `# ${prefix} ${i}\nset -gx ${prefix}_${i} "value-${i}"\nif test -d $HOME/opt${i}\n    set -gx PATH $HOME/opt${i}/bin $PATH\nend\n` +
      `if status is-interactive\n    set -gx ${prefix}_I${i} 1\nend\nswitch $TERM\n    case 'xterm*'\n        set -gx ${prefix}_T${i} 1\nend\n`,
  ).join("");

for (let i = 0; i < 12; i++) put(`/home/u/.config/fish/conf.d/${i}-user.fish`, block(`U${i}`, 4));
for (let i = 0; i < 8; i++) put(`/etc/fish/conf.d/${i}-user.fish`, block(`E${i}`, 4)); // shadowed by the user's
for (let i = 0; i < 6; i++) put(`/usr/share/fish/vendor_conf.d/${20 + i}-vendor.fish`, block(`V${i}`, 4));
put("/etc/fish/config.fish", block("SYS", 10));
put(
  "/home/u/.config/fish/config.fish",
  `${block("CFG", 40)}function setup\n    set -gx SETUP_DONE 1\nend\nsetup\nset -gx BUILD (date +%s)\nfish_add_path -P /usr/local/bin\n`,
);
put(
  "/home/u/.config/fish/fish_variables",
  `# VERSION: 3.0\n${Array.from({ length: 40 }, (_, i) => `SETUVAR --export UV${i}:value\\x20${i}`).join("\n")}\n`,
);

const env = new Map([
  ["HOME", "/home/u"],
  ["PATH", "/usr/bin:/bin"],
  ["TERM", "xterm-256color"],
]);
const fs = createHostFs(root);
let files: string[] = [];
const analysis: number[] = [];
const raw: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const ctx = createResolverContext({ fs, issues: [] });
  analysis.push(
    await timeIt(async () => {
      const a = await analyzeFishStartup(
        { shell: "fish", mode: { login: true, interactive: true }, env },
        ctx,
      );
      files = a.files;
    }),
  );
  raw.push(await timeIt(() => Promise.all(files.map((f) => readFile(join(root, f))))));
}
row(
  `fish static analysis (${files.length} files), median`,
  median(analysis),
  "ms",
  "raw read of the same files",
  median(raw),
);

const real = spawnSync("fish", ["--version"], { stdio: "ignore" });
if (real.status === 0) {
  // The real fish reads the real /etc and /usr/share; HOME points at the generated user files.
  const runs: number[] = [];
  for (let r = 0; r < 10; r++) {
    runs.push(
      await timeIt(() =>
        spawnSync("fish", ["-l", "-i", "-c", "true"], {
          stdio: "ignore",
          env: { HOME: join(root, "home/u"), PATH: "/usr/bin:/bin", TERM: "dumb" },
        }),
      ),
    );
  }
  row("fish static analysis, median", median(analysis), "ms", "real `fish -l -i -c true`", median(runs));
}
tree.remove();
