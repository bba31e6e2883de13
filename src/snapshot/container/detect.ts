/**
 * Is a process in a container, and which one? From the host: the process or an ancestor is a container
 * runtime program (runc, crun, conmon, containerd-shim*), its cgroup path names a container id, or its mount
 * namespace differs from init's. From inside: `/.dockerenv`, `/run/.containerenv`, `container=`, cgroup.
 */
import type { ProcessSnapshot } from "../../model/index.js";
import type { HostFs } from "../host-fs.js";
import { readRegularText } from "./bundle.js";

/** Programs that start container processes (the container's PID 1 is their child on the host). */
export function isRuntimeProgram(name: string): boolean {
  return (
    name === "conmon" ||
    name === "runc" ||
    name === "crun" ||
    name === "youki" ||
    name.startsWith("containerd-shim") ||
    name.startsWith("runc:[")
  );
}

function progName(p: ProcessSnapshot): string {
  return p.info.exe?.split("/").pop() ?? p.info.cmdline[0]?.split("/").pop() ?? p.info.comm;
}

/**
 * `fn` computed once per argument object. A scan asks the questions below of every ancestor of every
 * process; the snapshots (and their cgroup lists) are shared by all the chains they appear in.
 */
function oncePer<K extends object, V>(fn: (k: K) => V): (k: K) => V {
  const cache = new WeakMap<K, V>();
  return (k) => {
    if (cache.has(k)) return cache.get(k) as V;
    const v = fn(k);
    cache.set(k, v);
    return v;
  };
}

const runtimeSnapshot = oncePer(
  (p: ProcessSnapshot) => isRuntimeProgram(progName(p)) || isRuntimeProgram(p.info.comm),
);

export function isRuntimeProcess(p: ProcessSnapshot | null | undefined): boolean {
  return !!p && runtimeSnapshot(p);
}

export interface CgroupContainer {
  id: string;
  /** What the path says about the manager: `podman` (libpod-), `docker`, `containerd`, `crio`, or unknown. */
  manager?: "podman" | "docker" | "containerd" | "crio" | "kubepods";
}

const CGROUP_PATTERNS: ReadonlyArray<[RegExp, CgroupContainer["manager"]]> = [
  [/libpod-(?:conmon-)?([0-9a-f]{64})(?:\.scope)?/, "podman"],
  [/docker-([0-9a-f]{64})\.scope/, "docker"],
  [/\/docker\/([0-9a-f]{64})/, "docker"],
  [/cri-containerd-([0-9a-f]{64})\.scope/, "containerd"],
  [/crio-(?:conmon-)?([0-9a-f]{64})\.scope/, "crio"],
  [/kubepods[^\n]*\/([0-9a-f]{64})(?:\/|$)/, "kubepods"],
  [/(?:^|\/)([0-9a-f]{64})(?:\.scope)?(?:\/|$)/, undefined],
];

/** The container id in `/proc/<pid>/cgroup` lines, if a path names one. */
export function containerFromCgroup(lines: readonly string[]): CgroupContainer | undefined {
  return cgroupContainer(lines);
}

const cgroupContainer = oncePer(parseCgroupContainer);

function parseCgroupContainer(lines: readonly string[]): CgroupContainer | undefined {
  for (const line of lines) {
    const path = line.split(":").slice(2).join(":");
    // conmon's own cgroup is `libpod-conmon-<id>`: it is not inside the container.
    if (/libpod-conmon-|crio-conmon-/.test(path)) continue;
    for (const [re, manager] of CGROUP_PATTERNS) {
      const m = re.exec(path);
      if (m?.[1]) return manager ? { id: m[1], manager } : { id: m[1] };
    }
  }
  return undefined;
}

/** What the runtime process's command line says: container id, bundle, containerd namespace. */
export interface RuntimeArgs {
  program: string;
  id?: string;
  bundle?: string;
  namespace?: string;
  /** conmon: `-r`/`--runtime` path; `--runtime-arg --root=…`: the runtime's state root. */
  runtimeRoot?: string;
  runtime?: string;
}

