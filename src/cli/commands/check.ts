/**
 * `envtrace check --policy FILE [subjects] [--baseline F] [--write-baseline F] [--k8s-audit-log F]`: the CI
 * gate. The policy, the baseline and the audit log are read and checked before anything is scanned (a bad
 * policy is exit 2 with file:line and the field); then the subjects are explained, the policy applied, and
 * the report written in any format. Exit 0: nothing at or above `--fail-on` (default: the policy's
 * `failOn`, else high); 1: findings; 2: usage, policy or input error.
 *
 * Subjects, combinable: `--pid`/`--all` (host processes), `--container REF`, `--k8s FILE` (manifests),
 * `--go`, `--host`, `--diff A B`; none given: the process that ran envtrace (the CI job's shell).
 */
import { readFile, stat } from "node:fs/promises";
import { Option } from "commander";
import type { Subject } from "../../model/index.js";
import type { AuditIndex, Policy } from "../../policy/index.js";
import { EnvtraceError } from "../errors.js";
import { collectPids } from "../options.js";
import { addOutputOptions, emitReport, makeReport, writeAtomic } from "../output.js";
import type { CliCommand } from "./command.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface CheckOpts {
  policy?: string;
  pid?: number[];
  all?: boolean;
  container?: string[];
  k8s?: string[];
  go?: boolean;
  host?: boolean;
  diff?: string[];
  baseline?: string;
  writeBaseline?: string;
  k8sAuditLog?: string;
  reveal?: boolean;
  root?: string;
}

async function readInput(file: string, flag: string, what: string, max = 256 * 1024 * 1024): Promise<string> {
  try {
    const st = await stat(file);
    if (!st.isFile()) throw Object.assign(new Error(), { code: "EISDIR" });
    if (st.size > max) throw Object.assign(new Error(), { code: "EFBIG" });
    return await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new EnvtraceError("BAD_INPUT", {
      input: `${flag} ${file}`,
      why: `cannot read it (${code}); name ${what}`,
    });
  }
}

