/** Small helpers shared by the bench scripts: timing, medians, printing a figure next to its reference. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function timeIt(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Wall time of a command, in ms. */
export function timeCommand(cmd: string, args: string[], env = process.env): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr?.toString().split("\n")[0]}`);
  return ms;
}

export function row(
  figure: string,
  value: number,
  unit: string,
  reference: string,
  refValue: number,
  target?: string,
) {
  const ratio = value / refValue;
  console.log(
    `${figure.padEnd(44)} ${value.toFixed(1).padStart(9)} ${unit.padEnd(5)} | ${reference.padEnd(36)} ${refValue
      .toFixed(1)
      .padStart(9)} ${unit.padEnd(5)} | ratio ${ratio.toFixed(2)}×${target ? `  (target ${target})` : ""}`,
  );
}

/** A temporary host tree for analysis benches: `put("/home/u/.bashrc", text)`, then `remove()`. */
export function tempTree(prefix: string): {
  root: string;
  put(path: string, text: string): void;
  remove(): void;
} {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    put(p, text) {
      mkdirSync(join(root, p, ".."), { recursive: true });
      writeFileSync(join(root, p), text);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