function optValue(argv: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    for (const n of names) {
      if (a === n) return argv[i + 1];
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

/** Parses the argv of conmon / runc / crun / containerd-shim for what identifies the container. */
export function runtimeArgs(p: ProcessSnapshot): RuntimeArgs {
  const argv = p.info.cmdline;
  const program = progName(p);
  const out: RuntimeArgs = { program };
  if (program === "conmon") {
    const id = optValue(argv, ["-c", "--cid"]);
    if (id) out.id = id;
    const b = optValue(argv, ["-b", "--bundle"]);
    if (b) out.bundle = b;
    const r = optValue(argv, ["-r", "--runtime"]);
    if (r) out.runtime = r;
    const ra = argv.find((a) => a.startsWith("--root="));
    if (ra) out.runtimeRoot = ra.slice("--root=".length);
    const ri = argv.indexOf("--root");
    if (!ra && ri >= 0 && argv[ri + 1]) out.runtimeRoot = argv[ri + 1];
  } else if (program.startsWith("containerd-shim")) {
    const id = optValue(argv, ["-id", "--id"]);
    if (id) out.id = id;
    const ns = optValue(argv, ["-namespace", "--namespace"]);
    if (ns) out.namespace = ns;
  } else {
    // runc/crun [global opts] run|create [-b BUNDLE] [opts] ID
    const b = optValue(argv, ["-b", "--bundle"]);
    if (b) out.bundle = b;
    const root = optValue(argv, ["--root"]);
    if (root) out.runtimeRoot = root;
    const verb = argv.findIndex((a) => a === "run" || a === "create");
    if (verb >= 0) {
      const withValue = new Set(["-b", "--bundle", "--pid-file", "--console-socket", "--preserve-fds"]);
      for (let i = verb + 1; i < argv.length; i++) {
        const a = argv[i]!;
        if (withValue.has(a)) {
          i++;
          continue;
        }
        if (a.startsWith("-")) continue;
        out.id = a;
      }
    }
  }
  return out;
}

/** Where in a host-side ancestry the container starts. */
export interface ContainerBoundary {
  /** Index in the chain of the container's first process (its PID 1 on the host). */
  index: number;
  /** The runtime process that started it, when still alive. */
  runtime?: ProcessSnapshot;
  id?: string;
  evidence: string[];
}

/**
 * Finds the container boundary in an ancestry (outermost first), without I/O: the first process whose parent
 * is a runtime program, or the first whose cgroup names a container its parent is not in. Every container
 * resolver asks for the same chain: computed once per chain.
 */
export function containerBoundary(chain: readonly ProcessSnapshot[]): ContainerBoundary | undefined {
  return chainBoundary(chain);
}

const chainBoundary = oncePer(findBoundary);

function findBoundary(chain: readonly ProcessSnapshot[]): ContainerBoundary | undefined {
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1]!;
    const p = chain[i]!;
    if (isRuntimeProcess(p)) continue;
    if (isRuntimeProcess(parent)) {
      const args = runtimeArgs(parent);
      const fromCgroup = containerFromCgroup(p.info.cgroup);
      // One containerd shim serves a whole pod and is named after the sandbox: the cgroup names the container.
      const id = args.program.startsWith("containerd-shim")
        ? (fromCgroup?.id ?? args.id)
        : (args.id ?? fromCgroup?.id);
      const b: ContainerBoundary = {
        index: i,
        runtime: parent,
        evidence: [`parent ${parent.info.comm} (pid ${parent.info.pid}) is a container runtime`],
      };
      if (id) b.id = id;
      return b;
    }
    const c = containerFromCgroup(p.info.cgroup);
    if (c && containerFromCgroup(parent.info.cgroup)?.id !== c.id) {
      return { index: i, id: c.id, evidence: [`cgroup path names container ${c.id.slice(0, 12)}`] };
    }
  }
  return undefined;
}

/** Host-side detection with I/O: adds the mount-namespace test to {@link containerBoundary}. */
export async function detectFromHost(
  fs: HostFs,
  chain: readonly ProcessSnapshot[],
  procRoot = "/proc",
): Promise<(ContainerBoundary & { mountNamespace?: string }) | undefined> {
  const b = containerBoundary(chain);
  const subject = chain[chain.length - 1];
  if (!subject) return b;
  const link = (p: string) => fs.readlink(p).catch(() => undefined);
  const ns = await link(`${procRoot}/${subject.info.pid}/ns/mnt`);
  // init's namespace is the host's; where init is out of reach (a sandbox), envtrace's own stands in.
  const initNs = (await link(`${procRoot}/1/ns/mnt`)) ?? (await link(`${procRoot}/self/ns/mnt`));
  if (b) return ns ? { ...b, mountNamespace: ns } : b;
  if (ns && initNs && ns !== initNs) {
    // Walk up to the outermost process still in the subject's namespace.
    let index = chain.length - 1;
    for (let i = chain.length - 2; i >= 0; i--) {
      const other = await link(`${procRoot}/${chain[i]!.info.pid}/ns/mnt`);
      if (other !== ns) break;
      index = i;
    }
    return {
      index,
      mountNamespace: ns,
      evidence: [`mount namespace ${ns} differs from the host's ${initNs}`],
    };
  }
  return undefined;
}

/** What a process can tell about its own container from the inside. */
export interface InsideDetection {
  inContainer: boolean;
  engine?: "docker" | "podman" | "oci" | string;
  id?: string;
  name?: string;
  image?: string;
  evidence: string[];
}

/** Detection from inside: `/.dockerenv`, `/run/.containerenv` (podman: name=, id=, image=), `container=`, cgroup. */
export async function detectInside(
  fs: HostFs,
  env: NodeJS.ProcessEnv,
  selfPid: number | "self" = "self",
): Promise<InsideDetection> {
  const out: InsideDetection = { inContainer: false, evidence: [] };
  try {
    await fs.stat("/.dockerenv");
    out.inContainer = true;
    out.engine = "docker";
    out.evidence.push("/.dockerenv exists");
  } catch {
    // absent
  }
  let containerenv: string | undefined;
  try {
    containerenv = await readRegularText(fs, "/run/.containerenv", 64 * 1024);
  } catch {
    containerenv = undefined;
  }
  if (containerenv !== undefined) {
    out.inContainer = true;
    out.engine = "podman";
    out.evidence.push("/run/.containerenv exists");
    for (const line of containerenv.split("\n")) {
      const m = /^(\w+)="?(.*?)"?$/.exec(line);
      if (!m) continue;
      if (m[1] === "id" && m[2]) out.id = m[2];
      if (m[1] === "name" && m[2]) out.name = m[2];
      if (m[1] === "image" && m[2]) out.image = m[2];
      if (m[1] === "engine" && m[2]?.startsWith("podman")) out.engine = "podman";
    }
  }
  if (env.container) {
    out.inContainer = true;
    out.engine ??= env.container;
    out.evidence.push("the container variable is set");
  }
  try {
    const cg = (await fs.readFile(`/proc/${selfPid}/cgroup`)).toString("utf8").split("\n");
    const c = containerFromCgroup(cg);
    if (c) {
      out.inContainer = true;
      out.id ??= c.id;
      out.evidence.push(`cgroup path names container ${c.id.slice(0, 12)}`);
    }
  } catch {
    // no procfs
  }
  return out;
}
