import { readFile } from "node:fs/promises";
import { createResolverContext } from "../src/attribution/engine.js";
import { analyzeStartupUncached, bashParser, clearParseCache } from "../src/attribution/shell/analyze.js";
import type { ShellId, ShellMode } from "../src/attribution/shell/types.js";
import { createHostFs } from "../src/snapshot/host-fs.js";
import { median, row, tempTree, timeIt } from "./lib.js";

const RUNS = 30;
const tree = tempTree("envtrace-bench-shell-");
const { root, put } = tree;

const block = (prefix: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `# ${prefix} block ${i}\nexport ${prefix}_${i}="value-${i}"\nif [ -d "$HOME/opt${i}" ]; then\n  PATH="$HOME/opt${i}/bin:$PATH"\nfi\n` +
      `alias l${i}='ls -l'\ncase "$TERM" in xterm*) export ${prefix}_T${i}=1 ;; esac\n`,
  ).join("");

put(
  "/etc/profile",
  'if [ "$(id -u)" -eq 0 ]; then\n  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\nelse\n  PATH="/usr/local/bin:/usr/bin:/bin"\nfi\nexport PATH\n' +
    "if [ -d /etc/profile.d ]; then\n  for i in /etc/profile.d/*.sh; do\n    if [ -r $i ]; then\n      . $i\n    fi\n  done\n  unset i\nfi\n",
);
for (let i = 0; i < 8; i++) put(`/etc/profile.d/${10 + i}-tool.sh`, block(`PD${i}`, 5));
put("/etc/bash.bashrc", '[ -z "$PS1" ] && return\nshopt -s checkwinsize\n' + block("SYS", 10));
put("/etc/zsh/zshenv", block("ZENV", 5));
put("/etc/zsh/zshrc", block("ZRC", 20));
put(
  "/home/u/.profile",
  'if [ -n "$BASH_VERSION" ]; then\n  [ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"\nfi\n' + block("PROF", 10),
);
put(
  "/home/u/.bashrc",
  block("RC", 40) +
    'for f in ~/.bashrc.d/*.sh; do . "$f"; done\nsetup() { export SETUP_DONE=1; }\nsetup\nexport BUILD=$(date +%s)\n',
);
for (let i = 0; i < 5; i++) put(`/home/u/.bashrc.d/${i}.sh`, block(`D${i}`, 8));
put("/home/u/.zshrc", block("Z", 40) + "path=(~/bin $path)\n");
put("/home/u/.zprofile", block("ZP", 5));

const env = new Map([
  ["HOME", "/home/u"],
  ["PATH", "/usr/bin:/bin"],
  ["TERM", "xterm-256color"],
]);
const cases: Array<[ShellId, ShellMode]> = [
  ["bash", { login: true, interactive: true }],
  ["bash", { login: false, interactive: true }],
  ["zsh", { login: true, interactive: true }],
  ["dash", { login: true, interactive: false }],
  ["ash", { login: true, interactive: false }],
];

try {
  await bashParser(); // one-time WASM start-up is not part of the per-analysis figure
  const fs = createHostFs(root);
  for (const [shell, mode] of cases) {
    const ctx = () => createResolverContext({ fs, issues: [] });
    const first = await analyzeStartupUncached({ shell, mode, env, uid: 1000 }, ctx());
    const files = first.files.map((f) => fs.resolve(f));
    const cold: number[] = [];
    const warm: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      clearParseCache();
      cold.push(await timeIt(() => analyzeStartupUncached({ shell, mode, env, uid: 1000 }, ctx())));
      warm.push(await timeIt(() => analyzeStartupUncached({ shell, mode, env, uid: 1000 }, ctx())));
      raw.push(await timeIt(() => Promise.all(files.map((f) => readFile(f)))));
    }
    const label = `${shell} ${mode.login ? "login" : "non-login"} ${mode.interactive ? "interactive" : "non-interactive"}`;
    const bytes = (await Promise.all(files.map((f) => readFile(f)))).reduce((n, b) => n + b.length, 0);
    console.log(
      `${label}: ${files.length} files, ${(bytes / 1024).toFixed(1)} KiB, ${first.assignments.length} assignments`,
    );
    row("  analysis, cold (parse + simulate)", median(cold), "ms", "raw read of the same files", median(raw));
    row(
      "  analysis, warm (parse trees cached)",
      median(warm),
      "ms",
      "raw read of the same files",
      median(raw),
    );
  }
} finally {
  tree.remove();
}
