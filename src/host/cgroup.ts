/**
 * ENVT-HOST-002: the cgroup layout (v1, hybrid, v2), the CPU bandwidth limit and cpuset of the target
 * process's cgroup, and what the Go runtime will pick as GOMAXPROCS there.
 *
 * Go < 1.25 sets GOMAXPROCS to the CPUs in the scheduler affinity mask (which a cpuset narrows) and ignores
 * the CPU quota. Go ≥ 1.25 (when the main module declares go ≥ 1.25; GODEBUG containermaxprocs) takes
 * min(affinity, max(2, ceil(quota/period))) of the *leaf* cgroup only (runtime/cgroup_linux.go
 * `defaultGOMAXPROCS`; golang/go#81180 for tighter ancestor limits). An explicit GOMAXPROCS wins always.
 */
import * as path from "node:path";
import type { CollectionIssue, Finding } from "../model/index.js";
import { parseEnviron } from "../snapshot/environ.js";
import { type HostFs, issueFromError } from "../snapshot/host-fs.js";
import {
  type CgroupLayout,
  type CpuLimit,
  cgroupDir,
  cgroupLayout,
  cgroupMounts,
  type MountEntry,
  parseCfs,
  parseCpuMax,
  parseMountinfo,
  parseProcCgroup,
  parseProcMounts,
  v1Controllers,
} from "./cgroup-fs.js";
import { hostFinding } from "./finding.js";
import { goLabel, honoursCgroupLimit } from "./go-release.js";
import { cpuListSize, statusFields } from "./proc-status.js";
import { defineHostCheck, type HostMessage } from "./types.js";

const MESSAGES = {
  "cgroup.gomaxprocs-exceeds-quota": {
    severity: "medium",
    remediation:
      "set GOMAXPROCS to the CPU limit rounded down (at least 1) in the service's environment, or build with Go ≥ 1.25 (go.mod `go 1.25`), whose runtime follows the cgroup CPU limit",
  },
  "cgroup.env-gomaxprocs-exceeds-quota": {
    severity: "medium",
    remediation:
      "lower GOMAXPROCS to the CPU limit rounded down, or remove it to let Go ≥ 1.25 follow the limit",
  },
  "cgroup.ancestor-limit-ignored": {
    severity: "low",
    remediation:
      "set the CPU limit on the process's own (leaf) cgroup, or set GOMAXPROCS explicitly: the Go runtime reads only the leaf cgroup's limit",
    references: [
      "https://github.com/golang/go/issues/81180",
      "https://go.dev/doc/go1.25#container-aware-gomaxprocs",
    ],
  },
} satisfies Record<string, HostMessage>;

interface LimitAt extends CpuLimit {
  dir: string;
}

async function readText(fs: HostFs, p: string, issues: CollectionIssue[]): Promise<string | undefined> {
  try {
    return await fs.readTextIfExists(p, 64 * 1024);
  } catch (err) {
    issues.push(issueFromError(p, err));
    return undefined;
  }
}

/** The limit in one cgroup directory: a limit, null (unlimited), or undefined (no limit file here). */
async function limitIn(
  fs: HostFs,
  version: "v1" | "v2",
  dir: string,
  issues: CollectionIssue[],
): Promise<CpuLimit | null | undefined> {
  if (version === "v2") {
    const t = await readText(fs, `${dir}/cpu.max`, issues);
    if (t === undefined) return undefined;
    const l = parseCpuMax(t);
    if (l === undefined)
      issues.push({ subject: `${dir}/cpu.max`, code: "PARSE", detail: "not `max|QUOTA PERIOD`" });
    return l;
  }
  const q = await readText(fs, `${dir}/cpu.cfs_quota_us`, issues);
  const p = await readText(fs, `${dir}/cpu.cfs_period_us`, issues);
  if (q === undefined || p === undefined) return undefined;
  const l = parseCfs(q, p);
  if (l === undefined)
    issues.push({ subject: `${dir}/cpu.cfs_quota_us`, code: "PARSE", detail: "not a number" });
  return l;
}

