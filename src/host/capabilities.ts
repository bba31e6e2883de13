/**
 * Linux capability numbers → names, as defined in the kernel's `include/uapi/linux/capability.h`
 * (https://github.com/torvalds/linux/blob/master/include/uapi/linux/capability.h; checked against the
 * copy on this machine, Debian linux-libc-dev 6.1, where `CAP_LAST_CAP` is `CAP_CHECKPOINT_RESTORE` = 40).
 * Numbers are ABI and never reused, so a bit above the table is shown as `CAP_<n>`, never guessed.
 */
export const CAPABILITIES: readonly string[] = [
  "CAP_CHOWN", // 0
  "CAP_DAC_OVERRIDE", // 1
  "CAP_DAC_READ_SEARCH", // 2
  "CAP_FOWNER", // 3
  "CAP_FSETID", // 4
  "CAP_KILL", // 5
  "CAP_SETGID", // 6
  "CAP_SETUID", // 7
  "CAP_SETPCAP", // 8
  "CAP_LINUX_IMMUTABLE", // 9
  "CAP_NET_BIND_SERVICE", // 10
  "CAP_NET_BROADCAST", // 11
  "CAP_NET_ADMIN", // 12
  "CAP_NET_RAW", // 13
  "CAP_IPC_LOCK", // 14
  "CAP_IPC_OWNER", // 15
  "CAP_SYS_MODULE", // 16
  "CAP_SYS_RAWIO", // 17
  "CAP_SYS_CHROOT", // 18
  "CAP_SYS_PTRACE", // 19
  "CAP_SYS_PACCT", // 20
  "CAP_SYS_ADMIN", // 21
  "CAP_SYS_BOOT", // 22
  "CAP_SYS_NICE", // 23
  "CAP_SYS_RESOURCE", // 24
  "CAP_SYS_TIME", // 25
  "CAP_SYS_TTY_CONFIG", // 26
  "CAP_MKNOD", // 27
  "CAP_LEASE", // 28
  "CAP_AUDIT_WRITE", // 29
  "CAP_AUDIT_CONTROL", // 30
  "CAP_SETFCAP", // 31
  "CAP_MAC_OVERRIDE", // 32
  "CAP_MAC_ADMIN", // 33
  "CAP_SYSLOG", // 34
  "CAP_WAKE_ALARM", // 35
  "CAP_BLOCK_SUSPEND", // 36
  "CAP_AUDIT_READ", // 37
  "CAP_PERFMON", // 38
  "CAP_BPF", // 39
  "CAP_CHECKPOINT_RESTORE", // 40
];

/**
 * Capabilities that amount to (or easily lead to) full root on the host or escape from a container;
 * none of them is in Docker's default set. Sources: capabilities(7) ("CAP_SYS_ADMIN: the new root"),
 * Kubernetes Pod Security Standards "Capabilities" (restricted allows only NET_BIND_SERVICE).
 */
export const DANGEROUS_CAPABILITIES: ReadonlySet<string> = new Set([
  "CAP_SYS_ADMIN",
  "CAP_SYS_MODULE",
  "CAP_SYS_PTRACE",
  "CAP_SYS_RAWIO",
  "CAP_DAC_READ_SEARCH",
  "CAP_NET_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_TIME",
  "CAP_MAC_ADMIN",
  "CAP_MAC_OVERRIDE",
  "CAP_BPF",
  "CAP_PERFMON",
  "CAP_CHECKPOINT_RESTORE",
  "CAP_SYSLOG",
]);

/**
 * Decodes a `/proc/<pid>/status` capability mask (`CapEff:\t000001fffeffffff`) into names, lowest bit
 * first. Returns undefined when the text is not a hexadecimal mask.
 */
export function decodeCapabilities(hex: string): string[] | undefined {
  const t = hex.trim();
  if (!/^[0-9a-fA-F]{1,32}$/.test(t)) return undefined;
  let mask = BigInt(`0x${t}`);
  const names: string[] = [];
  for (let bit = 0; mask > 0n; bit++, mask >>= 1n) {
    if (mask & 1n) names.push(CAPABILITIES[bit] ?? `CAP_${bit}`);
  }
  return names;
}
