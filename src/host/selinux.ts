/**
 * ENVT-HOST-003: SELinux mode (selinuxfs `enforce`, `/etc/selinux/config`) and, when SELinux is present,
 * the security contexts of the Go directories (GOROOT, GOPATH, GOCACHE) and of the target process
 * (`/proc/<pid>/attr/current`). "Not present" when neither selinuxfs nor a config exists.
 *
 * File contexts are the `security.selinux` xattr, which Node cannot read without a native addon: see
 * xattr.ts for how they are read (getfattr on a real root, a sidecar file on fixture roots).
 */
import type { CollectionIssue, Finding } from "../model/index.js";
import { issueFromError } from "../snapshot/host-fs.js";
import { parseMountinfo } from "./cgroup-fs.js";
import { hostFinding } from "./finding.js";
import { defineHostCheck, type HostMessage } from "./types.js";

const MESSAGES = {
  "selinux.permissive": {
    severity: "medium",
    remediation:
      "switch to enforcing (`setenforce 1`, and SELINUX=enforcing in /etc/selinux/config) after fixing the denials permissive mode has been logging",
  },
  "selinux.config-mismatch": {
    severity: "low",
    remediation:
      "make the running mode and /etc/selinux/config agree, or the host changes mode at the next boot",
  },
  "selinux.disabled": {
    severity: "low",
    remediation:
      "enable SELinux (SELINUX=enforcing) if the platform's policy requires mandatory access control",
  },
  "selinux.unlabeled-path": {
    severity: "low",
    remediation:
      "relabel the directory (`restorecon -Rv DIR`) or add a file-context rule (`semanage fcontext`) for it",
  },
} satisfies Record<string, HostMessage>;

/** Parses `/etc/selinux/config` (`KEY=value` lines, `#` comments). */
export function parseSelinuxConfig(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim().toUpperCase()] = line
      .slice(eq + 1)
      .trim()
      .replace(/^["']|["']$/g, "");
  }
  return out;
}

/** The type field of a context `user:role:type:level` (the level may itself contain `:`). */
export function contextType(ctx: string): string | undefined {
  return ctx.split(":")[2];
}

export const selinuxCheck = defineHostCheck({
  meta: {
    id: "ENVT-HOST-003",
    dimension: "selinux",
    title: "SELinux mode and the contexts of the Go directories",
    description:
      "Reads the SELinux mode from selinuxfs and /etc/selinux/config and, when SELinux is present, the security.selinux contexts of GOROOT, GOPATH and GOCACHE.",
    references: [
      "https://man7.org/linux/man-pages/man8/selinux.8.html",
      "https://man7.org/linux/man-pages/man5/selinux_config.5.html",
    ],
  },
  async run(ctx) {
    const issues: CollectionIssue[] = [];
    const findings: Finding[] = [];
    const read = async (p: string): Promise<string | undefined> => {
      try {
        return await ctx.fs.readTextIfExists(p, 64 * 1024);
      } catch (err) {
        issues.push(issueFromError(p, err));
        return undefined;
      }
    };
    // selinuxfs is usually at /sys/fs/selinux (older systems: /selinux); mountinfo says where.
    let fsMount: string | undefined;
    const mi = await read("/proc/self/mountinfo");
    if (mi !== undefined) fsMount = parseMountinfo(mi).find((m) => m.fsType === "selinuxfs")?.mountPoint;
    const enforceFile = `${fsMount ?? "/sys/fs/selinux"}/enforce`;
    const enforce = (await read(enforceFile))?.trim();
    const configText = await read("/etc/selinux/config");
    const config = configText !== undefined ? parseSelinuxConfig(configText) : undefined;
    const configured = config?.SELINUX?.toLowerCase();
    const present = enforce === "0" || enforce === "1";
    const mode = present
      ? enforce === "1"
        ? "enforcing"
        : "permissive"
      : configured === "disabled"
        ? "disabled"
        : undefined;
    const facts: Record<string, unknown> = {
      present,
      mode: mode ?? "not present",
      selinuxfs: present ? (fsMount ?? "/sys/fs/selinux") : null,
      config: config ? { SELINUX: config.SELINUX ?? null, SELINUXTYPE: config.SELINUXTYPE ?? null } : null,
    };
    const subject = "host";
    if (present && enforce === "0") {
      findings.push(
        hostFinding(
          this.meta,
          "selinux.permissive",
          MESSAGES["selinux.permissive"],
          "SELinux is permissive: denials are logged, not enforced",
          subject,
        ),
      );
    }
    if (present && configured && configured !== mode && configured !== "disabled") {
      findings.push(
        hostFinding(
          this.meta,
          "selinux.config-mismatch",
          MESSAGES["selinux.config-mismatch"],
          `SELinux runs ${mode} but /etc/selinux/config says ${configured}`,
          subject,
        ),
      );
    }
    if (!present && configured && configured !== "disabled") {
      findings.push(
        hostFinding(
          this.meta,
          "selinux.config-mismatch",
          MESSAGES["selinux.config-mismatch"],
          `/etc/selinux/config says ${configured} but no SELinux policy is loaded (selinuxfs absent)`,
          subject,
        ),
      );
    }
    if (configured === "disabled" && !present) {
      findings.push(
        hostFinding(
          this.meta,
          "selinux.disabled",
          MESSAGES["selinux.disabled"],
          "SELinux is disabled in /etc/selinux/config",
          subject,
        ),
      );
    }
    if (!present) {
      return { summary: mode ?? "not present", facts, findings, issues };
    }
    // Process context: /proc/<pid>/attr/current (attr/current is readable without privileges).
    const procCtx = (await read(`/proc/${ctx.pid}/attr/current`))?.replace(/\0+$/, "").trim();
    if (procCtx) facts.processContext = procCtx;
    const contexts: Record<string, { path: string; context: string | null }> = {};
    for (const [name, p] of Object.entries(await ctx.goPaths())) {
      const c = await ctx.selinuxContext(p);
      contexts[name] = { path: p, context: c ?? null };
      const type = c ? contextType(c) : undefined;
      if (type === "unlabeled_t" || type === "default_t" || type === "file_t") {
        findings.push(
          hostFinding(
            this.meta,
            "selinux.unlabeled-path",
            MESSAGES["selinux.unlabeled-path"],
            `${name} (${p}) has SELinux type ${type}: policy rules for its normal type do not apply`,
            subject,
            name,
          ),
        );
      }
    }
    facts.goContexts = contexts;
    return { summary: `${mode}${procCtx ? `, process ${procCtx}` : ""}`, facts, findings, issues };
  },
});
