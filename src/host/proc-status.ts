/**
 * `/proc/<pid>/status` fields the host checks use (proc(5)): Seccomp, Seccomp_filters, NoNewPrivs,
 * Cap{Inh,Prm,Eff,Bnd,Amb}, Cpus_allowed_list, Uid. Never throws; unknown or malformed lines are ignored.
 */
export function statusFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const k = line.slice(0, colon).trim();
    if (!out.has(k)) out.set(k, line.slice(colon + 1).trim());
  }
  return out;
}

/**
 * Parses a kernel CPU list (`0-3,8,10-11`) into its size; undefined when malformed or absurd
 * (more than 1 << 20 CPUs).
 */
export function cpuListSize(list: string): number | undefined {
  const t = list.trim();
  if (t === "") return 0;
  let n = 0;
  for (const part of t.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a) return undefined;
    n += b - a + 1;
    if (n > 1 << 20) return undefined;
  }
  return n;
}
