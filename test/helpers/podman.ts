/**
 * `podman run` flags this kind of host needs (see issue 5): runc, since crun fails on the hybrid cgroup v1
 * layout; no network; ulimits below the machine's hard limit (CAP_SYS_RESOURCE is absent).
 */
export const PODMAN_RUN_FLAGS: readonly string[] = [
  "--runtime",
  "runc",
  "--network",
  "none",
  "--ulimit",
  "nofile=20000:20000",
  "--ulimit",
  "nproc=32768:32768",
];
