/**
 * ENVT-HOST-006: per-process hardening of the target pid, from `/proc/<pid>/status` (proc(5)):
 * seccomp mode, no_new_privs, and the capability sets decoded to names (capabilities.ts).
 */
import type { Finding } from "../model/index.js";
import { issueFromError } from "../snapshot/host-fs.js";
import { DANGEROUS_CAPABILITIES, decodeCapabilities } from "./capabilities.js";
import { hostFinding } from "./finding.js";
import { statusFields } from "./proc-status.js";
import { defineHostCheck, type HostMessage } from "./types.js";

const SECCOMP_MODES: Record<string, string> = { "0": "disabled", "1": "strict", "2": "filter" };

const MESSAGES = {
  "hardening.no-seccomp": {
    severity: "medium",
    remediation:
      "run the service with a seccomp filter: systemd SystemCallFilter=@system-service, Docker's default profile (do not pass --security-opt seccomp=unconfined), or Kubernetes securityContext.seccompProfile.type: RuntimeDefault",
  },
  "hardening.no-new-privs-off": {
    severity: "low",
    remediation:
      "set no_new_privs so that setuid binaries and file capabilities cannot raise privileges: systemd NoNewPrivileges=yes, docker --security-opt no-new-privileges, Kubernetes allowPrivilegeEscalation: false",
  },
  "hardening.dangerous-capabilities": {
    severity: "high",
    remediation:
      "drop every capability the program does not need (systemd CapabilityBoundingSet=, docker --cap-drop ALL --cap-add …, Kubernetes securityContext.capabilities.drop: [ALL]); run as a non-root user",
  },
  "hardening.ambient-capabilities": {
    severity: "medium",
    remediation:
      "ambient capabilities pass to every program this process executes; grant them only to a dedicated service binary (systemd AmbientCapabilities=) and drop them elsewhere",
  },
} satisfies Record<string, HostMessage>;

export const hardeningCheck = defineHostCheck({
  meta: {
    id: "ENVT-HOST-006",
    dimension: "hardening",
    title: "Process hardening: seccomp, no_new_privs, capabilities",
    description:
      "Reads Seccomp, NoNewPrivs and the capability sets of the target process from /proc/<pid>/status and decodes CapEff to capability names.",
    references: [
      "https://man7.org/linux/man-pages/man7/capabilities.7.html",
      "https://docs.kernel.org/userspace-api/seccomp_filter.html",
      "https://docs.kernel.org/userspace-api/no_new_privs.html",
      "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
    ],
  },
  async run(ctx) {
    const subject = `pid ${ctx.pid}`;
    const file = `/proc/${ctx.pid}/status`;
    let text: string;
    try {
      text = (await ctx.fs.readFile(file)).toString("utf8");
    } catch (err) {
      return {
        summary: "unknown (status unreadable)",
        status: "unknown",
        facts: {},
        findings: [],
        issues: [issueFromError(file, err)],
      };
    }
    const f = statusFields(text);
    const findings: Finding[] = [];
    const issues = [];
    const facts: Record<string, unknown> = { pid: ctx.pid };
    const seccomp = f.get("Seccomp");
    if (seccomp !== undefined) {
      facts.seccomp = SECCOMP_MODES[seccomp] ?? `unknown (${seccomp})`;
      const filters = f.get("Seccomp_filters");
      if (filters !== undefined && /^\d+$/.test(filters)) facts.seccompFilters = Number(filters);
      if (seccomp === "0") {
        findings.push(
          hostFinding(
            this.meta,
            "hardening.no-seccomp",
            MESSAGES["hardening.no-seccomp"],
            `pid ${ctx.pid} runs without a seccomp filter`,
            subject,
          ),
        );
      }
    } else {
      issues.push({
        subject: file,
        code: "UNSUPPORTED" as const,
        detail: "no Seccomp line (kernel built without CONFIG_SECCOMP?)",
      });
    }
    const nnp = f.get("NoNewPrivs");
    if (nnp !== undefined) {
      facts.noNewPrivs = nnp === "1";
      if (nnp === "0") {
        findings.push(
          hostFinding(
            this.meta,
            "hardening.no-new-privs-off",
            MESSAGES["hardening.no-new-privs-off"],
            `pid ${ctx.pid} may gain privileges through setuid programs (NoNewPrivs 0)`,
            subject,
          ),
        );
      }
    }
    const caps: Record<string, { hex: string; names: string[] }> = {};
    for (const set of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]) {
      const hex = f.get(set);
      if (hex === undefined) continue;
      const names = decodeCapabilities(hex);
      if (!names) {
        issues.push({
          subject: file,
          code: "PARSE" as const,
          detail: `${set} is not a hexadecimal capability mask`,
        });
        continue;
      }
      caps[set] = { hex, names };
    }
    facts.capabilities = caps;
    const eff = caps.CapEff?.names ?? [];
    const dangerous = eff.filter((c) => DANGEROUS_CAPABILITIES.has(c));
    if (dangerous.length > 0) {
      findings.push(
        hostFinding(
          this.meta,
          "hardening.dangerous-capabilities",
          MESSAGES["hardening.dangerous-capabilities"],
          `pid ${ctx.pid} holds ${dangerous.length} powerful capabilities in CapEff: ${dangerous.join(", ")}`,
          subject,
          dangerous.join(","),
        ),
      );
    }
    const amb = caps.CapAmb?.names ?? [];
    if (amb.length > 0) {
      findings.push(
        hostFinding(
          this.meta,
          "hardening.ambient-capabilities",
          MESSAGES["hardening.ambient-capabilities"],
          `pid ${ctx.pid} has ambient capabilities: ${amb.join(", ")}`,
          subject,
          amb.join(","),
        ),
      );
    }
    const summary = [
      `seccomp ${String(facts.seccomp ?? "?")}`,
      `NoNewPrivs ${nnp ?? "?"}`,
      `CapEff ${eff.length} capabilit${eff.length === 1 ? "y" : "ies"}`,
    ].join(", ");
    return { summary, facts, findings, issues };
  },
});
