/**
 * Builds a fake host tree (`<root>/proc/<pid>/…`, plus any other files) for fixture tests that drive the
 * real collector and engine through an injectable root.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface FakeProcess {
  pid: number;
  ppid: number;
  comm: string;
  cmdline?: string[];
  exe?: string;
  /** null: no environ file (the process vanished); a Buffer: exact bytes. */
  env?: Record<string, string> | Buffer | null;
  uid?: number;
  ttyNr?: number;
  startTicks?: number;
  flags?: number;
  cgroup?: string[];
}

export function environBytes(env: Record<string, string>): Buffer {
  return Buffer.from(
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\0`)
      .join(""),
  );
}

export class FakeHost {
  readonly root: string;
  constructor(prefix = "envtrace-fixture-") {
    this.root = mkdtempSync(join(tmpdir(), prefix));
    this.file("/proc/stat", "cpu  1 2 3\nbtime 1700000000\nprocesses 10\n");
  }
  file(hostPath: string, content: string | Buffer, mode?: number): this {
    const p = join(this.root, hostPath);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content, mode !== undefined ? { mode } : undefined);
    return this;
  }
  process(p: FakeProcess): this {
    const base = `/proc/${p.pid}`;
    const cmdline = p.cmdline ?? [p.comm];
    const statFields = [
      "S",
      p.ppid,
      p.pid,
      p.pid,
      p.ttyNr ?? 0,
      -1,
      p.flags ?? 4194560,
      ...Array(12).fill(0),
      p.startTicks ?? 1000 + p.pid,
      0,
    ];
    this.file(`${base}/stat`, `${p.pid} (${p.comm}) ${statFields.join(" ")}\n`);
    this.file(`${base}/status`, `Name:\t${p.comm}\nPPid:\t${p.ppid}\nUid:\t${p.uid ?? 0}\t0\t0\t0\n`);
    this.file(`${base}/cmdline`, cmdline.map((a) => `${a}\0`).join(""));
    this.file(`${base}/cgroup`, `${(p.cgroup ?? ["0::/"]).join("\n")}\n`);
    if (p.env !== null) {
      this.file(`${base}/environ`, Buffer.isBuffer(p.env) ? p.env : environBytes(p.env ?? {}));
    }
    if (p.exe) symlinkSync(p.exe, join(this.root, base, "exe"));
    return this;
  }
  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