export const cgroupCheck = defineHostCheck({
  meta: {
    id: "ENVT-HOST-002",
    dimension: "cgroup",
    title: "cgroup layout, CPU limit and cpuset vs GOMAXPROCS",
    description:
      "Detects cgroup v1, hybrid or v2 from mountinfo, reads the target process's CPU quota and cpuset, and predicts the GOMAXPROCS the Go runtime will choose.",
    references: [
      "https://go.dev/doc/go1.25#container-aware-gomaxprocs",
      "https://docs.kernel.org/admin-guide/cgroup-v2.html#cpu-interface-files",
      "https://docs.kernel.org/scheduler/sched-bwc.html",
      "https://man7.org/linux/man-pages/man7/cgroups.7.html",
    ],
  },
  async run(ctx) {
    const issues: CollectionIssue[] = [];
    const findings: Finding[] = [];
    const subject = `pid ${ctx.pid}`;
    let mounts: MountEntry[] = [];
    const mi = await readText(ctx.fs, "/proc/self/mountinfo", issues);
    if (mi !== undefined) mounts = parseMountinfo(mi);
    else {
      const pm = await readText(ctx.fs, "/proc/mounts", issues);
      if (pm !== undefined) mounts = parseProcMounts(pm);
      else issues.push({ subject: "/proc/self/mountinfo", code: "ENOENT", detail: "no mount table to read" });
    }
    const layout: CgroupLayout = cgroupLayout(mounts);
    const { v1, v2 } = cgroupMounts(mounts);
    const facts: Record<string, unknown> = {
      layout,
      mounts: [
        ...v1.map((m) => ({ version: "v1", mountPoint: m.mountPoint, controllers: v1Controllers(m) })),
        ...v2.map((m) => ({ version: "v2", mountPoint: m.mountPoint })),
      ],
    };
    const cgText = await readText(ctx.fs, `/proc/${ctx.pid}/cgroup`, issues);
    const membership = cgText !== undefined ? parseProcCgroup(cgText) : [];
    if (cgText === undefined)
      issues.push({
        subject: `/proc/${ctx.pid}/cgroup`,
        code: "ENOENT",
        detail: "the process's cgroups are unknown",
      });

    // Which hierarchy carries the cpu controller: a v1 mount with `cpu`, else the v2 hierarchy.
    const cpuV1 = v1.find((m) => m.superOptions.includes("cpu"));
    const unified = membership.find((c) => c.hierarchy === "0" && c.controllers.length === 0);
    let cpuVersion: "v1" | "v2" | undefined;
    let cpuMount: MountEntry | undefined;
    let cgPath: string | undefined;
    if (cpuV1) {
      cpuVersion = "v1";
      cpuMount = cpuV1;
      cgPath = membership.find((c) => c.controllers.includes("cpu"))?.path;
    } else if (v2[0] && unified) {
      cpuVersion = "v2";
      cpuMount = v2[0];
      cgPath = unified.path;
    }
    let leaf: LimitAt | null = null;
    let effective: LimitAt | null = null;
    if (cpuVersion && cpuMount && cgPath !== undefined) {
      const leafDir = cgroupDir(cpuMount, cgPath);
      const cpuFacts: Record<string, unknown> = { version: cpuVersion, cgroup: cgPath, dir: leafDir };
      // Walk from the leaf up to the mount point: the kernel enforces the tightest limit on the way.
      let dir = leafDir;
      for (let depth = 0; depth < 256; depth++) {
        const l = await limitIn(ctx.fs, cpuVersion, dir, issues);
        if (l) {
          const at = { ...l, dir };
          if (depth === 0) leaf = at;
          if (!effective || at.cpus < effective.cpus) effective = at;
        }
        if (dir === cpuMount.mountPoint || dir === "/" || !dir.startsWith(cpuMount.mountPoint)) break;
        dir = path.posix.dirname(dir);
      }
      cpuFacts.leafLimit = leaf ? { quotaUs: leaf.quotaUs, periodUs: leaf.periodUs, cpus: leaf.cpus } : null;
      cpuFacts.effectiveLimit = effective
        ? {
            quotaUs: effective.quotaUs,
            periodUs: effective.periodUs,
            cpus: effective.cpus,
            dir: effective.dir,
          }
        : null;
      facts.cpu = cpuFacts;
    } else if (layout !== "none") {
      issues.push({
        subject,
        code: "UNAVAILABLE",
        detail: "no cgroup with the cpu controller found for the process",
      });
    }

    // cpuset: v1 cpuset hierarchy, or v2 cpuset.cpus.effective when the controller is enabled.
    const cpusetV1 = v1.find((m) => m.superOptions.includes("cpuset"));
    const cpusetPath = cpusetV1
      ? membership.find((c) => c.controllers.includes("cpuset"))?.path
      : unified?.path;
    const cpusetMount = cpusetV1 ?? v2[0];
    if (cpusetMount && cpusetPath !== undefined) {
      const dir = cgroupDir(cpusetMount, cpusetPath);
      const files = cpusetV1
        ? [`${dir}/cpuset.effective_cpus`, `${dir}/cpuset.cpus`]
        : [`${dir}/cpuset.cpus.effective`];
      for (const f of files) {
        const t = await readText(ctx.fs, f, issues);
        if (t === undefined) continue;
        const n = cpuListSize(t);
        if (n !== undefined) {
          facts.cpuset = { cpus: t.trim(), count: n, file: f };
          break;
        }
      }
    }

    // Affinity (what runtime.NumCPU counts) and online CPUs.
    const status = await readText(ctx.fs, `/proc/${ctx.pid}/status`, issues);
    const allowed = status !== undefined ? statusFields(status).get("Cpus_allowed_list") : undefined;
    const affinity = allowed !== undefined ? cpuListSize(allowed) : undefined;
    const online = await readText(ctx.fs, "/sys/devices/system/cpu/online", issues);
    const onlineCount = online !== undefined ? cpuListSize(online) : undefined;
    if (affinity !== undefined) facts.affinity = { cpus: allowed, count: affinity };
    if (onlineCount !== undefined) facts.onlineCpus = onlineCount;
    const cpusetCount = (facts.cpuset as { count?: number } | undefined)?.count;
    const numCpu = affinity ?? cpusetCount ?? onlineCount;

    // The target's own GOMAXPROCS / GODEBUG (exec-time environment; values are numbers and flags only).
    let envGomaxprocs: number | undefined;
    let containerMaxprocsOff = false;
    try {
      const env = parseEnviron(await ctx.fs.readFile(`/proc/${ctx.pid}/environ`)).env;
      const g = env.get("GOMAXPROCS")?.value;
      if (g !== undefined && /^\d+$/.test(g) && Number(g) > 0) envGomaxprocs = Number(g);
      const dbg = env.get("GODEBUG")?.value ?? "";
      containerMaxprocsOff = /(^|,)containermaxprocs=0(,|$)/.test(dbg);
    } catch (err) {
      issues.push(issueFromError(`/proc/${ctx.pid}/environ`, err));
    }

    if (numCpu !== undefined) {
      const goOld = numCpu;
      const goNew =
        leaf && !containerMaxprocsOff ? Math.min(numCpu, Math.max(2, Math.ceil(leaf.cpus))) : numCpu;
      const gmp: Record<string, unknown> = { numCpu, goBefore125: goOld, go125AndLater: goNew };
      if (envGomaxprocs !== undefined) gmp.explicit = envGomaxprocs;
      if (containerMaxprocsOff) gmp.containermaxprocs = 0;
      const predicted = envGomaxprocs ?? (ctx.go ? (honoursCgroupLimit(ctx.go) ? goNew : goOld) : undefined);
      if (predicted !== undefined) gmp.predicted = predicted;
      facts.gomaxprocs = gmp;
      const limitCpus = effective ? Math.max(1, Math.ceil(effective.cpus - 1e-9)) : undefined;
      if (effective && limitCpus !== undefined) {
        const limitText = `${Number(effective.cpus.toFixed(3))} CPU(s) (${effective.dir})`;
        if (envGomaxprocs !== undefined) {
          if (envGomaxprocs > limitCpus) {
            findings.push(
              hostFinding(
                this.meta,
                "cgroup.env-gomaxprocs-exceeds-quota",
                MESSAGES["cgroup.env-gomaxprocs-exceeds-quota"],
                `GOMAXPROCS=${envGomaxprocs} in the environment of pid ${ctx.pid} exceeds its CPU limit of ${limitText}`,
                subject,
                "GOMAXPROCS",
              ),
            );
          }
        } else if (!ctx.go || !honoursCgroupLimit(ctx.go)) {
          if (goOld > limitCpus) {
            findings.push(
              hostFinding(
                this.meta,
                "cgroup.gomaxprocs-exceeds-quota",
                MESSAGES["cgroup.gomaxprocs-exceeds-quota"],
                `${ctx.go ? goLabel(ctx.go) : "Go < 1.25"} will run GOMAXPROCS=${goOld} in a cgroup limited to ${limitText}: expect CPU throttling`,
                subject,
                "GOMAXPROCS",
              ),
            );
          }
        } else if (goNew > Math.max(2, limitCpus) && effective !== leaf) {
          findings.push(
            hostFinding(
              this.meta,
              "cgroup.ancestor-limit-ignored",
              MESSAGES["cgroup.ancestor-limit-ignored"],
              `${goLabel(ctx.go)} will run GOMAXPROCS=${goNew}: it reads only the leaf cgroup, but an ancestor limits pid ${ctx.pid} to ${limitText}`,
              subject,
              "GOMAXPROCS",
            ),
          );
        }
      }
    }
    const lim = effective ? `CPU limit ${Number(effective.cpus.toFixed(3))}` : "no CPU limit";
    const g = facts.gomaxprocs as
      | { predicted?: number; goBefore125?: number; go125AndLater?: number }
      | undefined;
    const gText = g
      ? g.predicted !== undefined
        ? `, GOMAXPROCS ${g.predicted}`
        : `, GOMAXPROCS ${g.goBefore125} (Go < 1.25) / ${g.go125AndLater} (Go ≥ 1.25)`
      : "";
    // No cgroup mounts, or the process's cgroups unreadable: the CPU limit could not be established.
    const unknown = layout === "none" || membership.length === 0;
    return {
      summary: unknown
        ? `${layout === "none" ? "no cgroup mounts found" : layout}, CPU limit unknown${gText}`
        : `${layout}, ${lim}${gText}`,
      facts,
      findings,
      issues,
      ...(unknown ? { status: "unknown" as const } : {}),
    };
  },
});