export const checkCommand: CliCommand = {
  name: "check",
  register(program, ctx) {
    const { io } = ctx;
    const cmd = program
      .command("check")
      .description(
        "CI gate: explain subjects, apply the built-in checks and a policy (YAML rules with CEL conditions, declarations, ignores), exit 1 on findings at or above --fail-on (default high)",
      )
      .option("--policy <file>", "the policy (YAML); without it only the built-in checks apply")
      .option("-p, --pid <pid,...>", "host processes to check (repeatable)", collectPids)
      .option("-a, --all", "every process on the host")
      .option("--container <ref>", "a container (id or name; repeatable)", collect)
      .option("--k8s <file>", "Kubernetes manifests (repeatable)", collect)
      .option("--go", "the Go toolchain environment (go env)")
      .option("--host", "the host adaptation checks")
      .option("--diff <snapshot>", "two snapshots to compare: --diff A --diff B", collect)
      .option("--baseline <file>", "suppress findings whose fingerprint is in this baseline")
      .option("--write-baseline <file>", "write the fingerprints of this run's findings to FILE (exit 0)")
      .option(
        "--k8s-audit-log <file>",
        "kube-apiserver audit log (JSON lines): who last wrote each Secret/ConfigMap a variable came from, and who read it",
      )
      .option("--reveal", "show secret values in clear (the output says so; rules always see masks)")
      .addOption(new Option("--root <dir>", "inspect a host filesystem mounted at DIR").hideHelp());
    return addOutputOptions(cmd).action(async (o: CheckOpts & Parameters<typeof emitReport>[2]) => {
      if (o.diff && o.diff.length !== 2)
        throw new EnvtraceError("USAGE", { detail: "--diff needs two snapshots: --diff A --diff B" });
      if (o.all && o.pid)
        throw new EnvtraceError("USAGE", { detail: "give either --all or --pid, not both" });
      if (o.baseline && o.writeBaseline && o.baseline === o.writeBaseline)
        throw new EnvtraceError("USAGE", { detail: "--baseline and --write-baseline name the same file" });
      // Everything that can be wrong with the inputs is found before the scan.
      const policyMod = await import("../../policy/index.js");
      let policy: Policy | undefined;
      if (o.policy) policy = policyMod.loadPolicyFile(o.policy);
      let baseline: Set<string> | undefined;
      if (o.baseline) {
        const text = await readInput(o.baseline, "--baseline", "a baseline written by --write-baseline");
        try {
          baseline = policyMod.parseBaseline(text);
        } catch (err) {
          throw new EnvtraceError("BAD_INPUT", {
            input: `--baseline ${o.baseline}`,
            why: (err as Error).message,
          });
        }
      }
      let audit: AuditIndex | undefined;
      if (o.k8sAuditLog) {
        const text = await readInput(
          o.k8sAuditLog,
          "--k8s-audit-log",
          "a kube-apiserver audit log (JSON lines)",
        );
        audit = policyMod.parseAuditLog(text, o.k8sAuditLog);
      }

      const subjects: Subject[] = [];
      const issues = [...(audit?.issues ?? [])];
      const { explainSubject } = await import("../../report/build.js");
      const anySubject = o.pid || o.all || o.container || o.k8s || o.go || o.host || o.diff;
      if (o.pid || o.all || !anySubject) {
        const { ExplainSession, defaultSubject } = await import("../../explain.js");
        const session = new ExplainSession({ root: o.root, reveal: !!o.reveal });
        if (o.pid || o.all) {
          const pids: number[] = o.pid ?? (await session.reader.listPids());
          for (const pid of pids) {
            const r = await session.explain(pid);
            if (r.issues.some((i) => i.code === "KTHREAD") && r.variables.length === 0) continue;
            subjects.push(explainSubject(r));
          }
        } else {
          const { envPid, subjectPid } = await defaultSubject(session.reader, io.pid);
          subjects.push(explainSubject(await session.explain(envPid, subjectPid)));
        }
      }
      for (const ref of o.container ?? []) {
        const { explainContainer } = await import("../../attribution/container/explain.js");
        const r = await explainContainer(ref, { root: o.root, reveal: !!o.reveal, env: io.env });
        if (!r)
          throw new EnvtraceError("BAD_INPUT", {
            input: `--container ${ref}`,
            why: "no engine and no runtime state knows it; check `podman ps -a` / `docker ps -a`",
          });
        subjects.push(explainSubject(r));
      }
      if (o.k8s?.length) subjects.push(...(await k8sSubjects(o.k8s, !!o.reveal, issues)));
      if (o.go) {
        const { collectRaw } = await import("../../go/collect.js");
        const { auditGo } = await import("../../go/audit.js");
        const { goSubject } = await import("../../report/build.js");
        const raw = await collectRaw({ env: io.env, selfPid: io.pid, origins: true });
        subjects.push(goSubject(await auditGo(raw, { reveal: !!o.reveal })));
      }
      if (o.host) {
        const { runHostChecks } = await import("../../host/index.js");
        const { defaultSubject } = await import("../../explain.js");
        const { ProcReader } = await import("../../snapshot/procfs.js");
        const { createHostFs } = await import("../../snapshot/host-fs.js");
        const { hostSubject } = await import("../../report/build.js");
        const pid = (await defaultSubject(new ProcReader(createHostFs(o.root ?? "/")), io.pid)).subjectPid;
        subjects.push(hostSubject(await runHostChecks({ root: o.root, pid, env: io.env })));
      }
      if (o.diff) {
        const { parseSnapshot } = await import("../../drift/snapshot.js");
        const { diffSnapshots, VOLATILE_KEYS } = await import("../../drift/diff.js");
        const { driftSubject } = await import("../../report/build.js");
        const [a, b] = o.diff as [string, string];
        const read = async (f: string) => {
          const text = await readInput(
            f,
            "--diff",
            "a snapshot written by `envtrace snapshot --out FILE`",
            64 * 1024 * 1024,
          );
          return parseSnapshot(text, f);
        };
        const drift = diffSnapshots(await read(a), await read(b), { a, b }, { ignore: [...VOLATILE_KEYS] });
        subjects.push(driftSubject(drift));
      }

      let out = subjects;
      const extra: Subject[] = [];
      if (policy) {
        const ix = audit;
        const applied = policyMod.applyPolicy(subjects, policy, {
          ...(baseline ? { baseline } : {}),
          ...(ix
            ? {
                audit: (s, v) => {
                  const loc = v.winner?.location as { resource?: string } | undefined;
                  const sa =
                    typeof s.details.serviceAccount === "string" ? s.details.serviceAccount : undefined;
                  const facts = policyMod.auditFacts(ix, loc?.resource, sa);
                  if (facts?.found && !v.notes.some((n) => n.startsWith("audit:")))
                    v.notes.push(
                      `audit: ${facts.user ? `last ${facts.verb} by ${facts.user} at ${facts.time}` : "no write recorded"}; ${facts.serviceAccountRead ? "read by the pod's service account" : "not read by the pod's service account"}`,
                    );
                  return facts;
                },
              }
            : {}),
        });
        out = applied.subjects;
        extra.push(applied.policySubject);
      } else if (baseline) {
        out = subjects.map((s) => ({
          ...s,
          findings: s.findings.filter((f) => !baseline.has(f.fingerprint)),
        }));
      }
      const failOn = o.writeBaseline ? undefined : (o.failOn ?? policy?.failOn ?? "high");
      const opts = { ...o, ...(failOn ? { failOn } : { failOn: undefined }) };
      const report = await makeReport(ctx, "check", opts, [...out, ...extra], issues);
      if (o.writeBaseline) {
        writeAtomic(o.writeBaseline, `${JSON.stringify(policyMod.baselineOf(report), null, 2)}\n`);
        io.stderr.write(
          `envtrace: wrote ${o.writeBaseline} (${report.subjects.reduce((n, s) => n + s.findings.length, 0)} findings)\n`,
        );
      }
      await emitReport(ctx, report, opts);
    });
  },
};

