/** Starts real processes for integration tests and guarantees they are killed. */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const started = new Set<ChildProcess>();

export function startProcess(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, { stdio: "ignore", detached: true, ...opts });
  started.add(child);
  child.on("exit", () => started.delete(child));
  return child;
}

/** Kills every process (group) started through this helper. */
export function killAll(): void {
  for (const c of started) {
    try {
      if (c.pid) process.kill(-c.pid, "SIGKILL");
    } catch {
      c.kill("SIGKILL");
    }
  }
  started.clear();
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Waits until a descendant of `root` (or root itself) runs `comm`; returns its pid. */
export async function waitForDescendant(root: number, comm: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const queue = [root];
    while (queue.length > 0) {
      const pid = queue.shift()!;
      if (commOf(pid) === comm) return pid;
      queue.push(...childrenOf(pid));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no '${comm}' process appeared under pid ${root} within ${timeoutMs} ms`);
}
