/**
 * Go release facts the host checks need, from /work/shared/facts/go-env.md §4 (cited there):
 * kernel minimums per release (go1.23 #linux, go1.24 #linux, go.dev/wiki/Linux) and the Go 1.25
 * container-aware GOMAXPROCS default (go1.25 #container-aware-gomaxprocs; runtime/cgroup_linux.go
 * `defaultGOMAXPROCS`: min(affinity CPUs, max(2, ceil(quota/period))) of the leaf cgroup).
 */

export interface GoRelease {
  major: number;
  minor: number;
  patch: number;
  /** As given (`go1.22.3`, `1.22`). */
  raw: string;
  /** `flag` (--go-version) or `go version` (the go on PATH). */
  source: string;
}

/** Parses `go1.22.3`, `1.22`, `go version go1.19.8 linux/amd64`, `go1.23rc1`; undefined otherwise. */
export function parseGoVersion(text: string, source = "flag"): GoRelease | undefined {
  const m = /(?:^|\s|go)(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = m[3] !== undefined ? Number(m[3]) : 0;
  if (![major, minor, patch].every(Number.isSafeInteger)) return undefined;
  return { major, minor, patch, raw: `go${m[1]}.${m[2]}${m[3] !== undefined ? `.${m[3]}` : ""}`, source };
}

export type KernelVersion = [number, number, number];

/** `6.18.44-fc-v782` → [6, 18, 44]; `3.10.0-1160.el7.x86_64` → [3, 10, 0]. */
export function parseKernelRelease(text: string): KernelVersion | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), m[3] !== undefined ? Number(m[3]) : 0];
}

export function compareKernel(a: KernelVersion, b: KernelVersion): number {
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! - b[i]!;
  return 0;
}

export const formatKernel = (k: KernelVersion): string => k.join(".");

/** The minimum Linux kernel a Go release needs on an architecture, with the fact's source. */
export function kernelMinimum(
  go: GoRelease,
  arch: string | undefined,
): { min: KernelVersion; source: string } {
  const atLeast = (mi: number) => go.major > 1 || (go.major === 1 && go.minor >= mi);
  let min: KernelVersion;
  let source: string;
  if (atLeast(24)) {
    min = [3, 2, 0];
    source = "https://go.dev/doc/go1.24#linux";
  } else if (atLeast(19)) {
    min = [2, 6, 32];
    source = "https://go.dev/doc/go1.23#linux";
  } else {
    min = [2, 6, 23];
    source = "https://go.dev/wiki/Linux";
  }
  // Architecture minimums (go.dev/wiki/Linux; go1.27 #ppc64 for big-endian ppc64's switch to ELFv2).
  const archMin: Array<[boolean, KernelVersion, string]> = [
    [arch === "loongarch64" || arch === "loong64", [5, 19, 0], "https://go.dev/wiki/Linux"],
    [arch === "mips64le", [4, 8, 0], "https://go.dev/wiki/Linux"],
    [arch === "ppc64" && atLeast(27), [3, 13, 0], "https://go.dev/doc/go1.27#ppc64"],
  ];
  for (const [applies, k, src] of archMin) {
    if (applies && compareKernel(k, min) > 0) {
      min = k;
      source = src;
    }
  }
  return { min, source };
}

/** Go ≥ 1.25 derives the default GOMAXPROCS from the cgroup CPU limit (go1.25 release notes). */
export function honoursCgroupLimit(go: GoRelease): boolean {
  return go.major > 1 || (go.major === 1 && go.minor >= 25);
}

export const goLabel = (go: GoRelease): string => `${go.raw.replace(/^go/, "Go ")}`;
