/**
 * Parsers for the files that describe cgroups: `/proc/<pid>/mountinfo` (proc(5)), `/proc/mounts`
 * (fstab(5) format), `/proc/<pid>/cgroup` (cgroups(7)), and the CPU limit files `cpu.max` (cgroup v2,
 * Documentation/admin-guide/cgroup-v2.rst) and `cpu.cfs_quota_us`/`cpu.cfs_period_us` (cgroup v1,
 * Documentation/scheduler/sched-bwc.rst). All are untrusted input: never throw, skip malformed lines.
 */
import * as path from "node:path";

export interface MountEntry {
  mountPoint: string;
  /** The root of the mount inside its filesystem (mountinfo field 4); `/` when read from /proc/mounts. */
  root: string;
  fsType: string;
  superOptions: string[];
}

/** Undoes the octal escapes the kernel writes for space, tab, newline and backslash (`\040`). */
export function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Parses mountinfo: `id parent maj:min root mountpoint opts [optional…] - fstype source superopts`. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(" ");
    const right = line.slice(sep + 3).split(" ");
    if (left.length < 6 || right.length < 3) continue;
    out.push({
      root: unescapeMountField(left[3]!),
      mountPoint: unescapeMountField(left[4]!),
      fsType: right[0]!,
      superOptions: right[2]!.split(","),
    });
  }
  return out;
}

/** Parses `/proc/mounts` (`source mountpoint fstype options 0 0`); mount roots are not known there. */
export function parseProcMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f.length < 4) continue;
    out.push({
      root: "/",
      mountPoint: unescapeMountField(f[1]!),
      fsType: f[2]!,
      superOptions: f[3]!.split(","),
    });
  }
  return out;
}

export interface CgroupMembership {
  /** Hierarchy id; `0` for the cgroup v2 unified hierarchy. */
  hierarchy: string;
  /** v1 controllers (`cpu`, `cpuacct`, `name=systemd`); empty for v2. */
  controllers: string[];
  path: string;
}

/** Parses `/proc/<pid>/cgroup` lines `hierarchy-ID:controller-list:cgroup-path` (the path may hold `:`). */
export function parseProcCgroup(text: string): CgroupMembership[] {
  const out: CgroupMembership[] = [];
  for (const line of text.split("\n")) {
    const a = line.indexOf(":");
    const b = a < 0 ? -1 : line.indexOf(":", a + 1);
    if (a <= 0 || b < 0) continue;
    const cgPath = line.slice(b + 1);
    if (!cgPath.startsWith("/")) continue;
    const controllers = line.slice(a + 1, b);
    out.push({
      hierarchy: line.slice(0, a),
      controllers: controllers ? controllers.split(",") : [],
      path: cgPath,
    });
  }
  return out;
}

export type CgroupLayout = "v1" | "v2" | "hybrid" | "none";

export const V1_CONTROLLERS = new Set([
  "cpu",
  "cpuacct",
  "cpuset",
  "memory",
  "devices",
  "freezer",
  "net_cls",
  "net_prio",
  "blkio",
  "perf_event",
  "hugetlb",
  "pids",
  "rdma",
  "misc",
]);

export function cgroupMounts(mounts: readonly MountEntry[]): { v1: MountEntry[]; v2: MountEntry[] } {
  return {
    v1: mounts.filter((m) => m.fsType === "cgroup"),
    v2: mounts.filter((m) => m.fsType === "cgroup2"),
  };
}

/**
 * v2 only: `v2` (unified); v1 hierarchies only: `v1` (legacy); both: `hybrid` (systemd's hybrid mode
 * mounts cgroup2 at /sys/fs/cgroup/unified with no controllers, the controllers stay on v1).
 */
export function cgroupLayout(mounts: readonly MountEntry[]): CgroupLayout {
  const { v1, v2 } = cgroupMounts(mounts);
  if (v1.length > 0 && v2.length > 0) return "hybrid";
  if (v2.length > 0) return "v2";
  if (v1.length > 0) return "v1";
  return "none";
}

/** The v1 controllers a cgroup v1 mount carries (from its super options). */
export function v1Controllers(m: MountEntry): string[] {
  return m.superOptions.filter((o) => V1_CONTROLLERS.has(o) || o.startsWith("name="));
}

/**
 * The host directory of cgroup `cgPath` in `mount`. The mount's root (mountinfo field 4) is the
 * cgroup the mount shows at its mount point; paths outside it (another cgroup namespace) fall back to the
 * mount point joined with the path.
 */
export function cgroupDir(mount: MountEntry, cgPath: string): string {
  const root = mount.root === "" ? "/" : mount.root;
  let rel = cgPath;
  if (root !== "/" && (cgPath === root || cgPath.startsWith(`${root}/`)))
    rel = cgPath.slice(root.length) || "/";
  const dir = path.posix.join(mount.mountPoint, path.posix.resolve("/", rel));
  return dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
}

export interface CpuLimit {
  /** Microseconds of CPU time per period; the limit in CPUs is quota/period. */
  quotaUs: number;
  periodUs: number;
  cpus: number;
}

/** `cpu.max`: `max 100000` → null (unlimited); `50000 100000` → 0.5 CPUs; undefined when malformed. */
export function parseCpuMax(text: string): CpuLimit | null | undefined {
  const m = /^(max|\d+)(?:\s+(\d+))?\s*$/.exec(text.trim());
  if (!m) return undefined;
  if (m[1] === "max") return null;
  const quotaUs = Number(m[1]);
  const periodUs = m[2] !== undefined ? Number(m[2]) : 100000;
  if (!(periodUs > 0) || !(quotaUs > 0)) return undefined;
  return { quotaUs, periodUs, cpus: quotaUs / periodUs };
}

/** v1: `cpu.cfs_quota_us` (-1 = unlimited) and `cpu.cfs_period_us`. */
export function parseCfs(quotaText: string, periodText: string): CpuLimit | null | undefined {
  const q = quotaText.trim();
  const p = periodText.trim();
  if (!/^-?\d+$/.test(q) || !/^\d+$/.test(p)) return undefined;
  const quotaUs = Number(q);
  const periodUs = Number(p);
  if (quotaUs < 0) return null;
  if (quotaUs === 0 || periodUs === 0) return undefined;
  return { quotaUs, periodUs, cpus: quotaUs / periodUs };
}