/** Pod containers from manifests, each with its service account (for the audit join). */
async function k8sSubjects(files: string[], reveal: boolean, issues: Subject["issues"]): Promise<Subject[]> {
  const { explainIndex, indexFiles, subjectsOf } = await import("../../k8s/explain.js");
  const { podTemplateOf } = await import("../../k8s/types.js");
  const { explainSubject } = await import("../../report/build.js");
  const index = await indexFiles(files, (f) => readFile(f, "utf8"));
  if (index.all.length === 0) {
    const first = index.issues[0];
    throw new EnvtraceError("BAD_INPUT", {
      input: `--k8s ${first?.subject ?? files.join(", ")}`,
      why: first ? `${first.detail}; nothing to check` : "no Kubernetes objects found",
    });
  }
  const sa = new Map<string, string>();
  for (const o of subjectsOf(index)) {
    const spec = podTemplateOf(o)?.spec as Record<string, unknown> | undefined;
    const name = String(spec?.serviceAccountName ?? spec?.serviceAccount ?? "default");
    const ns = o.metadata.namespace ?? "default";
    for (const pod of [o.metadata.name, `${o.kind}:${o.metadata.name}`])
      sa.set(`${ns}/${pod}`, `${ns}/${name}`);
  }
  const out = explainIndex(index, { reveal });
  issues.push(...out.issues);
  return out.results.map((r) => {
    const s = explainSubject(r);
    const key = `${s.details.namespace ?? "default"}/${s.details.pod ?? ""}`;
    s.details.serviceAccount = sa.get(key) ?? `${s.details.namespace ?? "default"}/default`;
    return s;
  });
}
